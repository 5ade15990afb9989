#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The XTCP demo.  Runs INSIDE the test VM, as root, with xtcp.ko loaded
# (`make demo` runs `scripts/vm -- scripts/demo-vm.sh`).
#
# Two network namespaces joined by a veth pair; a 4 MB random file crosses
# from the client (10.10.0.2) to the server (10.10.0.1) over XTCP while
# tcpdump captures the IP protocol 253 packets; the checksums must match.
# Then the namespaces close and the module is unloaded.
#
# XTCP_DEMO_RATE: netem rate on the client's link (default 40mbit, so the
# transfer lasts long enough to sample /proc/net/xtcp; "" for no shaping).
# XTCP_DEMO_TCP=1: the same demo over Linux TCP (xtcpcat -T), to compare.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
xtcpcat=$root/build/tools/xtcpcat
rate=${XTCP_DEMO_RATE-40mbit}
port=5000
size=$((4 * 1024 * 1024))
tmp=/tmp/xtcp-demo
srv=xtcp-demo-srv
cli=xtcp-demo-cli
pcap=$tmp/xtcp.pcap
if [ -n "${XTCP_DEMO_TCP-}" ]; then
	proto=TCP cat_opt=-T filter="tcp port $port" procfile=/proc/net/tcp
else
	proto=XTCP cat_opt='' filter="ip proto 253" procfile=/proc/net/xtcp
fi
tdpid=
fail=0

step() {
	printf '\n=== %s\n' "$*"
}

cleanup() {
	[ -z "$tdpid" ] || stop_pid "$tdpid"
	ip netns del "$srv" 2>/dev/null || true
	ip netns del "$cli" 2>/dev/null || true
}
trap cleanup EXIT

