package xtcp

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// Conn is an XTCP connection, the counterpart of *net.TCPConn.  It
// implements net.Conn; Dial, DialContext and Listener.Accept return one.
//
// Its methods are safe for concurrent use as net.Conn's are: one Read and
// one Write may run at the same time, and Close or a deadline wakes them.
type Conn struct {
	fd *netFD
}

func (c *Conn) ok() bool { return c != nil && c.fd != nil }

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.fd.net, Source: c.fd.laddr, Addr: c.fd.raddr, Err: err}
}

// setError is the error of a Set*Deadline or Set*Buffer method, shaped as
// net's (no source, the local address as the address).
func (c *Conn) setError(err error) error {
	return &net.OpError{Op: "set", Net: c.fd.net, Source: nil, Addr: c.fd.laddr, Err: err}
}

// Read reads data from the connection.  At the end of the stream, once
// the peer has closed or shut down its writing side and all data has been
// read, it returns 0, io.EOF.  A read that does not finish before the read
// deadline returns an error that wraps os.ErrDeadlineExceeded; a
// connection reset by the peer gives one that wraps syscall.ECONNRESET.
func (c *Conn) Read(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	n, err := c.fd.f.Read(b)
	if err != nil && err != io.EOF {
		err = c.opError("read", c.fd.mapErr(err))
	}
	return n, err
}

// Write writes data to the connection, waiting as long as needed (or
// until the write deadline) for room in the send buffer.
func (c *Conn) Write(b []byte) (int, error) {
	if !c.ok() {
		return 0, syscall.EINVAL
	}
	n, err := c.fd.f.Write(b)
	if err != nil {
		err = c.opError("write", c.fd.mapErr(err))
	}
	return n, err
}

// Close closes the connection: gracefully (the peer reads io.EOF once it
// has read all data) unless SetLinger(0) was called, in which case the
// connection is reset.  Blocked Read and Write calls return an error
// wrapping net.ErrClosed, and so does any later use.
func (c *Conn) Close() error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.close(); err != nil {
		return c.opError("close", err)
	}
	return nil
}

// CloseRead shuts down the reading side of the connection
// (shutdown(SHUT_RD)).  Most callers should just use Close.
func (c *Conn) CloseRead() error {
	return c.shutdown(syscall.SHUT_RD)
}

// CloseWrite shuts down the writing side of the connection
// (shutdown(SHUT_WR)): the peer reads io.EOF after the data sent so far,
// and can still send.  Most callers should just use Close.
func (c *Conn) CloseWrite() error {
	return c.shutdown(syscall.SHUT_WR)
}

func (c *Conn) shutdown(how int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	err := c.fd.control(func(s int) error {
		return os.NewSyscallError("shutdown", syscall.Shutdown(s, how))
	})
	if err != nil {
		return c.opError("close", err)
	}
	return nil
}

// LocalAddr returns the local address, a *net.TCPAddr.
func (c *Conn) LocalAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	return c.fd.laddr
}

// RemoteAddr returns the peer's address, a *net.TCPAddr.
func (c *Conn) RemoteAddr() net.Addr {
	if !c.ok() {
		return nil
	}
	return c.fd.raddr
}

// SetDeadline sets the read and write deadlines, as net.Conn's
// SetDeadline.  A zero time means no deadline.
func (c *Conn) SetDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.f.SetDeadline(t); err != nil {
		return c.setError(c.fd.mapErr(err))
	}
	return nil
}

// SetReadDeadline sets the deadline for Read calls, pending and future.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.f.SetReadDeadline(t); err != nil {
		return c.setError(c.fd.mapErr(err))
	}
	return nil
}

// SetWriteDeadline sets the deadline for Write calls, pending and future.
// Even if a write times out, it may have written part of the data.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.f.SetWriteDeadline(t); err != nil {
		return c.setError(c.fd.mapErr(err))
	}
	return nil
}

// SetReadBuffer sets the size of the kernel's receive buffer for the
// connection (SO_RCVBUF; Linux doubles the value).
func (c *Conn) SetReadBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.setsockoptInt(syscall.SOL_SOCKET, syscall.SO_RCVBUF, bytes); err != nil {
		return c.setError(err)
	}
	return nil
}

