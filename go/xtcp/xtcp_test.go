package xtcp_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"xtcp.dev/go/xtcp"
)

var loopback = net.IPv4(127, 0, 0, 1)

// Scenario 1: a listener and a dialer echoing data; the addresses and the
// types of what Listen, Dial and Accept return.
func TestEcho(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		ln := listenLocal(t, s)
		la, ok := ln.Addr().(*net.TCPAddr)
		if !ok {
			t.Fatalf("Listener.Addr() is a %T, want *net.TCPAddr", ln.Addr())
		}
		if la.Port == 0 || !la.IP.Equal(loopback) {
			t.Fatalf("Listener.Addr() = %v, want 127.0.0.1 and a port", la)
		}
		ch := acceptAsync(ln)
		c, err := s.dial(s.network, la.String())
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		defer c.Close()
		srv := waitAccept(t, ch)
		for _, conn := range []net.Conn{c, srv} {
			if got := fmt.Sprintf("%T", conn); got != s.connType {
				t.Fatalf("conn is a %s, want %s", got, s.connType)
			}
		}
		cl, ok1 := c.LocalAddr().(*net.TCPAddr)
		cr, ok2 := c.RemoteAddr().(*net.TCPAddr)
		sl, ok3 := srv.LocalAddr().(*net.TCPAddr)
		sr, ok4 := srv.RemoteAddr().(*net.TCPAddr)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			t.Fatalf("addresses are not all *net.TCPAddr: %T %T %T %T",
				c.LocalAddr(), c.RemoteAddr(), srv.LocalAddr(), srv.RemoteAddr())
		}
		if cr.Port != la.Port || !cr.IP.Equal(loopback) {
			t.Errorf("client RemoteAddr %v, want %v", cr, la)
		}
		if cl.Port == 0 || cl.Port == la.Port || !cl.IP.Equal(loopback) {
			t.Errorf("client LocalAddr %v: want 127.0.0.1 and an ephemeral port", cl)
		}
		if sl.String() != cr.String() || sr.String() != cl.String() {
			t.Errorf("server sees %v -> %v, client %v -> %v", sr, sl, cl, cr)
		}

		go func() {
			io.Copy(srv, srv)
			srv.Close()
		}()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		for _, n := range []int{1, 100, 1460, 4096, 8000} {
			msg := bytes.Repeat([]byte{byte(n)}, n)
			copy(msg, strconv.Itoa(n))
			if _, err := c.Write(msg); err != nil {
				t.Fatalf("Write %d bytes: %v", n, err)
			}
			got := make([]byte, n)
			if _, err := io.ReadFull(c, got); err != nil {
				t.Fatalf("reading the echo of %d bytes: %v", n, err)
			}
			if !bytes.Equal(got, msg) {
				t.Fatalf("echo of %d bytes differs", n)
			}
		}
		// Half-close: the echo server sees EOF, closes, and we see EOF.
		if err := c.(tcpConn).CloseWrite(); err != nil {
			t.Fatalf("CloseWrite: %v", err)
		}
		if n, err := c.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Fatalf("Read after the echo server closed = %d, %v; want 0, io.EOF", n, err)
		}
	})
}

// Scenario 1: 4 MB one way, compared by SHA-256.
func TestLargeTransfer(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		const size = 4 << 20
		data := make([]byte, size)
		rand.New(rand.NewSource(1)).Read(data)
		want := sha256.Sum256(data)

		c, srv := dialPair(t, s)
		srvErr := make(chan error, 1)
		go func() {
			h := sha256.New()
			n, err := io.Copy(h, srv)
			if err == nil && n != size {
				err = fmt.Errorf("server read %d bytes, want %d", n, size)
			}
			if err == nil {
				_, err = srv.Write(h.Sum(nil))
			}
			srv.Close()
			srvErr <- err
		}()
		start := time.Now()
		if n, err := c.Write(data); err != nil || n != size {
			t.Fatalf("Write = %d, %v", n, err)
		}
		if err := c.CloseWrite(); err != nil {
			t.Fatalf("CloseWrite: %v", err)
		}
		sum := readAllWithin(t, c, 30*time.Second)
		if err := <-srvErr; err != nil {
			t.Fatalf("server: %v", err)
		}
		if !bytes.Equal(sum, want[:]) {
			t.Fatalf("server's SHA-256 %x, want %x", sum, want)
		}
		t.Logf("4 MB in %v", time.Since(start).Round(time.Millisecond))
	})
}