# SIGTERM, then SIGKILL after 5 s.  (Background jobs of a script ignore
# SIGINT, so SIGINT would not stop tcpdump.)
stop_pid() {
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

in_srv() { ip netns exec "$srv" "$@"; }
in_cli() { ip netns exec "$cli" "$@"; }

show_proc() { # label
	local ns
	for ns in "$srv" "$cli"; do
		echo "--- $procfile in $ns ($1)"
		ip netns exec "$ns" cat "$procfile" 2>&1 | head -n 12 || true
	done
}

[ -x "$xtcpcat" ] || { echo "demo: $xtcpcat missing (make tools)" >&2; exit 1; }
if [ ! -d /sys/module/xtcp ]; then
	echo "demo: xtcp.ko is not loaded; loading ${XTCP_KO:-build/<release>/xtcp.ko}"
	insmod "${XTCP_KO:?not in scripts/vm}"
fi

step "kernel $(uname -r); xtcp.ko loaded; demo over $proto"
grep '^xtcp ' /proc/modules

step "two namespaces joined by a veth pair"
rm -rf "$tmp"
mkdir -p "$tmp"
modprobe veth
ip netns add "$srv"
ip netns add "$cli"
ip link add veth-srv netns "$srv" type veth peer name veth-cli netns "$cli"
in_srv ip link set lo up
in_cli ip link set lo up
in_srv ip addr add 10.10.0.1/24 dev veth-srv
in_cli ip addr add 10.10.0.2/24 dev veth-cli
in_srv ip link set veth-srv up
in_cli ip link set veth-cli up
if [ -n "$rate" ]; then
	modprobe sch_netem
	in_cli tc qdisc add dev veth-cli root netem rate "$rate"
	echo "client egress shaped to $rate (netem) so the transfer can be watched"
fi
in_srv ip -br addr show dev veth-srv
in_cli ip -br addr show dev veth-cli

step "tcpdump -n -i veth-srv '$filter' (server namespace) -> $pcap"
in_srv tcpdump -n -U -Z root -i veth-srv -w "$pcap" "$filter" 2> "$tmp/tcpdump.err" &
tdpid=$!
for _ in $(seq 100); do
	grep -q 'listening on' "$tmp/tcpdump.err" && break
	sleep 0.1
done
cat "$tmp/tcpdump.err"

step "server: xtcpcat${cat_opt:+ $cat_opt} -l $port | sha256sum   (in $srv)"
head -c "$size" /dev/urandom > "$tmp/data"
in_srv bash -c "set -o pipefail; '$xtcpcat' $cat_opt -v -l $port | sha256sum > '$tmp/server.sum'" \
	2> "$tmp/server.err" &
srvpid=$!
# Wait for the listener: /proc/net/xtcp uses /proc/net/tcp's format
# (local port 5000 = 0x1388, state 0A = LISTEN).
for _ in $(seq 50); do
	in_srv grep -qiE ':1388 [0-9A-F:]+ 0A' "$procfile" 2>/dev/null && break
	sleep 0.1
done
show_proc "server listening"

step "client: xtcpcat${cat_opt:+ $cat_opt} 10.10.0.1 $port < 4 MB random file   (in $cli)"
start=$(date +%s%N)
# shellcheck disable=SC2086 # $cat_opt is empty or -T
in_cli "$xtcpcat" $cat_opt -v 10.10.0.1 "$port" < "$tmp/data" 2> "$tmp/client.err" &
clipid=$!
n=0
while kill -0 "$clipid" 2>/dev/null && [ $n -lt 3 ]; do
	sleep 0.3
	kill -0 "$clipid" 2>/dev/null || break
	n=$((n + 1))
	show_proc "during the transfer, sample $n"
done
clirc=0
wait "$clipid" || clirc=$?
srvrc=0
wait "$srvpid" || srvrc=$?
ms=$((($(date +%s%N) - start) / 1000000))
cat "$tmp/client.err" "$tmp/server.err"
echo "client exit $clirc, server exit $srvrc, $size bytes in $ms ms"
[ "$clirc" -eq 0 ] && [ "$srvrc" -eq 0 ] || fail=1
show_proc "after the transfer"

step "checksums"
sent=$(sha256sum < "$tmp/data" | cut -d' ' -f1)
rcvd=$(cut -d' ' -f1 < "$tmp/server.sum")
echo "sent:     $sent"
echo "received: $rcvd"
if [ "$sent" = "$rcvd" ]; then
	echo "MATCH: the server received the file intact"
else
	echo "MISMATCH"
	fail=1
fi

step "the capture (tcpdump -n -r $pcap): handshake ... teardown"
sleep 0.5
stop_pid "$tdpid"
tdpid=
if [ "$proto" = XTCP ]; then
	echo "as captured, tcpdump does not decode IP protocol 253:"
	tcpdump -n -r "$pcap" 2>/dev/null | head -n 2 || true
	echo "decoded as TCP (scripts/pcap-xtcp2tcp sets the protocol byte to 6):"
	"$root/scripts/pcap-xtcp2tcp" "$pcap" "$tmp/decoded.pcap" || fail=1
	tcpdump -n -r "$tmp/decoded.pcap" 2>/dev/null > "$tmp/pcap.txt" || true
else
	tcpdump -n -r "$pcap" 2>/dev/null > "$tmp/pcap.txt" || true
fi
total=$(wc -l < "$tmp/pcap.txt")
if [ "$total" -le 12 ]; then
	cat "$tmp/pcap.txt"
else
	head -n 6 "$tmp/pcap.txt"
	echo "    ... ($((total - 12)) more packets) ..."
	tail -n 6 "$tmp/pcap.txt"
fi
echo "$total packets captured ($filter)"
[ "$total" -gt 0 ] || fail=1

step "close: delete the namespaces, unload the module"
cleanup
trap - EXIT
unloaded=
for i in $(seq 90); do
	if rmmod xtcp 2>/dev/null; then
		unloaded=1
		break
	fi
	if [ "$i" -eq 1 ]; then
		echo "rmmod xtcp: busy; TIME_WAIT sockets hold the module for up to 60 s: retrying for 90 s"
	elif [ $((i % 10)) -eq 0 ]; then
		echo "  still busy after ${i} s (refcount $(cat /sys/module/xtcp/refcnt 2>/dev/null || echo ?))"
	fi
	sleep 1
done
if [ -n "$unloaded" ] && [ ! -d /sys/module/xtcp ]; then
	echo "xtcp unloaded"
else
	echo "FAILED: xtcp is still loaded"
	rmmod xtcp || true
	fail=1
fi

step "result"
if [ "$fail" -eq 0 ]; then
	echo "demo: PASS"
else
	echo "demo: FAIL"
fi
exit "$fail"
