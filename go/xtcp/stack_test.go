package xtcp_test

// The tests run each scenario against two stacks, as subtests: "xtcp"
// (this package, over XTCP) and "net" (package net, over Linux TCP), so
// that every expectation is checked against what package net does.
//
// Environment:
//
//	XTCP_GO_STACKS     comma-separated stacks to run (default "xtcp,net").
//	                   With "xtcp" selected the XTCP module must be loaded:
//	                   the tests fail, not skip, if it is not.
//	XTCP_GO_BLACKHOLE  an IPv4 address ("a.b.c.d" or "a.b.c.d:port") whose
//	                   packets are silently dropped, for the dial timeout
//	                   and cancellation tests, which fail if it is unset.
//
// The examples exercise XTCP only: unless the "xtcp" stack is selected and
// XTCP sockets work, and unless -run says otherwise, only the Test
// functions run (which then report why XTCP does not work).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"xtcp.dev/go/xtcp"
)

// slack bounds how long "promptly" may take, on a software-emulated VM.
const slack = 3 * time.Second

type dialOpts struct {
	Timeout   time.Duration
	Deadline  time.Time
	LocalAddr net.Addr
	KeepAlive time.Duration
	Control   func(network, address string, c syscall.RawConn) error
}

type listenOpts struct {
	Control   func(network, address string, c syscall.RawConn) error
	KeepAlive time.Duration
}

// A stack is the set of calls a scenario makes, from one package.
type stack struct {
	name        string
	network     string // the network the scenarios use
	ctrlNetwork string // what a Control function is told
	connType    string // the dynamic type of conns
	listen      func(network, address string) (net.Listener, error)
	listenWith  func(ctx context.Context, o listenOpts, network, address string) (net.Listener, error)
	dial        func(network, address string) (net.Conn, error)
	dialTimeout func(network, address string, timeout time.Duration) (net.Conn, error)
	dialWith    func(ctx context.Context, o dialOpts, network, address string) (net.Conn, error)
	info        func(c net.Conn) (*xtcp.Info, error)
}

var stacks = map[string]*stack{
	"xtcp": {
		name:        "xtcp",
		network:     "xtcp",
		ctrlNetwork: "xtcp4",
		connType:    "*xtcp.Conn",
		listen:      xtcp.Listen,
		listenWith: func(ctx context.Context, o listenOpts, network, address string) (net.Listener, error) {
			lc := xtcp.ListenConfig{Control: o.Control, KeepAlive: o.KeepAlive}
			return lc.Listen(ctx, network, address)
		},
		dial:        xtcp.Dial,
		dialTimeout: xtcp.DialTimeout,
		dialWith: func(ctx context.Context, o dialOpts, network, address string) (net.Conn, error) {
			d := xtcp.Dialer{Timeout: o.Timeout, Deadline: o.Deadline, LocalAddr: o.LocalAddr, KeepAlive: o.KeepAlive, Control: o.Control}
			return d.DialContext(ctx, network, address)
		},
		info: func(c net.Conn) (*xtcp.Info, error) { return c.(*xtcp.Conn).Info() },
	},
	"net": {
		name:        "net",
		network:     "tcp4",
		ctrlNetwork: "tcp4",
		connType:    "*net.TCPConn",
		listen:      net.Listen,
		listenWith: func(ctx context.Context, o listenOpts, network, address string) (net.Listener, error) {
			lc := net.ListenConfig{Control: o.Control, KeepAlive: o.KeepAlive}
			return lc.Listen(ctx, network, address)
		},
		dial:        net.Dial,
		dialTimeout: net.DialTimeout,
		dialWith: func(ctx context.Context, o dialOpts, network, address string) (net.Conn, error) {
			d := net.Dialer{Timeout: o.Timeout, Deadline: o.Deadline, LocalAddr: o.LocalAddr, KeepAlive: o.KeepAlive, Control: o.Control}
			return d.DialContext(ctx, network, address)
		},
		info: rawInfo,
	},
}