// checkDialTimeout checks the error of a dial that timed out.  Package
// net (Go 1.19) returns, depending on which of two timers fires first,
// either os.ErrDeadlineExceeded (the poller's deadline) or its own
// timeout error, which is context.DeadlineExceeded (the context's); both
// are "i/o timeout" with Timeout() true.
func checkDialTimeout(t *testing.T, s *stack, err error, addr string, start time.Time, d time.Duration) {
	t.Helper()
	elapsed := time.Since(start)
	oe := opError(t, err, "dial", s.network)
	if !isTimeout(err) {
		t.Fatalf("Timeout() is false: %v", err)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error is neither os.ErrDeadlineExceeded nor context.DeadlineExceeded: %v", err)
	}
	if oe.Err.Error() != "i/o timeout" {
		t.Errorf("error %q, want \"i/o timeout\"", oe.Err)
	}
	if oe.Addr == nil || oe.Addr.String() != addr {
		t.Errorf("OpError.Addr = %v, want %s", oe.Addr, addr)
	}
	if elapsed < d*8/10 || elapsed > d+slack {
		t.Fatalf("the dial returned after %v, want about %v", elapsed, d)
	}
}

// Scenario 2: a dial that times out against an address that never
// answers.
func TestDialTimeout(t *testing.T) {
	bh := blackhole(t)
	const d = 100 * time.Millisecond
	forEachStack(t, func(t *testing.T, s *stack) {
		t.Run("DialTimeout", func(t *testing.T) {
			start := time.Now()
			c, err := s.dialTimeout(s.network, bh, d)
			if err == nil {
				c.Close()
				t.Fatalf("connected to %s, which should drop packets", bh)
			}
			checkDialTimeout(t, s, err, bh, start, d)
		})
		t.Run("Deadline", func(t *testing.T) {
			start := time.Now()
			c, err := s.dialWith(context.Background(), dialOpts{Deadline: start.Add(d)}, s.network, bh)
			if err == nil {
				c.Close()
				t.Fatalf("connected to %s, which should drop packets", bh)
			}
			checkDialTimeout(t, s, err, bh, start, d)
		})
		t.Run("ContextDeadline", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			start := time.Now()
			c, err := s.dialWith(ctx, dialOpts{}, s.network, bh)
			if err == nil {
				c.Close()
				t.Fatalf("connected to %s, which should drop packets", bh)
			}
			checkDialTimeout(t, s, err, bh, start, d)
		})
	})
}

// Scenario 3: a dial cancelled through its context.
func TestDialCancel(t *testing.T) {
	bh := blackhole(t)
	forEachStack(t, func(t *testing.T, s *stack) {
		t.Run("InProgress", func(t *testing.T) {
			const after = 100 * time.Millisecond
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			timer := time.AfterFunc(after, cancel)
			defer timer.Stop()
			start := time.Now()
			c, err := s.dialWith(ctx, dialOpts{}, s.network, bh)
			elapsed := time.Since(start)
			if err == nil {
				c.Close()
				t.Fatalf("connected to %s, which should drop packets", bh)
			}
			oe := opError(t, err, "dial", s.network)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("errors.Is(err, context.Canceled) is false: %v", err)
			}
			if isTimeout(err) {
				t.Errorf("Timeout() is true for a cancellation: %v", err)
			}
			if oe.Err.Error() != "operation was canceled" {
				t.Errorf("error %q, want \"operation was canceled\"", oe.Err)
			}
			if elapsed < after*8/10 || elapsed > after+slack {
				t.Fatalf("the dial returned after %v, want about %v", elapsed, after)
			}
		})
		t.Run("Before", func(t *testing.T) {
			ln := listenLocal(t, s)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			c, err := s.dialWith(ctx, dialOpts{}, s.network, ln.Addr().String())
			if err == nil {
				c.Close()
				t.Fatal("a dial with a cancelled context connected")
			}
			opError(t, err, "dial", s.network)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("errors.Is(err, context.Canceled) is false: %v", err)
			}
		})
	})
}

