package xtcp

import (
	"context"
	"net"
	"os"
	"syscall"
	"time"
)

// A Dialer contains options for connecting to an address, as net.Dialer
// does for TCP.  The zero value is a Dialer without timeout.
type Dialer struct {
	// Timeout is the longest a dial waits for the connection to be
	// established.  The earliest of Timeout, Deadline and the context's
	// deadline wins.  Zero means no timeout (the kernel still gives up
	// after its SYN retries, with ETIMEDOUT).  A dial that times out
	// returns an error whose Timeout method reports true.
	Timeout time.Duration

	// Deadline is the absolute time after which a dial fails.  Zero
	// means no deadline.
	Deadline time.Time

	// LocalAddr is the local address to bind to before connecting; it
	// must be a *net.TCPAddr with an IPv4 (or unspecified) address.  Nil
	// lets the kernel choose.
	LocalAddr net.Addr

	// KeepAlive is the keep-alive period of a new connection, as in
	// net.Dialer: zero enables keep-alives with a 15 s idle time and
	// interval, a positive value enables them with that period (in whole
	// seconds, rounded up), a negative value leaves them off.
	KeepAlive time.Duration

	// Control, if not nil, is called after the socket is created and
	// before it is bound or connected, with the network ("xtcp4",
	// "tcp4"...: the network given with the "4" added), the remote
	// address, and the socket's RawConn, as net.Dialer's Control is.
	Control func(network, address string, c syscall.RawConn) error
}

// Dial connects to the address on the named network, as net.Dial does.
//
// The network must be "xtcp", "xtcp4", "tcp" or "tcp4", all meaning XTCP
// over IPv4.  The address is "host:port"; the host is an IPv4 literal, a
// name (its IPv4 addresses are tried in turn) or empty (this host).  The
// net.Conn returned is a *Conn.
func Dial(network, address string) (net.Conn, error) {
	var d Dialer
	return d.Dial(network, address)
}

// DialTimeout is Dial with a timeout, as net.DialTimeout is.
func DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	d := Dialer{Timeout: timeout}
	return d.Dial(network, address)
}

