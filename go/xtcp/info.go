package xtcp

import (
	"os"
	"syscall"
	"unsafe"
)

// Connection states, the values of Info.State: Linux TCP's numbers
// (RFC 9293's states), which XTCP reports as well.
const (
	StateEstablished = 1 + iota
	StateSynSent
	StateSynRecv
	StateFinWait1
	StateFinWait2
	StateTimeWait
	StateClose
	StateCloseWait
	StateLastAck
	StateListen
	StateClosing
)

// Bits of Info.Options (Linux's TCPI_OPT_*): what the handshake
// negotiated.
const (
	OptTimestamps = 1 << iota
	OptSACK
	OptWscale
	OptECN
	OptECNSeen
	OptSYNData
)

// Info is Linux's struct tcp_info as of kernel 6.1 (<linux/tcp.h>),
// field for field, with the same types, offsets and size (232 bytes): what
// getsockopt(TCP_INFO) returns for XTCP as for TCP.  Times are in
// microseconds unless the field's comment says otherwise.
//
// The two bytes of C bit-fields are kept whole, as WscaleBits and
// FlagBits, with methods to read the fields in them.
//
// Fields the kernel did not fill stay zero: XTCP leaves some of Linux's
// counters at zero, and a kernel whose struct is shorter fills only its
// prefix.  A kernel whose struct is longer (6.7 and later add fields)
// returns only the part this type has.
type Info struct {
	State       uint8 // tcpi_state: StateEstablished...
	CAState     uint8 // tcpi_ca_state: congestion control state (Open, Disorder, CWR, Recovery, Loss)
	Retransmits uint8 // tcpi_retransmits: consecutive retransmission timeouts
	Probes      uint8 // tcpi_probes: unanswered zero-window or keep-alive probes
	Backoff     uint8 // tcpi_backoff: RTO backoff exponent
	Options     uint8 // tcpi_options: OptTimestamps | OptSACK | ...
	WscaleBits  uint8 // tcpi_snd_wscale:4, tcpi_rcv_wscale:4; see SndWscale, RcvWscale
	FlagBits    uint8 // tcpi_delivery_rate_app_limited:1, tcpi_fastopen_client_fail:2

	RTO    uint32 // tcpi_rto
	ATO    uint32 // tcpi_ato: delayed ACK timeout
	SndMSS uint32 // tcpi_snd_mss, bytes
	RcvMSS uint32 // tcpi_rcv_mss, bytes

	Unacked uint32 // tcpi_unacked: segments in flight (listener: accept queue length)
	Sacked  uint32 // tcpi_sacked: SACKed segments (listener: backlog)
	Lost    uint32 // tcpi_lost
	Retrans uint32 // tcpi_retrans
	Fackets uint32 // tcpi_fackets: unused since Linux 4.15

	LastDataSent uint32 // tcpi_last_data_sent, ms
	LastAckSent  uint32 // tcpi_last_ack_sent: not remembered by Linux
	LastDataRecv uint32 // tcpi_last_data_recv, ms
	LastAckRecv  uint32 // tcpi_last_ack_recv, ms

	PMTU        uint32 // tcpi_pmtu, bytes
	RcvSsthresh uint32 // tcpi_rcv_ssthresh, bytes
	RTT         uint32 // tcpi_rtt: smoothed RTT
	RTTVar      uint32 // tcpi_rttvar
	SndSsthresh uint32 // tcpi_snd_ssthresh, segments
	SndCwnd     uint32 // tcpi_snd_cwnd, segments
	AdvMSS      uint32 // tcpi_advmss, bytes
	Reordering  uint32 // tcpi_reordering

	RcvRTT   uint32 // tcpi_rcv_rtt
	RcvSpace uint32 // tcpi_rcv_space, bytes

	TotalRetrans uint32 // tcpi_total_retrans

	PacingRate    uint64 // tcpi_pacing_rate, bytes per second
	MaxPacingRate uint64 // tcpi_max_pacing_rate, bytes per second
	BytesAcked    uint64 // tcpi_bytes_acked (RFC 4898 tcpEStatsAppHCThruOctetsAcked)
	BytesReceived uint64 // tcpi_bytes_received (RFC 4898 tcpEStatsAppHCThruOctetsReceived)
	SegsOut       uint32 // tcpi_segs_out (RFC 4898 tcpEStatsPerfSegsOut)
	SegsIn        uint32 // tcpi_segs_in (RFC 4898 tcpEStatsPerfSegsIn)

	NotsentBytes uint32 // tcpi_notsent_bytes
	MinRTT       uint32 // tcpi_min_rtt
	DataSegsIn   uint32 // tcpi_data_segs_in (RFC 4898 tcpEStatsDataSegsIn)
	DataSegsOut  uint32 // tcpi_data_segs_out (RFC 4898 tcpEStatsDataSegsOut)

	DeliveryRate uint64 // tcpi_delivery_rate, bytes per second

	BusyTime      uint64 // tcpi_busy_time: time busy sending data
	RwndLimited   uint64 // tcpi_rwnd_limited: time limited by the receive window
	SndbufLimited uint64 // tcpi_sndbuf_limited: time limited by the send buffer

	Delivered   uint32 // tcpi_delivered, segments
	DeliveredCE uint32 // tcpi_delivered_ce, segments

	BytesSent    uint64 // tcpi_bytes_sent (RFC 4898 tcpEStatsPerfHCDataOctetsOut)
	BytesRetrans uint64 // tcpi_bytes_retrans (RFC 4898 tcpEStatsPerfOctetsRetrans)
	DSACKDups    uint32 // tcpi_dsack_dups (RFC 4898 tcpEStatsStackDSACKDups)
	ReordSeen    uint32 // tcpi_reord_seen: reordering events seen

	RcvOOOPack uint32 // tcpi_rcv_ooopack: out-of-order packets received

	SndWnd uint32 // tcpi_snd_wnd: the peer's receive window, scaled, bytes
}