// Scenario 4: dialers racing under one context; the first to connect
// cancels it and the others give up at once.
func TestDialRace(t *testing.T) {
	bh := blackhole(t)
	forEachStack(t, func(t *testing.T, s *stack) {
		ln := listenLocal(t, s)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		targets := []string{bh, bh, ln.Addr().String(), bh}
		const live = 2
		type result struct {
			i   int
			c   net.Conn
			err error
			at  time.Time
		}
		var (
			once     sync.Once
			cancelAt time.Time
		)
		results := make(chan result, len(targets))
		for i, addr := range targets {
			i, addr := i, addr
			go func() {
				if i == live {
					// Let the other dials get to their connects,
					// so that the cancellation interrupts them.
					time.Sleep(100 * time.Millisecond)
				}
				c, err := s.dialWith(ctx, dialOpts{}, s.network, addr)
				if err == nil {
					once.Do(func() {
						cancelAt = time.Now()
						cancel()
					})
				}
				results <- result{i, c, err, time.Now()}
			}()
		}
		wins := 0
		var all []result
		for range targets {
			select {
			case r := <-results:
				all = append(all, r)
				if r.err == nil {
					wins++
					defer r.c.Close()
				}
			case <-time.After(15 * time.Second):
				t.Fatal("the dials did not all return within 15s")
			}
		}
		if wins != 1 {
			t.Fatalf("%d dials connected, want exactly 1", wins)
		}
		for _, r := range all {
			if r.err == nil {
				if r.i != live {
					t.Fatalf("dial %d to %s connected, want only the live listener's", r.i, targets[r.i])
				}
				continue
			}
			opError(t, r.err, "dial", s.network)
			if !errors.Is(r.err, context.Canceled) {
				t.Errorf("dial %d: errors.Is(err, context.Canceled) is false: %v", r.i, r.err)
			}
			if late := r.at.Sub(cancelAt); late > slack {
				t.Errorf("dial %d returned %v after the cancellation", r.i, late)
			}
		}
	})
}

// Scenario 5: a read deadline kept moving by a heartbeat; when the
// heartbeat stops, the read times out, and the connection still works.
func TestReadDeadlineHeartbeat(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		const (
			beats    = 10
			interval = 50 * time.Millisecond
			window   = 300 * time.Millisecond
		)
		c, srv := dialPair(t, s)
		more := make(chan struct{})
		srvErr := make(chan error, 1)
		go func() {
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for i := 0; i < beats; i++ {
				<-tick.C
				if _, err := srv.Write([]byte("beat")); err != nil {
					srvErr <- err
					return
				}
			}
			<-more
			_, err := srv.Write([]byte("last"))
			srvErr <- err
		}()
		buf := make([]byte, 4)
		for i := 0; i < beats; i++ {
			if err := c.SetReadDeadline(time.Now().Add(window)); err != nil {
				t.Fatalf("SetReadDeadline: %v", err)
			}
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "beat" {
				t.Fatalf("heartbeat %d: %q, %v", i, buf, err)
			}
		}
		c.SetReadDeadline(time.Now().Add(window))
		start := time.Now()
		n, err := c.Read(buf)
		elapsed := time.Since(start)
		if n != 0 {
			t.Fatalf("Read after the heartbeats stopped returned %d bytes", n)
		}
		opError(t, err, "read", s.network)
		if !isTimeout(err) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("want a timeout wrapping os.ErrDeadlineExceeded, got %v", err)
		}
		if elapsed < window*2/3 || elapsed > window+slack {
			t.Fatalf("the read timed out after %v, want about %v", elapsed, window)
		}

		// A deadline in the past fails at once.
		c.SetReadDeadline(time.Now().Add(-time.Second))
		if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Read with a past deadline: %v", err)
		}
		// The timeout left the connection usable.
		c.SetReadDeadline(time.Now().Add(slack))
		close(more)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "last" {
			t.Fatalf("Read after the timeout: %q, %v", buf, err)
		}
		if err := <-srvErr; err != nil {
			t.Fatalf("server: %v", err)
		}
	})
}

// A write deadline: the peer does not read, the buffers fill, the write
// times out having written part of the data.
func TestWriteDeadline(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		c, _ := dialPair(t, s)
		const window = 300 * time.Millisecond
		// Allocate before the clock starts: zeroing 32 MB of reused
		// heap can take most of the window under emulation, and a
		// deadline already past when Write starts writes nothing.
		big := make([]byte, 32<<20)
		start := time.Now()
		c.SetWriteDeadline(start.Add(window))
		n, err := c.Write(big)
		elapsed := time.Since(start)
		opError(t, err, "write", s.network)
		if !isTimeout(err) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("want a timeout wrapping os.ErrDeadlineExceeded, got %v", err)
		}
		if n <= 0 || n >= len(big) {
			t.Errorf("the write wrote %d bytes of %d", n, len(big))
		}
		if elapsed > window+slack {
			t.Errorf("the write timed out after %v", elapsed)
		}
	})
}

// Scenario 6: a graceful close is io.EOF for the peer.
func TestGracefulClose(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		c, srv := dialPair(t, s)
		if _, err := c.Write([]byte("hello")); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(srv, buf); err != nil || string(buf) != "hello" {
			t.Fatalf("ReadFull: %q, %v", buf, err)
		}
		for i := 0; i < 2; i++ {
			if n, err := srv.Read(buf); n != 0 || err != io.EOF {
				t.Fatalf("Read at the end of the stream = %d, %v (%T); want 0 and io.EOF itself", n, err, err)
			}
		}
	})
}