// tcpConn is what *net.TCPConn offers beyond net.Conn; *xtcp.Conn offers
// it too.
type tcpConn interface {
	net.Conn
	CloseRead() error
	CloseWrite() error
	SetKeepAlive(bool) error
	SetKeepAlivePeriod(time.Duration) error
	SetNoDelay(bool) error
	SetLinger(int) error
	SetReadBuffer(int) error
	SetWriteBuffer(int) error
	SyscallConn() (syscall.RawConn, error)
	File() (*os.File, error)
}

// tcpListener is what *net.TCPListener offers beyond net.Listener.
type tcpListener interface {
	net.Listener
	SetDeadline(time.Time) error
	SyscallConn() (syscall.RawConn, error)
	File() (*os.File, error)
}

var (
	_ tcpConn     = (*xtcp.Conn)(nil)
	_ tcpConn     = (*net.TCPConn)(nil)
	_ tcpListener = (*xtcp.Listener)(nil)
	_ tcpListener = (*net.TCPListener)(nil)
)

func selectedStacks() ([]*stack, error) {
	v := os.Getenv("XTCP_GO_STACKS")
	if strings.TrimSpace(v) == "" {
		v = "xtcp,net"
	}
	var ss []*stack
	seen := map[string]bool{}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		s, ok := stacks[name]
		if !ok {
			return nil, fmt.Errorf("XTCP_GO_STACKS=%q: unknown stack %q (known: xtcp, net)", v, name)
		}
		seen[name] = true
		ss = append(ss, s)
	}
	return ss, nil
}

func stackSelected(name string) bool {
	ss, err := selectedStacks()
	if err != nil {
		return true // let the tests report it
	}
	for _, s := range ss {
		if s.name == name {
			return true
		}
	}
	return false
}

func TestMain(m *testing.M) {
	flag.Parse()
	// The examples need XTCP; where the tests run without it (not
	// selected, or failing with the reason), they would only repeat it.
	if !stackSelected("xtcp") || xtcpAvailable() != nil {
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
			flag.Set("test.run", "^Test")
		}
	}
	os.Exit(m.Run())
}

var (
	xtcpOnce sync.Once
	xtcpErr  error
)

// xtcpAvailable says why XTCP sockets do not work here, if they do not.
func xtcpAvailable() error {
	xtcpOnce.Do(func() {
		ln, err := xtcp.Listen("xtcp", "127.0.0.1:0")
		if err != nil {
			if errors.Is(err, syscall.EAFNOSUPPORT) {
				xtcpErr = fmt.Errorf("the XTCP module is not loaded: socket(AF_XTCP) fails (%v); "+
					"run the tests where xtcp.ko is loaded, or select only the net stack with XTCP_GO_STACKS=net", err)
			} else {
				xtcpErr = fmt.Errorf("XTCP does not work here: %v", err)
			}
			return
		}
		ln.Close()
	})
	return xtcpErr
}

// requireXTCP fails the test unless XTCP sockets work here.
func requireXTCP(t *testing.T) {
	t.Helper()
	if err := xtcpAvailable(); err != nil {
		t.Fatal(err)
	}
}

// forEachStack runs f as a subtest for each selected stack.
func forEachStack(t *testing.T, f func(t *testing.T, s *stack)) {
	t.Helper()
	ss, err := selectedStacks()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		s := s
		t.Run(s.name, func(t *testing.T) {
			if s.name == "xtcp" {
				requireXTCP(t)
			}
			f(t, s)
		})
	}
}

// onlyXTCP runs f for the xtcp stack alone, if selected.
func onlyXTCP(t *testing.T, f func(t *testing.T, s *stack)) {
	t.Helper()
	if !stackSelected("xtcp") {
		t.Skip("the xtcp stack is not selected (XTCP_GO_STACKS)")
	}
	s := stacks["xtcp"]
	t.Run(s.name, func(t *testing.T) {
		requireXTCP(t)
		f(t, s)
	})
}

