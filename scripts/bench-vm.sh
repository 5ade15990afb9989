#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The XTCP benchmark, INSIDE the test VM (as root, xtcp.ko loaded):
# `make bench` runs it through scripts/bench and scripts/vm.
#
# Sets up the paths, then runs build/tools/xtcp_bench once; it measures
# XTCP and TCP alike on each path, interleaved:
#
#   loopback   127.0.0.1 in namespace xb-lo
#   veth       xb-cli 10.77.1.2 -> xb-srv 10.77.1.1, MTU 1500, offloads
#              as veth has them by default (what users get)
#   netem      xb-cli 10.77.2.2 -> xb-srv 10.77.2.1, MTU 1500, netem
#              "delay 20ms loss 1%" on the client's egress (the data
#              direction; ACKs come back undelayed and unlost, so the RTT
#              is 20 ms); TSO/GSO/GRO off on both ends so that netem drops
#              single MTU-sized packets, not 64 KB super-packets
#   swgso      xb-cli 10.77.3.2 -> xb-srv 10.77.3.1, MTU 1500, segmentation
#              and GRO in software: TSO off on the client's end (GSO stays
#              on, so super-packets are cut into MTU-sized packets at the
#              device, as before a NIC without TSO), GRO on at the server's
#              end (veth then receives through NAPI, where GRO merges them
#              again; veth uses NAPI only for packets from a peer without
#              TSO, hence both settings)
#   wan        xb-cli 10.77.4.2 -> xb-srv 10.77.4.1: a wide-area path for
#              congestion control, CUBIC on both families.  The client's
#              egress is a 50 Mbit/s token bucket whose queue holds one
#              bandwidth-delay product (250 KB); the server's egress
#              delays the ACKs by 40 ms.  Offloads off, so the bucket
#              queues MTU-sized packets.
#   wanloss    10.77.5.x: the same, with 1% random loss before the bucket
#
# Each namespace takes ephemeral ports from 10000-65535 (the servers
# listen below 10000), so that the connect/request/close runs' TIME_WAIT
# sockets do not run a namespace out of ports.
#
# The JSON goes to $XTCP_VM_RESULTS/results.json (the results directory
# scripts/vm was given), or to $XTCP_BENCH_JSON.
#
# XTCP_BENCH_QUICK=1      a smoke run (2 runs, 1 s windows, 200 connections)
# XTCP_BENCH_RUNS=N       runs per figure and family (default 5)
# XTCP_BENCH_DURATION=S   seconds per timed run (default 3)
# XTCP_BENCH_ONLY=LIST    a subset (see xtcp_bench --help); "preload" in
#                         it runs the preload figures (below), which a
#                         full run (no LIST) always does
#
# Then scripts/bench-preload-vm measures unmodified iperf3 and
# redis-benchmark over the veth pair, XTCP through the LD_PRELOAD
# library against Linux TCP: preload.json beside the JSON.
# XTCP_BENCH_ARGS="..."   more xtcp_bench options
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/build/tools/xtcp_bench
out=${XTCP_BENCH_JSON:-${XTCP_VM_RESULTS:-$root/build/bench}/results.json}
lo=xb-lo cli=xb-cli srv=xb-srv
netem_args="delay 20ms loss 1%"
wan_rate=50mbit wan_delay=40ms wan_queue=250000

[ -x "$bench" ] || { echo "bench-vm: $bench missing (make tools)" >&2; exit 1; }
if [ ! -d /sys/module/xtcp ]; then
	if [ -n "${XTCP_KO:-}" ]; then
		insmod "$XTCP_KO"
	else
		echo "bench-vm: xtcp.ko is not loaded (run me through scripts/vm)" >&2
		exit 1
	fi
fi