// Scenario 6: CloseWrite half-closes: the peer reads EOF and can still
// write back; CloseRead makes our own reads end.
func TestHalfClose(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		t.Run("CloseWrite", func(t *testing.T) {
			c, srv := dialPair(t, s)
			if _, err := c.Write([]byte("ping")); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if err := c.CloseWrite(); err != nil {
				t.Fatalf("CloseWrite: %v", err)
			}
			_, err := c.Write([]byte("more"))
			opError(t, err, "write", s.network)
			if !errors.Is(err, syscall.EPIPE) {
				t.Errorf("Write after CloseWrite: %v, want EPIPE", err)
			}
			if got := readAllWithin(t, srv, slack); string(got) != "ping" {
				t.Fatalf("server read %q, want \"ping\"", got)
			}
			if _, err := srv.Write([]byte("pong")); err != nil {
				t.Fatalf("server Write after the client's CloseWrite: %v", err)
			}
			srv.Close()
			if got := readAllWithin(t, c, slack); string(got) != "pong" {
				t.Fatalf("client read %q, want \"pong\"", got)
			}
		})
		t.Run("CloseRead", func(t *testing.T) {
			c, srv := dialPair(t, s)
			if err := c.CloseRead(); err != nil {
				t.Fatalf("CloseRead: %v", err)
			}
			if n, err := c.Read(make([]byte, 4)); n != 0 || err != io.EOF {
				t.Fatalf("Read after CloseRead = %d, %v; want 0, io.EOF", n, err)
			}
			// The other direction still works.
			if _, err := c.Write([]byte("data")); err != nil {
				t.Fatalf("Write after CloseRead: %v", err)
			}
			buf := make([]byte, 4)
			if _, err := io.ReadFull(srv, buf); err != nil || string(buf) != "data" {
				t.Fatalf("server ReadFull: %q, %v", buf, err)
			}
		})
	})
}

// Scenario 6: an abort (SetLinger(0), Close) resets the connection: the
// peer's Read fails with ECONNRESET.
func TestAbort(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		c, srv := dialPair(t, s)
		readErr := make(chan error, 1)
		go func() {
			_, err := srv.Read(make([]byte, 10))
			readErr <- err
		}()
		if err := c.SetLinger(0); err != nil {
			t.Fatalf("SetLinger(0): %v", err)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		select {
		case err := <-readErr:
			opError(t, err, "read", s.network)
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("peer's Read: %v, want ECONNRESET", err)
			}
			var se *os.SyscallError
			if !errors.As(err, &se) || se.Syscall != "read" {
				t.Errorf("want an *os.SyscallError for read in %v", err)
			}
		case <-time.After(slack):
			t.Fatal("the peer's Read did not return after the reset")
		}
	})
}

// Scenario 7: a dial to a closed port is refused.
func TestDialRefused(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		ln, err := s.listen(s.network, "127.0.0.1:0")
		if err != nil {
			t.Fatalf("Listen: %v", err)
		}
		addr := ln.Addr().String()
		ln.Close()
		start := time.Now()
		c, err := s.dial(s.network, addr)
		if err == nil {
			c.Close()
			t.Fatalf("Dial %s after its listener closed connected", addr)
		}
		oe := opError(t, err, "dial", s.network)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("want ECONNREFUSED, got %v", err)
		}
		var se *os.SyscallError
		if !errors.As(err, &se) || se.Syscall != "connect" {
			t.Errorf("want an *os.SyscallError for connect in %v", err)
		}
		if a, ok := oe.Addr.(*net.TCPAddr); !ok || a.String() != addr {
			t.Errorf("OpError.Addr = %#v, want the *net.TCPAddr %s", oe.Addr, addr)
		}
		if isTimeout(err) {
			t.Errorf("Timeout() is true: %v", err)
		}
		if d := time.Since(start); d > slack {
			t.Errorf("the refusal took %v", d)
		}
	})
}

