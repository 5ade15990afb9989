package xtcp

import (
	"context"
	"net"
	"os"
	"syscall"
	"time"
)

// ListenConfig contains options for listening to an address, as
// net.ListenConfig does for TCP.  The zero value is the default
// configuration.
type ListenConfig struct {
	// Control, if not nil, is called after the socket is created (and
	// SO_REUSEADDR set, as package net sets it) and before it is bound,
	// with the network ("xtcp4", "tcp4"...: the network given with the
	// "4" added), the local address, and the socket's RawConn.
	Control func(network, address string, c syscall.RawConn) error

	// KeepAlive is the keep-alive period of accepted connections, as in
	// net.ListenConfig: zero enables keep-alives with a 15 s idle time
	// and interval, a positive value enables them with that period (in
	// whole seconds, rounded up), a negative value leaves them off.
	KeepAlive time.Duration
}

// Listen announces on the local address, as net.Listen does: the network
// must be "xtcp", "xtcp4", "tcp" or "tcp4" (XTCP over IPv4), the address
// "host:port" where an empty host listens on all addresses and port 0
// picks a free port (see the Listener's Addr).  The net.Listener returned
// is a *Listener.
func Listen(network, address string) (net.Listener, error) {
	var lc ListenConfig
	return lc.Listen(context.Background(), network, address)
}

// Listen announces on the local address; see the function Listen.  The
// context is used while resolving the address only.
func (lc *ListenConfig) Listen(ctx context.Context, network, address string) (net.Listener, error) {
	l, err := lc.listen(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (lc *ListenConfig) listen(ctx context.Context, network, address string) (*Listener, error) {
	if err := checkNetwork(network); err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	addrs, err := resolveAddrs(ctx, "listen", address)
	if err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	la := addrs[0]
	fd, s, err := newSocket(network)
	if err != nil {
		return nil, opError("listen", network, nil, la, err)
	}
	laddr, err := lc.setup(fd, s, la)
	if err != nil {
		fd.f.Close()
		return nil, opError("listen", network, nil, la, err)
	}
	fd.setAddr(laddr, nil)
	return &Listener{fd: fd, keepAlive: lc.KeepAlive}, nil
}

func (lc *ListenConfig) setup(fd *netFD, s int, la *net.TCPAddr) (*net.TCPAddr, error) {
	if err := syscall.SetsockoptInt(s, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return nil, os.NewSyscallError("setsockopt", err)
	}
	if lc.Control != nil {
		if err := lc.Control(ctrlNetwork(fd.net), la.String(), &rawConn{fd: fd}); err != nil {
			return nil, err
		}
	}
	if err := syscall.Bind(s, sockaddr(la)); err != nil {
		return nil, os.NewSyscallError("bind", err)
	}
	if err := syscall.Listen(s, listenBacklog); err != nil {
		return nil, os.NewSyscallError("listen", err)
	}
	return getsockname(s)
}

// Listener is an XTCP listener, the counterpart of *net.TCPListener.
// Listen returns one as a net.Listener.
type Listener struct {
	fd        *netFD
	keepAlive time.Duration
}

func (l *Listener) ok() bool { return l != nil && l.fd != nil }

func (l *Listener) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: l.fd.net, Source: nil, Addr: l.fd.laddr, Err: err}
}

// Accept waits for and returns the next connection, a *Conn, as
// *net.TCPListener's Accept does.  It returns an error wrapping
// net.ErrClosed once the listener is closed (Close wakes a blocked
// Accept), and one wrapping os.ErrDeadlineExceeded when the deadline
// passes.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.AcceptXTCP()
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptXTCP is Accept returning the *Conn type.
func (l *Listener) AcceptXTCP() (*Conn, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	c, err := l.accept()
	if err != nil {
		return nil, l.opError("accept", err)
	}
	return c, nil
}

func (l *Listener) accept() (*Conn, error) {
	var (
		ns      = -1
		rsa     *syscall.RawSockaddrAny
		rsaLen  uint32
		callErr error
	)
	err := l.fd.rc.Read(func(s uintptr) bool {
		for {
			n, sa, salen, errno := accept4(int(s))
			switch errno {
			case 0:
				ns, rsa, rsaLen = n, sa, salen
				return true
			case syscall.EINTR, syscall.ECONNABORTED:
				// ECONNABORTED: reset while in the queue; as net,
				// try the next one.
				continue
			case syscall.EAGAIN:
				return false
			default:
				callErr = os.NewSyscallError("accept4", errno)
				return true
			}
		}
	})
	if err != nil {
		return nil, l.fd.mapErr(err)
	}
	if callErr != nil {
		return nil, callErr
	}
	fd, err := newFD(ns, l.fd.net)
	if err != nil {
		return nil, err
	}
	laddr, err := getsockname(ns)
	if err != nil {
		fd.f.Close()
		return nil, err
	}
	raddr, err := sockaddrToTCP(rsa, rsaLen)
	if err != nil {
		fd.f.Close()
		return nil, os.NewSyscallError("accept4", err)
	}
	fd.setAddr(laddr, raddr)
	fd.setNoDelay(true)
	fd.applyKeepAlive(l.keepAlive)
	return &Conn{fd: fd}, nil
}

// Close stops listening.  Connections already accepted stay open; a
// blocked Accept returns an error wrapping net.ErrClosed.
func (l *Listener) Close() error {
	if !l.ok() {
		return syscall.EINVAL
	}
	if err := l.fd.close(); err != nil {
		return l.opError("close", err)
	}
	return nil
}

// Addr returns the listener's address, a *net.TCPAddr with the port the
// kernel chose if the address asked for port 0.
func (l *Listener) Addr() net.Addr {
	if !l.ok() {
		return nil
	}
	return l.fd.laddr
}

// SetDeadline sets the deadline for Accept calls, pending and future.  A
// zero time means no deadline.
func (l *Listener) SetDeadline(t time.Time) error {
	if !l.ok() {
		return syscall.EINVAL
	}
	if err := l.fd.f.SetDeadline(t); err != nil {
		return l.opError("set", l.fd.mapErr(err))
	}
	return nil
}

// SyscallConn returns a raw network connection for socket options; as
// for package net's listeners, its Read and Write methods are refused.
func (l *Listener) SyscallConn() (syscall.RawConn, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	return &rawConn{fd: l.fd, listener: true}, nil
}

// File returns a copy of the underlying socket as an *os.File, as
// *net.TCPListener's File does.  It is the caller's responsibility to
// close it; closing l does not affect it, nor closing it l.
func (l *Listener) File() (*os.File, error) {
	if !l.ok() {
		return nil, syscall.EINVAL
	}
	f, err := l.fd.dup()
	if err != nil {
		return nil, l.opError("file", err)
	}
	return f, nil
}
