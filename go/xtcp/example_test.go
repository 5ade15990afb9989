package xtcp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"xtcp.dev/go/xtcp"
)

// An echo server and a client, over XTCP, as one would write them with
// package net.
func Example() {
	ln, err := xtcp.Listen("xtcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err) // EAFNOSUPPORT: the module is not loaded
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // net.ErrClosed once ln is closed
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()

	c, err := xtcp.DialTimeout("xtcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintln(c, "hello, XTCP")
	c.(*xtcp.Conn).CloseWrite() // the server reads EOF, and closes
	reply, err := io.ReadAll(c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(reply))
	// Output: hello, XTCP
}

// A dial bounded by a context: cancelling the context, or its deadline
// passing, aborts the connect at once.
func ExampleDialer_DialContext() {
	ln, err := xtcp.Listen("xtcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := xtcp.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, "xtcp", ln.Addr().String())
	if err != nil {
		// errors.Is(err, context.Canceled), or a net.Error whose
		// Timeout() is true.
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Printf("%T\n", c)
	// Output: *xtcp.Conn
}

// A read deadline that passes wakes the blocked Read with
// os.ErrDeadlineExceeded; the connection stays usable.
func ExampleConn_SetReadDeadline() {
	ln, err := xtcp.Listen("xtcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	c, err := xtcp.Dial("xtcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = c.Read(make([]byte, 1)) // the peer sends nothing
	fmt.Println(errors.Is(err, os.ErrDeadlineExceeded), strings.HasSuffix(err.Error(), "i/o timeout"))
	// Output: true true
}

// TCP_INFO of a connection.
func ExampleConn_Info() {
	ln, err := xtcp.Listen("xtcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	c, err := xtcp.Dial("xtcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	info, err := c.(*xtcp.Conn).Info()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.State == xtcp.StateEstablished, info.Options&xtcp.OptSACK != 0)
	// Output: true true
}