// Scenario 7: closing a listener wakes a blocked Accept; Accept after
// Close, and Close again, give net.ErrClosed.
func TestListenerClose(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		ln, err := s.listen(s.network, "127.0.0.1:0")
		if err != nil {
			t.Fatalf("Listen: %v", err)
		}
		ch := acceptAsync(ln)
		// Give Accept time to block: not needed for correctness (an
		// Accept that starts after Close fails the same way).
		time.Sleep(50 * time.Millisecond)
		if err := ln.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		select {
		case r := <-ch:
			if r.err == nil {
				r.c.Close()
				t.Fatal("Accept returned a connection")
			}
			oe := opError(t, r.err, "accept", s.network)
			if !errors.Is(r.err, net.ErrClosed) {
				t.Fatalf("blocked Accept woken by Close: %v, want net.ErrClosed", r.err)
			}
			if oe.Addr == nil || oe.Addr.String() != ln.Addr().String() {
				t.Errorf("OpError.Addr = %v, want %v", oe.Addr, ln.Addr())
			}
		case <-time.After(slack):
			t.Fatal("Close did not wake the blocked Accept")
		}
		_, err = ln.Accept()
		opError(t, err, "accept", s.network)
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Accept after Close: %v, want net.ErrClosed", err)
		}
		err = ln.Close()
		opError(t, err, "close", s.network)
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("second Close: %v, want net.ErrClosed", err)
		}
	})
}

// Scenario 7: a deadline on Accept.
func TestAcceptDeadline(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		ln := listenLocal(t, s).(tcpListener)
		const d = 100 * time.Millisecond
		ln.SetDeadline(time.Now().Add(d))
		start := time.Now()
		c, err := ln.Accept()
		elapsed := time.Since(start)
		if err == nil {
			c.Close()
			t.Fatal("Accept returned a connection")
		}
		opError(t, err, "accept", s.network)
		if !isTimeout(err) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("want a timeout wrapping os.ErrDeadlineExceeded, got %v", err)
		}
		if elapsed < d*8/10 || elapsed > d+slack {
			t.Fatalf("Accept timed out after %v, want about %v", elapsed, d)
		}
		// With the deadline cleared, the listener accepts again.
		ln.SetDeadline(time.Time{})
		ch := acceptAsync(ln)
		c, err = s.dial(s.network, ln.Addr().String())
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		defer c.Close()
		waitAccept(t, ch)
	})
}

// Scenario 7: Info (TCP_INFO) of a live connection.
func TestInfo(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		c, srv := dialPair(t, s)
		const n = 100000
		done := make(chan error, 1)
		go func() {
			_, err := io.CopyN(io.Discard, srv, n)
			if err == nil {
				_, err = srv.Write([]byte{1})
			}
			done <- err
		}()
		if _, err := c.Write(make([]byte, n)); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
			t.Fatalf("Read: %v", err)
		}
		if err := <-done; err != nil {
			t.Fatalf("server: %v", err)
		}
		ci, err := s.info(c)
		if err != nil {
			t.Fatalf("client Info: %v", err)
		}
		si, err := s.info(srv)
		if err != nil {
			t.Fatalf("server Info: %v", err)
		}
		for _, x := range []struct {
			who  string
			info *xtcp.Info
		}{{"client", ci}, {"server", si}} {
			i := x.info
			if i.State != xtcp.StateEstablished {
				t.Errorf("%s: State %d, want %d (ESTABLISHED)", x.who, i.State, xtcp.StateEstablished)
			}
			if i.SndMSS == 0 || i.RTO == 0 || i.SndCwnd == 0 || i.SegsOut == 0 || i.SegsIn == 0 {
				t.Errorf("%s: SndMSS %d RTO %d SndCwnd %d SegsOut %d SegsIn %d: want all non-zero",
					x.who, i.SndMSS, i.RTO, i.SndCwnd, i.SegsOut, i.SegsIn)
			}
			const opts = xtcp.OptTimestamps | xtcp.OptSACK | xtcp.OptWscale
			if i.Options&opts != opts {
				t.Errorf("%s: Options %#x, want timestamps, SACK and window scaling (%#x) on loopback", x.who, i.Options, opts)
			}
		}
		if ci.BytesAcked < n || ci.BytesAcked > n+2 {
			t.Errorf("client BytesAcked %d, want %d", ci.BytesAcked, n)
		}
		if si.BytesReceived < n || si.BytesReceived > n+2 {
			t.Errorf("server BytesReceived %d, want %d", si.BytesReceived, n)
		}
		if ci.SndWscale() != si.RcvWscale() || si.SndWscale() != ci.RcvWscale() || ci.RcvWscale() == 0 {
			t.Errorf("window scales: client snd %d rcv %d, server snd %d rcv %d: want each end's snd the other's rcv, non-zero",
				ci.SndWscale(), ci.RcvWscale(), si.SndWscale(), si.RcvWscale())
		}
		t.Logf("client: rtt %dus cwnd %d mss %d segs out %d; server: bytes received %d",
			ci.RTT, ci.SndCwnd, ci.SndMSS, ci.SegsOut, si.BytesReceived)
	})
}

