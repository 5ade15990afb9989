// Package xtcp gives Go programs XTCP connections the way package net
// gives them TCP connections.
//
// XTCP is an alternate TCP for Linux, built as a loadable kernel module
// (xtcp.ko) that registers its own address family, AF_XTCP (25).  On the
// wire every segment is a TCP segment carried in IPv4 with IP protocol 253
// (IPPROTO_XTCP) instead of 6; to applications it is Linux TCP: the same
// socket calls, the same socket options at SOL_TCP and SOL_SOCKET, the same
// errnos, the same TCP_INFO.  This package opens sockets with
// socket(AF_XTCP, SOCK_STREAM, 0), so the module must be loaded: without
// it every Listen and Dial fails with an error that wraps
// syscall.EAFNOSUPPORT ("address family not supported by protocol").
//
// # Mirroring package net
//
// The API is package net's for TCP, restricted to IPv4:
//
//   - Listen, ListenConfig (Control, KeepAlive) and Listener, like
//     net.Listen, net.ListenConfig and *net.TCPListener;
//   - Dial, DialTimeout and Dialer (Timeout, Deadline, LocalAddr,
//     KeepAlive, Control, Dial, DialContext), like their net namesakes;
//   - Conn, like *net.TCPConn (Read, Write, Close, CloseRead, CloseWrite,
//     deadlines, SetKeepAlive, SetKeepAlivePeriod, SetNoDelay, SetLinger,
//     SetReadBuffer, SetWriteBuffer, SyscallConn, File), plus Info, which
//     reads TCP_INFO.
//
// The networks "xtcp", "xtcp4", "tcp" and "tcp4" all mean XTCP over IPv4;
// any other network fails with a *net.OpError wrapping a
// net.UnknownNetworkError.  Addresses are "host:port" strings resolved as
// package net resolves them (an empty host, IP literals, names through
// net.DefaultResolver), keeping IPv4 results only; addresses returned are
// *net.TCPAddr.
//
// What package net does, this package does too: Dial, DialContext and
// Accept return a net.Conn whose dynamic type is *Conn; new connections
// have TCP_NODELAY set; keep-alives follow Dialer.KeepAlive and
// ListenConfig.KeepAlive (zero: enabled with a 15 s idle time and
// interval; negative: left off); errors are *net.OpError values with the
// operation ("dial", "listen", "accept", "read", "write", "close", "set"),
// the network as given, the addresses, and an *os.SyscallError or one of
// net's sentinel errors inside, so errors.Is(err, syscall.ECONNREFUSED),
// errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrDeadlineExceeded),
// errors.Is(err, context.Canceled) and net.Error's Timeout method work as
// they do for TCP; Read returns io.EOF, unwrapped, at the end of the
// stream.
//
// Sockets are non-blocking and registered with the Go runtime's network
// poller, so a blocked Read, Write or Accept parks a goroutine, not a
// thread, and deadlines (SetDeadline, SetReadDeadline, SetWriteDeadline,
// Listener.SetDeadline) wake it with os.ErrDeadlineExceeded.  Closing a
// Listener wakes a blocked Accept, which then returns net.ErrClosed.  A
// dial gives up as soon as its context is done or its Dialer's Timeout or
// Deadline passes.
//
// Only Linux, and only IPv4: XTCP has no IPv6 family.
package xtcp