// SetWriteBuffer sets the size of the kernel's send buffer for the
// connection (SO_SNDBUF; Linux doubles the value).
func (c *Conn) SetWriteBuffer(bytes int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.setsockoptInt(syscall.SOL_SOCKET, syscall.SO_SNDBUF, bytes); err != nil {
		return c.setError(err)
	}
	return nil
}

// SetKeepAlive sets whether the kernel sends keep-alive probes on the
// connection (SO_KEEPALIVE).
func (c *Conn) SetKeepAlive(keepalive bool) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.setKeepAlive(keepalive); err != nil {
		return c.opError("set", err)
	}
	return nil
}

// SetKeepAlivePeriod sets the idle time before the first keep-alive probe
// and the interval between probes (TCP_KEEPIDLE and TCP_KEEPINTVL), in
// whole seconds rounded up, as *net.TCPConn's does.
func (c *Conn) SetKeepAlivePeriod(d time.Duration) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.setKeepAlivePeriod(d); err != nil {
		return c.opError("set", err)
	}
	return nil
}

// SetNoDelay controls Nagle's algorithm (TCP_NODELAY).  The default is
// true (no delay), as for package net's TCP connections.
func (c *Conn) SetNoDelay(noDelay bool) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	if err := c.fd.setNoDelay(noDelay); err != nil {
		return c.opError("set", err)
	}
	return nil
}

// SetLinger sets what Close does with data not yet sent or acknowledged
// (SO_LINGER), as *net.TCPConn's SetLinger: sec < 0 (the default) sends it
// in the background; sec == 0 discards it and resets the connection, so
// the peer's reads fail with ECONNRESET; sec > 0 makes Close wait up to
// sec seconds for it to be sent.
func (c *Conn) SetLinger(sec int) error {
	if !c.ok() {
		return syscall.EINVAL
	}
	var l syscall.Linger
	if sec >= 0 {
		l.Onoff = 1
		l.Linger = int32(sec)
	}
	err := c.fd.control(func(s int) error {
		return os.NewSyscallError("setsockopt", syscall.SetsockoptLinger(s, syscall.SOL_SOCKET, syscall.SO_LINGER, &l))
	})
	if err != nil {
		return c.opError("set", err)
	}
	return nil
}

// SyscallConn returns a raw network connection, for socket options this
// package has no method for (getsockopt and setsockopt at SOL_TCP take
// Linux's TCP_* options).
func (c *Conn) SyscallConn() (syscall.RawConn, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	return &rawConn{fd: c.fd}, nil
}

// File returns a copy of the underlying socket as an *os.File, as
// *net.TCPConn's File does.  It is the caller's responsibility to close
// it; closing c does not affect it, nor closing it c.
func (c *Conn) File() (*os.File, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	f, err := c.fd.dup()
	if err != nil {
		return nil, c.opError("file", err)
	}
	return f, nil
}

// rawConn is a syscall.RawConn whose errors are shaped as package net's
// (a *net.OpError, net.ErrClosed once closed).
type rawConn struct {
	fd       *netFD
	listener bool // Read and Write refuse, as on net's listeners
}

func (r *rawConn) Control(f func(fd uintptr)) error {
	if err := r.fd.rc.Control(f); err != nil {
		return &net.OpError{Op: "raw-control", Net: r.fd.net, Source: nil, Addr: r.fd.laddr, Err: r.fd.mapErr(err)}
	}
	return nil
}

func (r *rawConn) Read(f func(fd uintptr) (done bool)) error {
	if r.listener {
		return syscall.EINVAL
	}
	if err := r.fd.rc.Read(f); err != nil {
		return &net.OpError{Op: "raw-read", Net: r.fd.net, Source: r.fd.laddr, Addr: r.fd.raddr, Err: r.fd.mapErr(err)}
	}
	return nil
}

func (r *rawConn) Write(f func(fd uintptr) (done bool)) error {
	if r.listener {
		return syscall.EINVAL
	}
	if err := r.fd.rc.Write(f); err != nil {
		return &net.OpError{Op: "raw-write", Net: r.fd.net, Source: r.fd.laddr, Addr: r.fd.raddr, Err: r.fd.mapErr(err)}
	}
	return nil
}