// Use after Close: net.ErrClosed from every method, wrapped as net wraps
// it.
func TestUseAfterClose(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		c, _ := dialPair(t, s)
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		_, rerr := c.Read(make([]byte, 1))
		_, werr := c.Write([]byte("x"))
		rc, err := c.SyscallConn()
		if err != nil {
			t.Fatalf("SyscallConn after Close: %v", err)
		}
		for _, x := range []struct {
			op  string
			err error
		}{
			{"close", c.Close()},
			{"read", rerr},
			{"write", werr},
			{"set", c.SetDeadline(time.Now())},
			{"set", c.SetReadDeadline(time.Now())},
			{"set", c.SetNoDelay(true)},
			{"set", c.SetKeepAlive(true)},
			{"close", c.CloseWrite()},
			{"raw-control", rc.Control(func(uintptr) {})},
		} {
			opError(t, x.err, x.op, s.network)
			if !errors.Is(x.err, net.ErrClosed) {
				t.Errorf("%s after Close: %v, want net.ErrClosed", x.op, x.err)
			}
		}
	})
}

// Networks: unknown ones are refused as net refuses them.
func TestUnknownNetwork(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		ln := listenLocal(t, s)
		_, err := s.dial("bogus", ln.Addr().String())
		opError(t, err, "dial", "bogus")
		var une net.UnknownNetworkError
		if !errors.As(err, &une) {
			t.Errorf("Dial(\"bogus\"): %v, want a net.UnknownNetworkError", err)
		}
		_, err = s.listen("bogus", "127.0.0.1:0")
		opError(t, err, "listen", "bogus")
		if !errors.As(err, &une) {
			t.Errorf("Listen(\"bogus\"): %v, want a net.UnknownNetworkError", err)
		}
	})
}

// The networks XTCP takes and those it refuses.
func TestXTCPNetworks(t *testing.T) {
	onlyXTCP(t, func(t *testing.T, s *stack) {
		for _, network := range []string{"xtcp", "xtcp4", "tcp", "tcp4"} {
			ln, err := xtcp.Listen(network, "127.0.0.1:0")
			if err != nil {
				t.Fatalf("Listen(%q): %v", network, err)
			}
			ch := acceptAsync(ln)
			c, err := xtcp.Dial(network, ln.Addr().String())
			if err != nil {
				ln.Close()
				t.Fatalf("Dial(%q): %v", network, err)
			}
			srv := waitAccept(t, ch)
			if _, ok := srv.(*xtcp.Conn); !ok {
				t.Errorf("Accept on %q returned a %T", network, srv)
			}
			c.Close()
			ln.Close()
			// The error names the network as given.
			_, err = xtcp.Dial(network, ln.Addr().String())
			opError(t, err, "dial", network)
		}
		for _, network := range []string{"tcp6", "xtcp6", "udp", "udp4", "ip4", "unix", ""} {
			var une net.UnknownNetworkError
			_, err := xtcp.Dial(network, "127.0.0.1:1")
			opError(t, err, "dial", network)
			if !errors.As(err, &une) {
				t.Errorf("Dial(%q): %v, want a net.UnknownNetworkError", network, err)
			}
			_, err = xtcp.Listen(network, "127.0.0.1:0")
			opError(t, err, "listen", network)
			if !errors.As(err, &une) {
				t.Errorf("Listen(%q): %v, want a net.UnknownNetworkError", network, err)
			}
		}
	})
}

