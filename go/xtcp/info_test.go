package xtcp_test

import (
	"reflect"
	"testing"
	"unsafe"

	"xtcp.dev/go/xtcp"
)

// TestInfoLayout checks Info against struct tcp_info of Linux 6.1's
// <linux/tcp.h>: each field's offset and size, in order (offsetof and
// sizeof as GCC computes them on x86-64).  It needs no socket.
func TestInfoLayout(t *testing.T) {
	want := []struct {
		c      string
		off, n uintptr
	}{
		{"tcpi_state", 0, 1}, {"tcpi_ca_state", 1, 1}, {"tcpi_retransmits", 2, 1},
		{"tcpi_probes", 3, 1}, {"tcpi_backoff", 4, 1}, {"tcpi_options", 5, 1},
		{"tcpi_snd_wscale:4, tcpi_rcv_wscale:4", 6, 1},
		{"tcpi_delivery_rate_app_limited:1, tcpi_fastopen_client_fail:2", 7, 1},
		{"tcpi_rto", 8, 4}, {"tcpi_ato", 12, 4}, {"tcpi_snd_mss", 16, 4}, {"tcpi_rcv_mss", 20, 4},
		{"tcpi_unacked", 24, 4}, {"tcpi_sacked", 28, 4}, {"tcpi_lost", 32, 4},
		{"tcpi_retrans", 36, 4}, {"tcpi_fackets", 40, 4},
		{"tcpi_last_data_sent", 44, 4}, {"tcpi_last_ack_sent", 48, 4},
		{"tcpi_last_data_recv", 52, 4}, {"tcpi_last_ack_recv", 56, 4},
		{"tcpi_pmtu", 60, 4}, {"tcpi_rcv_ssthresh", 64, 4}, {"tcpi_rtt", 68, 4},
		{"tcpi_rttvar", 72, 4}, {"tcpi_snd_ssthresh", 76, 4}, {"tcpi_snd_cwnd", 80, 4},
		{"tcpi_advmss", 84, 4}, {"tcpi_reordering", 88, 4},
		{"tcpi_rcv_rtt", 92, 4}, {"tcpi_rcv_space", 96, 4},
		{"tcpi_total_retrans", 100, 4},
		{"tcpi_pacing_rate", 104, 8}, {"tcpi_max_pacing_rate", 112, 8},
		{"tcpi_bytes_acked", 120, 8}, {"tcpi_bytes_received", 128, 8},
		{"tcpi_segs_out", 136, 4}, {"tcpi_segs_in", 140, 4},
		{"tcpi_notsent_bytes", 144, 4}, {"tcpi_min_rtt", 148, 4},
		{"tcpi_data_segs_in", 152, 4}, {"tcpi_data_segs_out", 156, 4},
		{"tcpi_delivery_rate", 160, 8},
		{"tcpi_busy_time", 168, 8}, {"tcpi_rwnd_limited", 176, 8}, {"tcpi_sndbuf_limited", 184, 8},
		{"tcpi_delivered", 192, 4}, {"tcpi_delivered_ce", 196, 4},
		{"tcpi_bytes_sent", 200, 8}, {"tcpi_bytes_retrans", 208, 8},
		{"tcpi_dsack_dups", 216, 4}, {"tcpi_reord_seen", 220, 4},
		{"tcpi_rcv_ooopack", 224, 4}, {"tcpi_snd_wnd", 228, 4},
	}
	typ := reflect.TypeOf(xtcp.Info{})
	if typ.NumField() != len(want) {
		t.Fatalf("Info has %d fields, struct tcp_info %d", typ.NumField(), len(want))
	}
	for i, w := range want {
		f := typ.Field(i)
		if f.Offset != w.off || f.Type.Size() != w.n {
			t.Errorf("Info.%s: offset %d size %d; %s: offset %d size %d",
				f.Name, f.Offset, f.Type.Size(), w.c, w.off, w.n)
		}
	}
	if size := unsafe.Sizeof(xtcp.Info{}); size != 232 {
		t.Errorf("sizeof Info %d, sizeof struct tcp_info 232", size)
	}
}

// The bit-fields, as GCC packs them: on little-endian machines snd 1 and
// rcv 2 make the byte 0x21, app_limited 1 and fastopen_client_fail 2 make
// 0x05; big-endian ones fill bytes from the top bit, 0x12 and 0xc0.
func TestInfoBits(t *testing.T) {
	i := xtcp.Info{WscaleBits: 0x21, FlagBits: 0x05}
	if x := uint16(1); *(*byte)(unsafe.Pointer(&x)) == 0 {
		i = xtcp.Info{WscaleBits: 0x12, FlagBits: 0xc0}
	}
	if i.SndWscale() != 1 || i.RcvWscale() != 2 || !i.DeliveryRateAppLimited() || i.FastopenClientFail() != 2 {
		t.Errorf("SndWscale %d RcvWscale %d DeliveryRateAppLimited %v FastopenClientFail %d; want 1 2 true 2",
			i.SndWscale(), i.RcvWscale(), i.DeliveryRateAppLimited(), i.FastopenClientFail())
	}
}