// blackhole returns XTCP_GO_BLACKHOLE as "ip:port", failing the test if
// it is not set.
func blackhole(t *testing.T) string {
	t.Helper()
	a := strings.TrimSpace(os.Getenv("XTCP_GO_BLACKHOLE"))
	if a == "" {
		t.Fatal("XTCP_GO_BLACKHOLE is not set: this test needs an IPv4 address (a.b.c.d or a.b.c.d:port) " +
			"whose packets are silently dropped, e.g. one routed to a dummy interface")
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		host, port = a, "9"
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() == nil {
		t.Fatalf("XTCP_GO_BLACKHOLE=%q: not an IPv4 address", a)
	}
	return net.JoinHostPort(ip.To4().String(), port)
}

// listenLocal listens on 127.0.0.1 on a free port, closed at the end of
// the test.
func listenLocal(t *testing.T, s *stack) net.Listener {
	t.Helper()
	ln, err := s.listen(s.network, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

type acceptResult struct {
	c   net.Conn
	err error
}

// acceptAsync accepts one connection in a goroutine.
func acceptAsync(ln net.Listener) <-chan acceptResult {
	ch := make(chan acceptResult, 1)
	go func() {
		c, err := ln.Accept()
		ch <- acceptResult{c, err}
	}()
	return ch
}

func waitAccept(t *testing.T, ch <-chan acceptResult) net.Conn {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("Accept: %v", r.err)
		}
		t.Cleanup(func() { r.c.Close() })
		return r.c
	case <-time.After(10 * time.Second):
		t.Fatal("Accept: no connection after 10s")
	}
	return nil
}

// dialPair returns a connected client and server, closed at the end of
// the test, each with a 20 s deadline so that no test hangs.
func dialPair(t *testing.T, s *stack) (client, server tcpConn) {
	t.Helper()
	ln := listenLocal(t, s)
	ch := acceptAsync(ln)
	c, err := s.dial(s.network, ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	srv := waitAccept(t, ch)
	ln.Close()
	deadline := time.Now().Add(20 * time.Second)
	c.SetDeadline(deadline)
	srv.SetDeadline(deadline)
	return c.(tcpConn), srv.(tcpConn)
}

// opError checks that err is a *net.OpError for op on network.
func opError(t *testing.T, err error, op, network string) *net.OpError {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", op)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("%s: error %v is a %T, not a *net.OpError", op, err, err)
	}
	if oe.Op != op || oe.Net != network {
		t.Fatalf("%s: OpError{Op: %q, Net: %q}, want Op %q Net %q: %v", op, oe.Op, oe.Net, op, network, err)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		t.Fatalf("%s: an *os.PathError leaked: %v", op, err)
	}
	return oe
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func getsockoptInt(t *testing.T, c interface {
	SyscallConn() (syscall.RawConn, error)
}, level, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatalf("SyscallConn: %v", err)
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), level, opt) }); err != nil {
		t.Fatalf("Control: %v", err)
	}
	if serr != nil {
		t.Fatalf("getsockopt(%d, %d): %v", level, opt, serr)
	}
	return v
}

// rawInfo reads TCP_INFO of a package net connection into an xtcp.Info,
// whose layout is struct tcp_info's.
func rawInfo(c net.Conn) (*xtcp.Info, error) {
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		return nil, err
	}
	info := new(xtcp.Info)
	n := uint32(unsafe.Sizeof(*info))
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.SOL_TCP, syscall.TCP_INFO,
			uintptr(unsafe.Pointer(info)), uintptr(unsafe.Pointer(&n)), 0)
	})
	if err != nil {
		return nil, err
	}
	if errno != 0 {
		return nil, os.NewSyscallError("getsockopt", errno)
	}
	return info, nil
}

// readAllWithin reads r to EOF in a goroutine, failing after d.
func readAllWithin(t *testing.T, r io.Reader, d time.Duration) []byte {
	t.Helper()
	type res struct {
		b   []byte
		err error
	}
	ch := make(chan res, 1)
	go func() {
		b, err := io.ReadAll(r)
		ch <- res{b, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("reading to EOF: %v", r.err)
		}
		return r.b
	case <-time.After(d):
		t.Fatalf("reading to EOF: not done after %v", d)
	}
	return nil
}
