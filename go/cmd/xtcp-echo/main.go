// Command xtcp-echo checks that package xtcp works end to end on this
// machine: it listens on 127.0.0.1, dials itself with a timeout and a
// context, echoes a message through a half-close, checks that a read
// deadline fires and that an abort (SetLinger(0), Close) is a reset for
// the peer.  It prints "ok" and exits 0, or prints what failed and exits
// 1.  The XTCP module must be loaded.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"xtcp.dev/go/xtcp"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "address to listen on")
	timeout := flag.Duration("timeout", 10*time.Second, "time allowed for the whole check")
	flag.Parse()
	if err := run(*addr, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "xtcp-echo:", err)
		if errors.Is(err, syscall.EAFNOSUPPORT) {
			fmt.Fprintln(os.Stderr, "xtcp-echo: (is the XTCP module loaded?)")
		}
		os.Exit(1)
	}
	fmt.Println("ok")
}

func run(addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()

	ln, err := xtcp.Listen("xtcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	conns := make(chan *xtcp.Conn)
	go func() {
		for {
			c, err := ln.(*xtcp.Listener).AcceptXTCP()
			if err != nil {
				close(conns)
				return
			}
			c.SetDeadline(deadline)
			conns <- c
		}
	}()
	accept := func() (*xtcp.Conn, error) {
		select {
		case c, ok := <-conns:
			if !ok {
				return nil, errors.New("the listener stopped accepting")
			}
			return c, nil
		case <-ctx.Done():
			return nil, fmt.Errorf("accept: %w", ctx.Err())
		}
	}
	d := xtcp.Dialer{Timeout: 5 * time.Second}
	dial := func() (*xtcp.Conn, *xtcp.Conn, error) {
		c, err := d.DialContext(ctx, "xtcp", ln.Addr().String())
		if err != nil {
			return nil, nil, err
		}
		srv, err := accept()
		if err != nil {
			c.Close()
			return nil, nil, err
		}
		c.SetDeadline(deadline)
		return c.(*xtcp.Conn), srv, nil
	}

	// 1. Echo through a half-close: the server echoes until it reads
	// EOF, then closes; the client reads the echo until EOF.
	c, srv, err := dial()
	if err != nil {
		return err
	}
	echoed := make(chan error, 1)
	go func() {
		_, err := io.Copy(srv, srv)
		srv.Close()
		echoed <- err
	}()
	msg := "hello over XTCP\n"
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	if err := c.CloseWrite(); err != nil {
		return err
	}
	got, err := io.ReadAll(c)
	if err != nil {
		return fmt.Errorf("reading the echo: %w", err)
	}
	if err := <-echoed; err != nil {
		return fmt.Errorf("echo server: %w", err)
	}
	if string(got) != msg {
		return fmt.Errorf("echo: got %q, want %q", got, msg)
	}
	c.Close()

	// 2. A read deadline fires when the peer sends nothing.
	c, srv, err = dial()
	if err != nil {
		return err
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("read past the deadline: got %v, want a timeout", err)
	}

	// 3. An abort: SetLinger(0) then Close resets the connection, and
	// the peer's read fails with ECONNRESET.
	if err := c.SetLinger(0); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	_, err = srv.Read(make([]byte, 1))
	srv.Close()
	if !errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("read after the peer's abort: got %v, want ECONNRESET", err)
	}
	return nil
}