// sizeofInfo is sizeof(struct tcp_info) in Linux 6.1.
const sizeofInfo = 232

// Info must be exactly that size (this fails to compile otherwise).
var (
	_ [sizeofInfo - unsafe.Sizeof(Info{})]byte
	_ [unsafe.Sizeof(Info{}) - sizeofInfo]byte
)

// bigEndian: C bit-fields start at the low bits on little-endian
// machines, at the high bits on big-endian ones.
var bigEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 0
}()

// bits returns the n-bit field at bit offset off (counted in declaration
// order) of the bit-field byte b.
func bits(b uint8, off, n uint) uint8 {
	if bigEndian {
		off = 8 - off - n
	}
	return b >> off & (1<<n - 1)
}

// SndWscale is tcpi_snd_wscale: the window scale the peer announced,
// applied to the windows it sends.
func (i *Info) SndWscale() uint8 { return bits(i.WscaleBits, 0, 4) }

// RcvWscale is tcpi_rcv_wscale: the window scale this end announced.
func (i *Info) RcvWscale() uint8 { return bits(i.WscaleBits, 4, 4) }

// DeliveryRateAppLimited is tcpi_delivery_rate_app_limited.
func (i *Info) DeliveryRateAppLimited() bool { return bits(i.FlagBits, 0, 1) != 0 }

// FastopenClientFail is tcpi_fastopen_client_fail (Linux's
// TFO_STATUS_*: why a Fast Open connect fell back).
func (i *Info) FastopenClientFail() uint8 { return bits(i.FlagBits, 1, 2) }

// getInfo reads TCP_INFO from the socket.
func (fd *netFD) getInfo() (*Info, error) {
	var buf [sizeofInfo]byte
	n := uint32(len(buf))
	err := fd.control(func(s int) error {
		_, _, e := syscall.Syscall6(syscall.SYS_GETSOCKOPT, uintptr(s), syscall.SOL_TCP, syscall.TCP_INFO,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
		if e != 0 {
			return os.NewSyscallError("getsockopt", e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	info := new(Info)
	// The kernel wrote the struct in the machine's own layout, which is
	// Info's; bytes past n stay zero.
	*(*[sizeofInfo]byte)(unsafe.Pointer(info)) = buf
	return info, nil
}

// Info returns the connection's TCP_INFO, as getsockopt(SOL_TCP,
// TCP_INFO) reads it; see Info for what it holds.
func (c *Conn) Info() (*Info, error) {
	if !c.ok() {
		return nil, syscall.EINVAL
	}
	info, err := c.fd.getInfo()
	if err != nil {
		return nil, c.opError("get", err)
	}
	return info, nil
}
