package xtcp

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// The numbers of the XTCP module's user API (<linux/xtcp.h>, uapi/linux/xtcp.h
// in the XTCP repository).
const (
	// AF_XTCP is XTCP's address family, for socket(2).  The module takes
	// the slot of AF_WANPIPE.
	AF_XTCP = 25
	// IPPROTO_XTCP is the IP protocol number of XTCP segments (RFC 3692,
	// experimental).  socket(2) also accepts it as its protocol argument.
	IPPROTO_XTCP = 253
)

// defaultKeepAlive is package net's default keep-alive idle time and
// interval when Dialer.KeepAlive or ListenConfig.KeepAlive is zero.
const defaultKeepAlive = 15 * time.Second

// listenBacklog asks for the largest backlog; the kernel caps it at
// net.core.somaxconn, which is what package net ends up with too.
const listenBacklog = 1<<16 - 1

var (
	noDeadline   = time.Time{}
	aLongTimeAgo = time.Unix(1, 0)
)

// checkNetwork accepts the networks that mean XTCP over IPv4.
func checkNetwork(network string) error {
	switch network {
	case "xtcp", "xtcp4", "tcp", "tcp4":
		return nil
	}
	return net.UnknownNetworkError(network)
}

// ctrlNetwork is the network a Control function sees: the network given,
// with the IPv4 suffix added as package net adds it ("tcp" -> "tcp4").
func ctrlNetwork(network string) string {
	if strings.HasSuffix(network, "4") {
		return network
	}
	return network + "4"
}

// Errors shaped as package net's (it does not export them).
var (
	errMissingAddress       = errors.New("missing address")
	errCanceled       error = canceledError{}
	errTimeout        error = &timeoutError{}
	errNotPollable          = errors.New("xtcp: socket not registered with the runtime poller")
)

// canceledError is package net's error for a dial whose context was
// cancelled: "operation was canceled", and errors.Is context.Canceled.
type canceledError struct{}

func (canceledError) Error() string     { return "operation was canceled" }
func (canceledError) Is(err error) bool { return err == context.Canceled }

// timeoutError is package net's error for a dial whose context's deadline
// passed: "i/o timeout", Timeout() true, and errors.Is
// context.DeadlineExceeded.
type timeoutError struct{}

func (*timeoutError) Error() string     { return "i/o timeout" }
func (*timeoutError) Timeout() bool     { return true }
func (*timeoutError) Temporary() bool   { return true }
func (*timeoutError) Is(err error) bool { return err == context.DeadlineExceeded }

// mapCtxErr maps a context's error to package net's errors for it.
func mapCtxErr(err error) error {
	switch err {
	case context.Canceled:
		return errCanceled
	case context.DeadlineExceeded:
		return errTimeout
	}
	return err
}