// Dial connects to the address on the named network; see the function
// Dial.
func (d *Dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

// DialContext connects to the address on the named network using the
// provided context, which must be non-nil.  If the context is done before
// the connection is established, the dial is aborted at once and returns
// an error; once it is established, the context has no effect on the
// connection.  A cancelled context gives an error for which
// errors.Is(err, context.Canceled) holds; a deadline, whether the
// context's or the Dialer's Timeout or Deadline, gives one whose Timeout
// method reports true.  See the function Dial for the networks and
// addresses.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if ctx == nil {
		panic("nil context")
	}
	c, err := d.dial(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func minNonzeroTime(a, b time.Time) time.Time {
	if a.IsZero() {
		return b
	}
	if b.IsZero() || a.Before(b) {
		return a
	}
	return b
}

// deadline is the earliest of now+Timeout, Deadline and the context's
// deadline, as net.Dialer's.
func (d *Dialer) deadline(ctx context.Context, now time.Time) (earliest time.Time) {
	if d.Timeout != 0 {
		earliest = now.Add(d.Timeout)
	}
	if dl, ok := ctx.Deadline(); ok {
		earliest = minNonzeroTime(earliest, dl)
	}
	return minNonzeroTime(earliest, d.Deadline)
}

// partialDeadline gives each of the addresses left its share of the time
// left, with a minimum of 2 s, as package net does.
func partialDeadline(now, deadline time.Time, addrsRemaining int) (time.Time, error) {
	if deadline.IsZero() {
		return deadline, nil
	}
	timeRemaining := deadline.Sub(now)
	if timeRemaining <= 0 {
		return time.Time{}, errTimeout
	}
	timeout := timeRemaining / time.Duration(addrsRemaining)
	const saneMinimum = 2 * time.Second
	if timeout < saneMinimum {
		if timeRemaining < saneMinimum {
			timeout = timeRemaining
		} else {
			timeout = saneMinimum
		}
	}
	return now.Add(timeout), nil
}

func (d *Dialer) dial(ctx context.Context, network, address string) (*Conn, error) {
	if deadline := d.deadline(ctx, time.Now()); !deadline.IsZero() {
		if dl, ok := ctx.Deadline(); !ok || deadline.Before(dl) {
			subCtx, cancel := context.WithDeadline(ctx, deadline)
			defer cancel()
			ctx = subCtx
		}
	}
	if err := checkNetwork(network); err != nil {
		return nil, opError("dial", network, nil, nil, err)
	}
	var la *net.TCPAddr
	if d.LocalAddr != nil {
		a, ok := d.LocalAddr.(*net.TCPAddr)
		if !ok {
			return nil, opError("dial", network, nil, nil, &net.AddrError{Err: "mismatched local address type", Addr: d.LocalAddr.String()})
		}
		if a != nil && a.IP != nil && a.IP.To4() == nil && !a.IP.IsUnspecified() {
			return nil, opError("dial", network, nil, nil, &net.AddrError{Err: "no suitable address found", Addr: a.IP.String()})
		}
		la = a
	}
	addrs, err := resolveAddrs(ctx, "dial", address)
	if err != nil {
		return nil, opError("dial", network, nil, nil, err)
	}

	// As net's dialSerial: each address in turn, the first error wins.
	var firstErr error
	for i, ra := range addrs {
		select {
		case <-ctx.Done():
			return nil, opError("dial", network, la, ra, mapCtxErr(ctx.Err()))
		default:
		}
		dialCtx := ctx
		if deadline, ok := ctx.Deadline(); ok {
			partial, err := partialDeadline(time.Now(), deadline, len(addrs)-i)
			if err != nil {
				if firstErr == nil {
					firstErr = opError("dial", network, la, ra, err)
				}
				break
			}
			if partial.Before(deadline) {
				var cancel context.CancelFunc
				dialCtx, cancel = context.WithDeadline(ctx, partial)
				defer cancel()
			}
		}
		c, err := d.dialSingle(dialCtx, network, la, ra)
		if err == nil {
			c.fd.applyKeepAlive(d.KeepAlive)
			return c, nil
		}
		if firstErr == nil {
			firstErr = opError("dial", network, la, ra, err)
		}
	}
	return nil, firstErr
}

// dialSingle connects to ra.  On error, nothing is left open.
func (d *Dialer) dialSingle(ctx context.Context, network string, la, ra *net.TCPAddr) (*Conn, error) {
	fd, s, err := newSocket(network)
	if err != nil {
		return nil, err
	}
	if err := d.setupAndConnect(ctx, fd, s, la, ra); err != nil {
		fd.f.Close()
		return nil, err
	}
	laddr, err := getsockname(s)
	if err != nil {
		fd.f.Close()
		return nil, err
	}
	raddr, err := getpeername(s)
	if err != nil {
		// Connected, then reset already: net keeps the address dialed.
		raddr = ra
	}
	fd.setAddr(laddr, raddr)
	c := &Conn{fd: fd}
	fd.setNoDelay(true)
	return c, nil
}

func (d *Dialer) setupAndConnect(ctx context.Context, fd *netFD, s int, la, ra *net.TCPAddr) error {
	if d.Control != nil {
		rc := &rawConn{fd: fd}
		if err := d.Control(ctrlNetwork(fd.net), ra.String(), rc); err != nil {
			return err
		}
	}
	if la != nil {
		if err := syscall.Bind(s, sockaddr(la)); err != nil {
			return os.NewSyscallError("bind", err)
		}
	}
	return connect(ctx, fd, s, ra)
}

// connect is package net's netFD.connect: a non-blocking connect(2), then
// a wait for writability in the poller and SO_ERROR.  The context's
// deadline becomes the socket's write deadline, and a goroutine moves
// that deadline into the past when the context is done, waking the wait
// at once.
func connect(ctx context.Context, fd *netFD, s int, ra *net.TCPAddr) (ret error) {
	switch err := syscall.Connect(s, sockaddr(ra)); err {
	case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
	case nil, syscall.EISCONN:
		select {
		case <-ctx.Done():
			return mapCtxErr(ctx.Err())
		default:
		}
		return nil
	default:
		return os.NewSyscallError("connect", err)
	}

	if deadline, ok := ctx.Deadline(); ok {
		fd.f.SetWriteDeadline(deadline)
		defer fd.f.SetWriteDeadline(noDeadline)
	}

	ctxDone := ctx.Done()
	if ctxDone != nil {
		// The interrupter; connect returns only once it has exited.
		done := make(chan struct{})
		interruptRes := make(chan error)
		defer func() {
			close(done)
			if ctxErr := <-interruptRes; ctxErr != nil && ret == nil {
				// The context was done just as the connection was
				// made: the write deadline is poisoned, so fail (the
				// caller closes the socket), as net does.
				ret = mapCtxErr(ctxErr)
			}
		}()
		go func() {
			select {
			case <-ctxDone:
				fd.f.SetWriteDeadline(aLongTimeAgo)
				interruptRes <- ctx.Err()
			case <-done:
				interruptRes <- nil
			}
		}()
	}

	var connErr error
	err := fd.rc.Write(func(s uintptr) bool {
		// The poller may wake us spuriously: only SO_ERROR or a peer
		// address says how the connect went.
		nerr, err := syscall.GetsockoptInt(int(s), syscall.SOL_SOCKET, syscall.SO_ERROR)
		if err != nil {
			connErr = os.NewSyscallError("getsockopt", err)
			return true
		}
		switch e := syscall.Errno(nerr); e {
		case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
			return false
		case syscall.EISCONN:
			return true
		case 0:
			_, err := getpeername(int(s))
			return err == nil
		default:
			connErr = os.NewSyscallError("connect", e)
			return true
		}
	})
	if err != nil {
		select {
		case <-ctxDone:
			return mapCtxErr(ctx.Err())
		default:
		}
		return fd.mapErr(err)
	}
	return connErr
}
