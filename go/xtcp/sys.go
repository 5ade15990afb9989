package xtcp

import (
	"net"
	"os"
	"syscall"
	"unsafe"
)

// XTCP's getsockname, getpeername and accept return a struct
// sockaddr_xtcp: struct sockaddr_in's layout with family AF_XTCP, which
// package syscall refuses to decode (EAFNOSUPPORT).  These make the calls
// themselves and decode the address; bind and connect take a plain
// sockaddr_in, so syscall.Bind and syscall.Connect serve for those.

// sockaddrToTCP decodes a sockaddr_xtcp (or sockaddr_in) of n bytes.
func sockaddrToTCP(rsa *syscall.RawSockaddrAny, n uint32) (*net.TCPAddr, error) {
	if n < 8 || (rsa.Addr.Family != AF_XTCP && rsa.Addr.Family != syscall.AF_INET) {
		return nil, syscall.EAFNOSUPPORT
	}
	sin := (*syscall.RawSockaddrInet4)(unsafe.Pointer(rsa))
	port := (*[2]byte)(unsafe.Pointer(&sin.Port)) // network byte order
	ip := make(net.IP, net.IPv4len)
	copy(ip, sin.Addr[:])
	return &net.TCPAddr{IP: ip, Port: int(port[0])<<8 | int(port[1])}, nil
}

// sockaddr is the AF_INET form of a for bind and connect (nil IP: the
// unspecified address).
func sockaddr(a *net.TCPAddr) *syscall.SockaddrInet4 {
	sa := &syscall.SockaddrInet4{Port: a.Port}
	if ip4 := a.IP.To4(); ip4 != nil {
		copy(sa.Addr[:], ip4)
	}
	return sa
}

func getname(trap uintptr, s int) (*net.TCPAddr, error) {
	var rsa syscall.RawSockaddrAny
	n := uint32(syscall.SizeofSockaddrAny)
	_, _, e := syscall.RawSyscall(trap, uintptr(s), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return nil, e
	}
	return sockaddrToTCP(&rsa, n)
}

func getsockname(s int) (*net.TCPAddr, error) {
	a, err := getname(syscall.SYS_GETSOCKNAME, s)
	if err != nil {
		return nil, os.NewSyscallError("getsockname", err)
	}
	return a, nil
}

func getpeername(s int) (*net.TCPAddr, error) {
	a, err := getname(syscall.SYS_GETPEERNAME, s)
	if err != nil {
		return nil, os.NewSyscallError("getpeername", err)
	}
	return a, nil
}

// accept4 accepts a connection on s, non-blocking and close-on-exec.
func accept4(s int) (int, *syscall.RawSockaddrAny, uint32, syscall.Errno) {
	var rsa syscall.RawSockaddrAny
	n := uint32(syscall.SizeofSockaddrAny)
	r, _, e := syscall.Syscall6(syscall.SYS_ACCEPT4, uintptr(s), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)),
		syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0, 0)
	if e != 0 {
		return -1, nil, 0, e
	}
	return int(r), &rsa, n, 0
}