// Addresses: errors as net's, and the forms net resolves.
func TestAddresses(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		t.Run("Errors", func(t *testing.T) {
			var ae *net.AddrError
			for _, addr := range []string{"127.0.0.1", "[::1]:80"} {
				_, err := s.dial(s.network, addr)
				opError(t, err, "dial", s.network)
				if !errors.As(err, &ae) {
					t.Errorf("Dial(%q): %v, want a *net.AddrError", addr, err)
				}
			}
			_, err := s.dial(s.network, "")
			if oe := opError(t, err, "dial", s.network); oe.Err.Error() != "missing address" {
				t.Errorf("Dial(\"\"): %v, want \"missing address\"", err)
			}
			_, err = s.listen(s.network, "[::1]:0")
			opError(t, err, "listen", s.network)
			if !errors.As(err, &ae) {
				t.Errorf("Listen([::1]:0): %v, want a *net.AddrError", err)
			}
			_, err = s.dialWith(context.Background(), dialOpts{LocalAddr: &net.UDPAddr{IP: loopback}}, s.network, "127.0.0.1:1")
			opError(t, err, "dial", s.network)
			if !errors.As(err, &ae) {
				t.Errorf("Dial with a *net.UDPAddr LocalAddr: %v, want a *net.AddrError", err)
			}
		})
		t.Run("Localhost", func(t *testing.T) {
			ln, err := s.listen(s.network, "localhost:0")
			if err != nil {
				t.Fatalf("Listen(localhost:0): %v", err)
			}
			defer ln.Close()
			a := ln.Addr().(*net.TCPAddr)
			if !a.IP.Equal(loopback) {
				t.Fatalf("Listen(localhost:0).Addr() = %v, want 127.0.0.1", a)
			}
			ch := acceptAsync(ln)
			c, err := s.dial(s.network, net.JoinHostPort("localhost", strconv.Itoa(a.Port)))
			if err != nil {
				t.Fatalf("Dial(localhost): %v", err)
			}
			defer c.Close()
			waitAccept(t, ch)
		})
		t.Run("EmptyHost", func(t *testing.T) {
			ln, err := s.listen(s.network, ":0")
			if err != nil {
				t.Fatalf("Listen(:0): %v", err)
			}
			defer ln.Close()
			a := ln.Addr().(*net.TCPAddr)
			if !a.IP.Equal(net.IPv4zero) || a.Port == 0 {
				t.Fatalf("Listen(:0).Addr() = %v, want 0.0.0.0 and a port", a)
			}
			port := strconv.Itoa(a.Port)
			for _, addr := range []string{":" + port, "127.0.0.1:" + port} {
				ch := acceptAsync(ln)
				c, err := s.dial(s.network, addr)
				if err != nil {
					t.Fatalf("Dial(%q): %v", addr, err)
				}
				c.Close()
				waitAccept(t, ch)
			}
		})
		t.Run("LocalAddr", func(t *testing.T) {
			ln := listenLocal(t, s)
			ch := acceptAsync(ln)
			c, err := s.dialWith(context.Background(), dialOpts{LocalAddr: &net.TCPAddr{IP: loopback}}, s.network, ln.Addr().String())
			if err != nil {
				t.Fatalf("Dial with LocalAddr: %v", err)
			}
			defer c.Close()
			srv := waitAccept(t, ch)
			if srv.RemoteAddr().String() != c.LocalAddr().String() {
				t.Errorf("server sees %v, client is %v", srv.RemoteAddr(), c.LocalAddr())
			}
		})
	})
}