cleanup() {
	for ns in "$lo" "$cli" "$srv"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap cleanup EXIT

modprobe veth
modprobe sch_netem
modprobe sch_tbf
# `ip netns` wants a writable /run (scripts/vm gives one).
mkdir -p /run/netns

for ns in "$lo" "$cli" "$srv"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="10000 65535"
done

# veth pair N: client 10.77.N.2 (xb-cN) <-> server 10.77.N.1 (xb-sN).
# Static neighbours: ARP must not stall a run (nor be lost to netem).
link() { # N
	local n=$1
	ip link add "xb-c$n" netns "$cli" address "02:00:00:77:$n:02" mtu 1500 type veth \
		peer name "xb-s$n" netns "$srv" address "02:00:00:77:$n:01" mtu 1500
	ip -n "$cli" addr add "10.77.$n.2/24" dev "xb-c$n"
	ip -n "$srv" addr add "10.77.$n.1/24" dev "xb-s$n"
	ip -n "$cli" link set "xb-c$n" up
	ip -n "$srv" link set "xb-s$n" up
	ip -n "$cli" neigh replace "10.77.$n.1" lladdr "02:00:00:77:$n:01" dev "xb-c$n" nud permanent
	ip -n "$srv" neigh replace "10.77.$n.2" lladdr "02:00:00:77:$n:02" dev "xb-s$n" nud permanent
}
link 1
link 2
link 3
link 4
link 5
ip netns exec "$cli" ethtool -K xb-c2 tso off gso off gro off >/dev/null 2>&1 || true
ip netns exec "$srv" ethtool -K xb-s2 tso off gso off gro off >/dev/null 2>&1 || true
# shellcheck disable=SC2086 # netem's arguments are words
tc -n "$cli" qdisc add dev xb-c2 root netem $netem_args
# Not `|| true` from here on: without these a path would quietly be
# plain veth.
for n in 4 5; do
	ip netns exec "$cli" ethtool -K "xb-c$n" tso off gso off gro off >/dev/null
	ip netns exec "$srv" ethtool -K "xb-s$n" tso off gso off gro off >/dev/null
	tc -n "$srv" qdisc add dev "xb-s$n" root netem delay "$wan_delay" limit 10000
done
# A burst of 32 KB: the bucket must refill faster than the timer ticks.
tc -n "$cli" qdisc add dev xb-c4 root tbf rate "$wan_rate" burst 32kb limit "$wan_queue"
tc -n "$cli" qdisc add dev xb-c5 root handle 1: netem loss 1% limit 10000
tc -n "$cli" qdisc add dev xb-c5 parent 1:1 handle 10: tbf rate "$wan_rate" burst 32kb \
	limit "$wan_queue"
ip netns exec "$cli" ethtool -K xb-c3 tso off >/dev/null
ip netns exec "$srv" ethtool -K xb-s3 gro on >/dev/null

# Both ends must be up before the first SYN.
all_up() {
	local n
	for n in 1 2 3 4 5; do
		ip -n "$cli" link show "xb-c$n" | grep -q 'state UP' || return 1
		ip -n "$srv" link show "xb-s$n" | grep -q 'state UP' || return 1
	done
}
for _ in $(seq 50); do
	all_up && break
	sleep 0.1
done

echo "# bench-vm: kernel $(uname -r), module ${XTCP_KO:-xtcp}"
echo "# kernel command line: $(cat /proc/cmdline)"
tc -n "$cli" qdisc show dev xb-c2
for n in 4 5; do
	tc -n "$cli" qdisc show dev "xb-c$n"
	tc -n "$srv" qdisc show dev "xb-s$n"
done
# What the swgso pair really does (the JSON's meta has it too).
offloads() { # NS DEV
	ip netns exec "$1" ethtool -k "$2" |
		awk -F': ' '/^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):/ {
			printf "%s%s %s", sep, $1, $2; sep = ", " }'
}
swgso_cli=$(offloads "$cli" xb-c3)
swgso_srv=$(offloads "$srv" xb-s3)
echo "# swgso: xb-c3 $swgso_cli; xb-s3 $swgso_srv"

args=(--ns-lo "/run/netns/$lo" --ns-client "/run/netns/$cli" --ns-server "/run/netns/$srv"
	--veth 10.77.1.1 --netem 10.77.2.1 --swgso 10.77.3.1 --json "$out"
	--wan 10.77.4.1 --wanloss 10.77.5.1
	--meta "netem=$netem_args on the client's egress, TSO/GSO/GRO off on that pair"
	--meta "veth=MTU 1500, default offloads"
	--meta "swgso=MTU 1500, client end: $swgso_cli; server end: $swgso_srv"
	--meta "wan=tbf $wan_rate, queue $wan_queue B on the client's egress; netem delay $wan_delay on the server's; offloads off"
	--meta "wanloss=as wan, with netem loss 1% before the tbf"
	--meta "cmdline=$(cat /proc/cmdline)"
	--meta "module=${XTCP_KO:-}")
[ -z "${XTCP_BENCH_GIT:-}" ] || args+=(--meta "git=$XTCP_BENCH_GIT")
case ${XTCP_BENCH_QUICK:-0} in 0 | '') ;; *) args+=(--quick) ;; esac
[ -z "${XTCP_BENCH_RUNS:-}" ] || args+=(--runs "$XTCP_BENCH_RUNS")
[ -z "${XTCP_BENCH_DURATION:-}" ] || args+=(--duration "$XTCP_BENCH_DURATION")
run_main=1 run_preload=1
if [ -n "${XTCP_BENCH_ONLY:-}" ]; then
	run_preload=0
	only=",$XTCP_BENCH_ONLY,"
	case $only in *,preload,*) run_preload=1 only=${only/,preload,/,} ;; esac
	only=${only#,}
	only=${only%,}
	if [ -n "$only" ]; then args+=(--only "$only"); else run_main=0; fi
fi
# shellcheck disable=SC2206 # XTCP_BENCH_ARGS is a list of words
[ -z "${XTCP_BENCH_ARGS:-}" ] || args+=($XTCP_BENCH_ARGS)

[ "$run_main" = 0 ] || "$bench" "${args[@]}"
if [ "$run_preload" = 1 ]; then
	runs=${XTCP_BENCH_RUNS:-5} secs=${XTCP_BENCH_DURATION:-3}
	case ${XTCP_BENCH_QUICK:-0} in 0 | '') ;; *) runs=2 secs=1 ;; esac
	"$root/scripts/bench-preload-vm" "$cli" "$srv" 10.77.1.1 "$runs" "$secs" \
		"$(dirname "$out")/preload.json"
fi