// addrOrNil keeps a nil *net.TCPAddr from becoming a non-nil net.Addr.
func addrOrNil(a *net.TCPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

func opError(op, network string, source, addr *net.TCPAddr, err error) *net.OpError {
	return &net.OpError{Op: op, Net: network, Source: addrOrNil(source), Addr: addrOrNil(addr), Err: err}
}

// resolveAddrs resolves a "host:port" address to IPv4 TCP addresses, as
// package net resolves it for "tcp4": an empty host is the unspecified
// address (for dial, the kernel makes it this host), an IP literal is
// itself, a name goes to net.DefaultResolver.
func resolveAddrs(ctx context.Context, op, address string) ([]*net.TCPAddr, error) {
	if op == "dial" && address == "" {
		return nil, errMissingAddress
	}
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := net.DefaultResolver.LookupPort(ctx, "tcp", service)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return []*net.TCPAddr{{Port: port}}, nil
	}
	if ip := net.ParseIP(host); ip != nil {
		ip4 := ip.To4()
		if ip4 == nil {
			if ip.IsUnspecified() {
				// "[::]:port": the wildcard, as net treats it.
				return []*net.TCPAddr{{Port: port}}, nil
			}
			return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
		}
		return []*net.TCPAddr{{IP: ip4, Port: port}}, nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip4", host)
	if err != nil {
		return nil, err
	}
	var addrs []*net.TCPAddr
	for _, ip := range ips {
		if ip4 := ip.To4(); ip4 != nil {
			addrs = append(addrs, &net.TCPAddr{IP: ip4, Port: port})
		}
	}
	if len(addrs) == 0 {
		return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
	}
	return addrs, nil
}

// netFD is what a Conn and a Listener share: the socket as an *os.File
// registered with the runtime poller, its RawConn, the network as given
// and the addresses.
type netFD struct {
	f      *os.File
	rc     syscall.RawConn
	net    string
	laddr  net.Addr
	raddr  net.Addr
	closed atomic.Bool
}

// newSocket opens a non-blocking XTCP socket and registers it with the
// runtime poller through os.NewFile.  The int is the descriptor, for the
// set-up calls made before anyone else can see the socket.
func newSocket(network string) (*netFD, int, error) {
	s, err := syscall.Socket(AF_XTCP, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, -1, os.NewSyscallError("socket", err)
	}
	fd, err := newFD(s, network)
	if err != nil {
		return nil, -1, err
	}
	return fd, s, nil
}

// newFD wraps the non-blocking descriptor s; on error s is closed.
func newFD(s int, network string) (*netFD, error) {
	// A non-blocking descriptor makes os.NewFile register it with the
	// poller; if that failed, deadlines are refused (ErrNoDeadline) and
	// reads would fail with EAGAIN instead of waiting: give up.
	f := os.NewFile(uintptr(s), "xtcp")
	if err := f.SetDeadline(noDeadline); err != nil {
		f.Close()
		return nil, errNotPollable
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &netFD{f: f, rc: rc, net: network}, nil
}

func (fd *netFD) setAddr(laddr, raddr *net.TCPAddr) {
	fd.laddr = addrOrNil(laddr)
	fd.raddr = addrOrNil(raddr)
}

// close marks the socket closed, so that errors from operations it
// interrupts read net.ErrClosed, and closes it.
func (fd *netFD) close() error {
	fd.closed.Store(true)
	return fd.mapErr(fd.f.Close())
}

// mapErr turns an error of the *os.File or its RawConn into what package
// net reports: net.ErrClosed once closed, os.ErrDeadlineExceeded for a
// deadline, errnos as *os.SyscallError named after the call, and never an
// *os.PathError.
func (fd *netFD) mapErr(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	op := ""
	if pe, ok := err.(*os.PathError); ok {
		op, err = pe.Op, pe.Err
	}
	if fd.closed.Load() || err == os.ErrClosed {
		return net.ErrClosed
	}
	if errno, ok := err.(syscall.Errno); ok && op != "" {
		return os.NewSyscallError(op, errno)
	}
	return err
}

// control runs f on the descriptor, returning the RawConn's error (mapped)
// or else f's.
func (fd *netFD) control(f func(s int) error) error {
	var ferr error
	if err := fd.rc.Control(func(s uintptr) { ferr = f(int(s)) }); err != nil {
		return fd.mapErr(err)
	}
	return ferr
}

func (fd *netFD) setsockoptInt(level, opt, value int) error {
	return fd.control(func(s int) error {
		return os.NewSyscallError("setsockopt", syscall.SetsockoptInt(s, level, opt, value))
	})
}

func boolint(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (fd *netFD) setNoDelay(noDelay bool) error {
	return fd.setsockoptInt(syscall.IPPROTO_TCP, syscall.TCP_NODELAY, boolint(noDelay))
}

func (fd *netFD) setKeepAlive(on bool) error {
	return fd.setsockoptInt(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, boolint(on))
}

// setKeepAlivePeriod sets the idle time and the interval, in seconds
// rounded up, as package net does on Linux.
func (fd *netFD) setKeepAlivePeriod(d time.Duration) error {
	secs := int((d + time.Second - 1) / time.Second)
	if err := fd.setsockoptInt(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, secs); err != nil {
		return err
	}
	return fd.setsockoptInt(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, secs)
}

// applyKeepAlive is what net does to a new connection for a KeepAlive
// setting (errors ignored, as net ignores them).
func (fd *netFD) applyKeepAlive(ka time.Duration) {
	if ka < 0 {
		return
	}
	if ka == 0 {
		ka = defaultKeepAlive
	}
	fd.setKeepAlive(true)
	fd.setKeepAlivePeriod(ka)
}

// dup returns a new *os.File for a duplicate of the descriptor.
func (fd *netFD) dup() (*os.File, error) {
	ns := -1
	err := fd.control(func(s int) error {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(s), syscall.F_DUPFD_CLOEXEC, 0)
		if e != 0 {
			return os.NewSyscallError("fcntl", e)
		}
		ns = int(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	name := "xtcp"
	if fd.laddr != nil {
		name += ":" + fd.laddr.String()
	}
	if fd.raddr != nil {
		name += "->" + fd.raddr.String()
	}
	return os.NewFile(uintptr(ns), name), nil
}