// Socket options: net's defaults for new connections (TCP_NODELAY,
// keep-alives) and the setters.
func TestOptions(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		check := func(t *testing.T, who string, c tcpConn, level, opt, want int) {
			t.Helper()
			if got := getsockoptInt(t, c, level, opt); got != want {
				t.Errorf("%s: getsockopt(%d, %d) = %d, want %d", who, level, opt, got, want)
			}
		}
		keepalive := func(t *testing.T, who string, c tcpConn, on bool, secs int) {
			t.Helper()
			if !on {
				check(t, who, c, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 0)
				return
			}
			check(t, who, c, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1)
			check(t, who, c, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, secs)
			check(t, who, c, syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, secs)
		}
		pair := func(t *testing.T, lo listenOpts, do dialOpts) (tcpConn, tcpConn) {
			t.Helper()
			ln, err := s.listenWith(context.Background(), lo, s.network, "127.0.0.1:0")
			if err != nil {
				t.Fatalf("Listen: %v", err)
			}
			defer ln.Close()
			ch := acceptAsync(ln)
			c, err := s.dialWith(context.Background(), do, s.network, ln.Addr().String())
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			t.Cleanup(func() { c.Close() })
			return c.(tcpConn), waitAccept(t, ch).(tcpConn)
		}
		t.Run("Defaults", func(t *testing.T) {
			c, srv := pair(t, listenOpts{}, dialOpts{})
			for _, x := range []struct {
				who string
				c   tcpConn
			}{{"client", c}, {"server", srv}} {
				check(t, x.who, x.c, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
				keepalive(t, x.who, x.c, true, 15)
			}
		})
		t.Run("KeepAliveOff", func(t *testing.T) {
			c, srv := pair(t, listenOpts{KeepAlive: -1}, dialOpts{KeepAlive: -1})
			keepalive(t, "client", c, false, 0)
			keepalive(t, "server", srv, false, 0)
		})
		t.Run("KeepAlivePeriod", func(t *testing.T) {
			c, srv := pair(t, listenOpts{KeepAlive: 1500 * time.Millisecond}, dialOpts{KeepAlive: 3 * time.Second})
			keepalive(t, "client", c, true, 3)
			keepalive(t, "server", srv, true, 2)
		})
		t.Run("Setters", func(t *testing.T) {
			c, _ := pair(t, listenOpts{}, dialOpts{})
			must := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			must("SetNoDelay(false)", c.SetNoDelay(false))
			check(t, "client", c, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 0)
			must("SetKeepAlivePeriod(7s)", c.SetKeepAlivePeriod(7*time.Second))
			keepalive(t, "client", c, true, 7)
			must("SetKeepAlive(false)", c.SetKeepAlive(false))
			keepalive(t, "client", c, false, 0)
			must("SetReadBuffer", c.SetReadBuffer(64<<10))
			if got := getsockoptInt(t, c, syscall.SOL_SOCKET, syscall.SO_RCVBUF); got < 64<<10 {
				t.Errorf("SO_RCVBUF %d after SetReadBuffer(64K)", got)
			}
			must("SetWriteBuffer", c.SetWriteBuffer(64<<10))
			if got := getsockoptInt(t, c, syscall.SOL_SOCKET, syscall.SO_SNDBUF); got < 64<<10 {
				t.Errorf("SO_SNDBUF %d after SetWriteBuffer(64K)", got)
			}
			must("SetLinger(5)", c.SetLinger(5))
			must("SetLinger(-1)", c.SetLinger(-1))
			f, err := c.File()
			must("File", err)
			f.Close()
			if _, err := c.Write([]byte("still works")); err != nil {
				t.Errorf("Write after File's copy was closed: %v", err)
			}
		})
		t.Run("Control", func(t *testing.T) {
			var (
				dialNet, dialAddr, listenNet, listenAddr string
				reuse                                    int
			)
			lo := listenOpts{Control: func(network, address string, c syscall.RawConn) error {
				listenNet, listenAddr = network, address
				return c.Control(func(fd uintptr) {
					reuse, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR)
				})
			}}
			ln, err := s.listenWith(context.Background(), lo, s.network, "127.0.0.1:0")
			if err != nil {
				t.Fatalf("Listen: %v", err)
			}
			defer ln.Close()
			if listenNet != s.ctrlNetwork || listenAddr != "127.0.0.1:0" || reuse != 1 {
				t.Errorf("ListenConfig.Control saw %q %q SO_REUSEADDR %d, want %q \"127.0.0.1:0\" 1",
					listenNet, listenAddr, reuse, s.ctrlNetwork)
			}
			ch := acceptAsync(ln)
			do := dialOpts{Control: func(network, address string, c syscall.RawConn) error {
				dialNet, dialAddr = network, address
				return nil
			}}
			c, err := s.dialWith(context.Background(), do, s.network, ln.Addr().String())
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			waitAccept(t, ch)
			if dialNet != s.ctrlNetwork || dialAddr != ln.Addr().String() {
				t.Errorf("Dialer.Control saw %q %q, want %q %q", dialNet, dialAddr, s.ctrlNetwork, ln.Addr())
			}

			refuse := errors.New("refused by Control")
			no := func(string, string, syscall.RawConn) error { return refuse }
			_, err = s.dialWith(context.Background(), dialOpts{Control: no}, s.network, ln.Addr().String())
			opError(t, err, "dial", s.network)
			if !errors.Is(err, refuse) {
				t.Errorf("Dial with a failing Control: %v", err)
			}
			_, err = s.listenWith(context.Background(), listenOpts{Control: no}, s.network, "127.0.0.1:0")
			opError(t, err, "listen", s.network)
			if !errors.Is(err, refuse) {
				t.Errorf("Listen with a failing Control: %v", err)
			}
		})
	})
}

// No file descriptor is left open by failed dials and listens, nor by
// closed connections.
func TestNoFDLeak(t *testing.T) {
	forEachStack(t, func(t *testing.T, s *stack) {
		count := func() int {
			ents, err := os.ReadDir("/proc/self/fd")
			if err != nil {
				t.Fatalf("counting descriptors: %v", err)
			}
			return len(ents)
		}
		ln := listenLocal(t, s)
		addr := ln.Addr().String()
		refused, err := s.listen(s.network, "127.0.0.1:0")
		if err != nil {
			t.Fatalf("Listen: %v", err)
		}
		refusedAddr := refused.Addr().String()
		refused.Close()
		before := count()
		for i := 0; i < 20; i++ {
			if c, err := s.dial(s.network, refusedAddr); err == nil {
				c.Close()
			}
			// EADDRINUSE: the port is taken.
			if l, err := s.listen(s.network, addr); err == nil {
				l.Close()
				t.Fatalf("Listen on a port in use succeeded")
			}
			ch := acceptAsync(ln)
			c, err := s.dial(s.network, addr)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			c.Close()
			r := <-ch
			if r.err != nil {
				t.Fatalf("Accept: %v", r.err)
			}
			r.c.Close()
		}
		if after := count(); after > before {
			t.Errorf("%d descriptors open before, %d after", before, after)
		}
	})
}
