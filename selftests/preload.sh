#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# preload: unmodified programs over XTCP through the LD_PRELOAD library
# (tools/xtcp_preload.c, built by `make tools` into
# build/tools/libxtcp_preload.so; XTCP_PRELOAD_LIB=PATH overrides).
#
# Two fresh network namespaces joined by a veth pair: servers run in A
# (10.199.0.1), clients in B (10.199.0.2), both under the library, each
# check with another way of selecting sockets:
#
#   iperf3   iperf3 -s / iperf3 -c -P 2 (XTCP_PRELOAD_PORTS=5201): bytes
#            received as iperf3 reports them
#   redis    redis-server, redis-cli SET/GET of a random value and of a
#            200 KB one, CLIENT LIST showing the client's IPv4 address,
#            redis-benchmark -n 1000 -t set,get (XTCP_PRELOAD_ADDRS)
#   http     python3 -m http.server and curl fetching a 2 MB random file,
#            SHA-256 compared (XTCP_PRELOAD=all); then curl with the library
#            but no variable set must fail: nothing is converted by default
#   fork     sh under the library with nested subshells (fork in a forked
#            child) finishes: the library's lock survives fork()
#   git      git daemon and git clone of a repository holding a 256 KB
#            random file (XTCP_PRELOAD_PORTS=9418): HEAD and bytes compared
#
# Each check proves the connections were XTCP: the server's listener is on
# /proc/net/xtcp, the namespaces' XTCP counters (/proc/net/xtcp_snmp
# ActiveOpens in B, PassiveOpens in A) grew by the connections made, and
# Linux TCP's (/proc/net/snmp) did not move.  A check whose programs are not
# installed is skipped.  Root, xtcp.ko loaded (scripts/vm does both):
#
#   scripts/vm -- selftests/run_vm.sh preload
#
# XTCP_TEST_REFERENCE=1 also runs iperf3 and the curl download over Linux
# TCP (no library) in the same namespaces, and prints both figures.
# XTCP_TEST_PRELOAD_CHECKS="redis http" runs only those checks.
#
# Output is KTAP with a "# Totals:" line; exit 0, 1 (a check failed) or 4
# (all skipped).

KSFT_SKIP=4
dir=$(cd "$(dirname "$0")" && pwd)
NS_A=xtcp-preload-a-$$
NS_B=xtcp-preload-b-$$
IP_A=10.199.0.1
IP_B=10.199.0.2
CHECKS=${XTCP_TEST_PRELOAD_CHECKS:-"fork iperf3 redis http git"}
for c in $CHECKS; do
	case $c in
	fork | iperf3 | redis | http | git) ;;
	*) echo "preload.sh: unknown check $c (fork iperf3 redis http git)" >&2; exit 1 ;;
	esac
done

npass=0
nfail=0
nskip=0
num=0
tmp=
pids=
hold_a=
hold_b=

echo "TAP version 13"
echo "1..$(echo $CHECKS | wc -w)"

skip_all() {
	echo "# preload: $*"
	for c in $CHECKS; do
		num=$((num + 1))
		echo "ok $num preload.$c # SKIP $*"
	done
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:$num error:0"
	exit $KSFT_SKIP
}

[ "$(id -u)" = 0 ] || skip_all "must run as root"
case "${XTCP_TEST_FAMILY:-xtcp}" in
xtcp) ;;
*) skip_all "XTCP_TEST_FAMILY=$XTCP_TEST_FAMILY: the library is for XTCP only" ;;
esac
[ -r /proc/net/xtcp ] || skip_all "xtcp.ko is not loaded (no /proc/net/xtcp)"
for p in ip nsenter timeout; do
	command -v $p >/dev/null 2>&1 || skip_all "$p not installed"
done

lib=${XTCP_PRELOAD_LIB:-}
if [ -z "$lib" ]; then
	for f in "${OUTPUT:-$dir}/libxtcp_preload.so" \
		 "$dir/../build/tools/libxtcp_preload.so"; do
		if [ -f "$f" ]; then
			lib=$f
			break
		fi
	done
fi
if [ -z "$lib" ] || [ ! -f "$lib" ]; then
	if [ -f "$dir/../tools/xtcp_preload.c" ]; then
		# In the XTCP tree: a missing library is a failure, not a skip.
		echo "# preload: build/tools/libxtcp_preload.so missing: run make tools"
		for c in $CHECKS; do
			num=$((num + 1))
			echo "not ok $num preload.$c # no library"
		done
		echo "# Totals: pass:0 fail:$num xfail:0 xpass:0 skip:0 error:0"
		exit 1
	fi
	skip_all "libxtcp_preload.so not found (set XTCP_PRELOAD_LIB)"
fi
lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")

# The library must not leak into this script's own commands.
unset LD_PRELOAD XTCP_PRELOAD XTCP_PRELOAD_PORTS XTCP_PRELOAD_ADDRS \
	XTCP_PRELOAD_LOOPBACK XTCP_PRELOAD_FAMILY
reference=
case "${XTCP_TEST_REFERENCE:-0}" in
0 | "") ;;
*) reference=1 ;;
esac

cleanup() {
	for p in $pids $hold_a $hold_b; do
		kill "$p" 2>/dev/null
	done
	for p in $pids $hold_a $hold_b; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

tmp=$(mktemp -d /tmp/xtcp-preload.XXXXXX) || skip_all "mktemp failed"

modprobe veth >/dev/null 2>&1
if ! ip netns add "$NS_A" || ! ip netns add "$NS_B" ||
   ! ip link add xtpl-a netns "$NS_A" type veth peer name xtpl-b netns "$NS_B" ||
   ! ip -n "$NS_A" addr add "$IP_A/24" dev xtpl-a ||
   ! ip -n "$NS_B" addr add "$IP_B/24" dev xtpl-b ||
   ! ip -n "$NS_A" link set lo up || ! ip -n "$NS_B" link set lo up ||
   ! ip -n "$NS_A" link set xtpl-a up || ! ip -n "$NS_B" link set xtpl-b up; then
	skip_all "cannot set up two namespaces joined by veth"
fi
# A process in each namespace: /proc/PID/net/ is that namespace's view
# (once nsenter has entered it).
nsenter --net="/run/netns/$NS_A" sleep 3600 &
hold_a=$!
nsenter --net="/run/netns/$NS_B" sleep 3600 &
hold_b=$!
i=0
while [ "$(stat -L -c %i "/proc/$hold_a/ns/net")" != "$(stat -L -c %i "/run/netns/$NS_A")" ] ||
      [ "$(stat -L -c %i "/proc/$hold_b/ns/net")" != "$(stat -L -c %i "/run/netns/$NS_B")" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || skip_all "nsenter --net did not enter the namespaces"
	sleep 0.1
done

echo "# library $lib, kernel $(uname -r)"

# ---- helpers ----------------------------------------------------------------

# Commands enter a namespace with nsenter --net: cheaper than `ip netns
# exec` (no mount namespace to set up), and under QEMU every exec counts.
nspath() {	# a|b
	if [ "$1" = b ]; then
		echo "/run/netns/$NS_B"
	else
		echo "/run/netns/$NS_A"
	fi
}

# run_in NS CMD...: run CMD in namespace NS (a or b), with a time limit.
run_in() {
	h=$(nspath "$1")
	shift
	nsenter --net="$h" timeout 90 "$@"
}

# pre NS VAR=VALUE... CMD...: the same, under the library, with the
# variables set (exported in a subshell: no env(1) to exec).
pre() {
	(
		ns=$1
		shift
		export LD_PRELOAD="$lib"
		while [ $# -gt 0 ]; do
			case $1 in
			*=*) export "${1?}"; shift ;;
			*) break ;;
			esac
		done
		run_in "$ns" "$@"
	)
}

# server NS [VAR=VALUE...] CMD...: in the background, under the library;
# $bgpid is its pid.  plain_server: the same without the library.
server() {
	(
		h=$(nspath "$1")
		shift
		export LD_PRELOAD="$lib"
		while [ $# -gt 0 ]; do
			case $1 in
			*=*) export "${1?}"; shift ;;
			*) break ;;
			esac
		done
		exec nsenter --net="$h" "$@"
	) &
	bgpid=$!
	pids="$pids $bgpid"
}

plain_server() {
	h=$(nspath "$1")
	shift
	nsenter --net="$h" "$@" &
	bgpid=$!
	pids="$pids $bgpid"
}

stop() {	# PID: SIGTERM, then wait
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	rest=
	for p in $pids; do
		[ "$p" = "$1" ] || rest="$rest $p"
	done
	pids=$rest
}

have() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || return 1
	done
}

# States (hex st) of the lines of /proc/PID/net/FILE with port PORT.
port_states() {	# PID FILE PORT
	awk -v p="$(printf '%04X' "$3")" 'NR > 1 {
		split($2, l, ":"); split($3, r, ":")
		if (l[2] == p || r[2] == p) print $4
	}' "/proc/$1/net/$2" 2>/dev/null
}

# Wait until namespace A has a listener on PORT in /proc/net/FILE (xtcp by
# default), as long as the server lives.
wait_listen() {	# PORT PID [FILE]
	i=0
	while [ $i -lt 600 ]; do
		if port_states "$hold_a" "${3:-xtcp}" "$1" | grep -qx 0A; then
			echo "# listening on ${3:-xtcp} port $1 $(at)"
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

have_snmp=
[ -r "/proc/$hold_a/net/xtcp_snmp" ] && have_snmp=1

# The counters, in one awk (under QEMU every exec counts): XTCP's
# ActiveOpens in B, PassiveOpens in A, RetransSegs in both, then the same
# three for Linux TCP.  "0 0 0" for XTCP without /proc/net/xtcp_snmp.
counters() {
	xa_file=/dev/null
	xb_file=/dev/null
	if [ -n "$have_snmp" ]; then
		xa_file=/proc/$hold_a/net/xtcp_snmp
		xb_file=/proc/$hold_b/net/xtcp_snmp
	fi
	awk '$1 == "Tcp:" {
		if (!seen[f]++) {
			for (i = 2; i <= NF; i++)
				col[f, $i] = i
			next
		}
		a[f] = $(col[f, "ActiveOpens"])
		p[f] = $(col[f, "PassiveOpens"])
		r[f] = $(col[f, "RetransSegs"])
	}
	END {
		printf "%d %d %d %d %d %d\n", a[2], p[1], r[1] + r[2],
		       a[4], p[3], r[3] + r[4]
	}' f=1 "$xa_file" f=2 "$xb_file" \
	   f=3 "/proc/$hold_a/net/snmp" f=4 "/proc/$hold_b/net/snmp"
}

snap() {	# counters before a check
	# shellcheck disable=SC2046
	set -- $(counters)
	s_xa=$1 s_xp=$2 s_xr=$3 s_ta=$4 s_tp=$5 s_tr=$6
}

# Did at least MIN connections to PORT go over XTCP, and none over TCP?
check_xtcp() {	# PORT MIN
	port=$1
	min=$2
	# shellcheck disable=SC2046
	set -- $(counters)
	if [ "$4" != "$s_ta" ] || [ "$5" != "$s_tp" ]; then
		why="Linux TCP was used: ActiveOpens $s_ta -> $4 in B, PassiveOpens $s_tp -> $5 in A"
		return 1
	fi
	if [ -n "$have_snmp" ]; then
		xa=$(($1 - s_xa))
		xp=$(($2 - s_xp))
		echo "# XTCP connections: $xa opened in B, $xp accepted in A, $(($3 - s_xr)) segments retransmitted (TCP: no connection) $(at)"
		if [ "$xa" -lt "$min" ] || [ "$xp" -lt "$min" ]; then
			why="expected >= $min XTCP connections, /proc/net/xtcp_snmp says $xa active, $xp passive"
			return 1
		fi
	else
		n=$( (port_states "$hold_a" xtcp "$port"
		      port_states "$hold_b" xtcp "$port") | grep -vcx 0A)
		echo "# /proc/net/xtcp: $n connection line(s) on port $port"
		if [ "$n" -lt 1 ]; then
			why="no connection on port $port in /proc/net/xtcp"
			return 1
		fi
	fi
	return 0
}

result() {	# NAME RC (0 pass, 4 skip, else fail); $why
	num=$((num + 1))
	case $2 in
	0)	npass=$((npass + 1)); echo "ok $num preload.$1" ;;
	"$KSFT_SKIP") nskip=$((nskip + 1)); echo "ok $num preload.$1 # SKIP $why" ;;
	*)	nfail=$((nfail + 1)); echo "# $1: $why"; echo "not ok $num preload.$1" ;;
	esac
}

at() {	# time since the check started, for the diagnostics: "[at 1.2 s]"
	at_ms=$((($(date +%s%N) - t0_ns) / 1000000))
	echo "[at $((at_ms / 1000)).$((at_ms % 1000 / 100)) s]"
}

show() {	# FILE: indented, as diagnostics
	[ -s "$1" ] && sed 's/^/#   /' "$1" | tail -n 20
}

# ---- iperf3 -----------------------------------------------------------------

# iperf3_run MODE: server in A, client in B, over XTCP (the library,
# selecting port 5201) or over TCP (no library).  Sets sent, recv, bps, cc
# and rc; 0 if iperf3 reports bytes received.
iperf3_run() {	# xtcp|tcp
	port=5201
	if [ "$1" = xtcp ]; then
		server a XTCP_PRELOAD_PORTS=$port iperf3 -s -1 -B $IP_A -p $port \
			>"$tmp/iperf3-s.log" 2>&1
	else
		plain_server a iperf3 -s -1 -B $IP_A -p $port \
			>"$tmp/iperf3-s.log" 2>&1
	fi
	spid=$bgpid
	proc=xtcp
	[ "$1" = tcp ] && proc=tcp
	if ! wait_listen $port "$spid" $proc; then
		show "$tmp/iperf3-s.log"
		why="iperf3 -s: no $1 listener on port $port"
		stop "$spid"
		return 1
	fi
	if [ "$1" = xtcp ]; then
		pre b XTCP_PRELOAD_PORTS=$port iperf3 -c $IP_A -p $port -t 2 \
			-P 2 -J >"$tmp/iperf3.json" 2>"$tmp/iperf3-c.err"
	else
		run_in b iperf3 -c $IP_A -p $port -t 2 -P 2 -J \
			>"$tmp/iperf3.json" 2>"$tmp/iperf3-c.err"
	fi
	rc=$?
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	stop "$spid"
	# cJSON's layout: one "key":<tab>value per line.
	# shellcheck disable=SC2046
	set -- $(awk -F'[:,]' '
		/"sum_sent"/ { s = 1 } /"sum_received"/ { r = 1 }
		s && /"bytes"/ { sent = $2 + 0; s = 0 }
		r && /"bytes"/ { recv = $2 + 0 }
		r && /"bits_per_second"/ { bps = $2 + 0; r = 0 }
		/"sender_tcp_congestion"/ { gsub(/[" \t]/, "", $2); cc = $2 }
		END { printf "%.0f %.0f %.0f %s\n", sent, recv, bps, cc ? cc : "?" }
	' "$tmp/iperf3.json")
	sent=$1 recv=$2 bps=$3 cc=$4
	if [ $rc -ne 0 ] || [ "$recv" -le 0 ]; then
		show "$tmp/iperf3-c.err"
		grep -i '"error"' "$tmp/iperf3.json" | sed 's/^/#   /'
		show "$tmp/iperf3-s.log"
		why="iperf3 -c exit $rc, $recv bytes received"
		return 1
	fi
	return 0
}

t_iperf3() {
	have iperf3 || { why="iperf3 not installed"; return $KSFT_SKIP; }
	if [ -n "$reference" ]; then
		snap
		if iperf3_run tcp; then
			# shellcheck disable=SC2046
			set -- $(counters)
			echo "# reference, Linux TCP: iperf3 -P 2 -t 2: received $recv bytes, $((bps / 1000000)) Mbit/s ($cc), $(($6 - s_tr)) segments retransmitted"
		else
			echo "# reference, Linux TCP: iperf3 failed: $why"
		fi
		# The TCP run's counters must not count against XTCP.
		why=
	fi
	snap
	iperf3_run xtcp || return 1
	echo "# iperf3 -P 2 -t 2 over XTCP: sent $sent bytes, received $recv bytes, $((bps / 1000000)) Mbit/s, congestion control $cc $(at)"
	if [ "$recv" -gt "$sent" ]; then
		why="received $recv > sent $sent"
		return 1
	fi
	check_xtcp 5201 3	# control + 2 streams
}

# ---- redis ------------------------------------------------------------------

t_redis() {
	have redis-server redis-cli || { why="redis-server/redis-cli not installed"; return $KSFT_SKIP; }
	port=6379
	sel=XTCP_PRELOAD_ADDRS=$IP_A/32
	snap
	mkdir -p "$tmp/redis"
	server a $sel redis-server --port $port --bind $IP_A --save '' \
		--appendonly no --protected-mode no --dir "$tmp/redis" \
		--logfile "$tmp/redis.log"
	spid=$bgpid
	if ! wait_listen $port $spid; then
		show "$tmp/redis.log"
		why="redis-server: no XTCP listener on port $port"
		return 1
	fi
	cli="redis-cli -h $IP_A -p $port"
	conns=0
	# One client: SET and GET of a random value, then CLIENT LIST, whose
	# addr= redis-server formats from getpeername(): it must be AF_INET.
	val=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	printf 'SET k %s\nGET k\nCLIENT LIST\n' "$val" |
		pre b $sel $cli >"$tmp/redis-cli.out" 2>&1
	conns=$((conns + 1))
	r1=$(sed -n 1p "$tmp/redis-cli.out")
	r2=$(sed -n 2p "$tmp/redis-cli.out")
	echo "# redis SET k $val: $r1; GET k: $( [ "$r2" = "$val" ] && echo same value || echo "$r2") $(at)"
	if [ "$r1" != OK ] || [ "$r2" != "$val" ]; then
		show "$tmp/redis-cli.out"
		show "$tmp/redis.log"
		why="SET/GET round trip: SET said '$r1', GET returned '$r2'"
		stop "$spid"
		return 1
	fi
	if ! grep -q "addr=$IP_B:" "$tmp/redis-cli.out"; then
		show "$tmp/redis-cli.out"
		why="CLIENT LIST does not show addr=$IP_B:"
		stop "$spid"
		return 1
	fi
	# A value of many segments, both ways.
	head -c 150000 /dev/urandom | base64 -w 0 >"$tmp/big"
	r1=$(pre b $sel $cli -x SET big <"$tmp/big" 2>&1)
	pre b $sel $cli GET big >"$tmp/big.got" 2>&1
	conns=$((conns + 2))
	{ cat "$tmp/big"; echo; } >"$tmp/big.want"
	if [ "$r1" != OK ] || ! cmp -s "$tmp/big.want" "$tmp/big.got"; then
		why="200 KB value: SET said '$r1', GET returned $(wc -c <"$tmp/big.got") bytes, not the same"
		stop "$spid"
		return 1
	fi
	echo "# redis SET/GET of a $(wc -c <"$tmp/big") byte value: same bytes $(at)"
	if have redis-benchmark; then
		pre b $sel redis-benchmark -h $IP_A -p $port -n 1000 -c 10 \
			-t set,get --csv >"$tmp/bench.csv" 2>&1
		rc=$?
		conns=$((conns + 10))
		set_rps=$(awk -F'"' '$2 == "SET" { print $4 }' "$tmp/bench.csv")
		get_rps=$(awk -F'"' '$2 == "GET" { print $4 }' "$tmp/bench.csv")
		echo "# redis-benchmark -n 1000 -c 10: SET $set_rps/s, GET $get_rps/s $(at)"
		if [ $rc -ne 0 ] || [ -z "$set_rps" ] || [ -z "$get_rps" ]; then
			show "$tmp/bench.csv"
			why="redis-benchmark exit $rc"
			stop $spid
			return 1
		fi
	else
		echo "# redis-benchmark not installed: not run"
	fi
	stop $spid
	check_xtcp $port $conns
}

# ---- http -------------------------------------------------------------------

# http_fetch MODE PORT: python3 -m http.server in A, curl in B fetching
# the blob, over XTCP (XTCP_PRELOAD=all) or TCP (no library).  Sets got
# (the SHA-256 of what curl wrote), ms, rc; leaves the server running
# ($spid) when it returns 0.
http_fetch() {	# xtcp|tcp PORT
	if [ "$1" = xtcp ]; then
		server a XTCP_PRELOAD=all $py -m http.server "$2" --bind 0.0.0.0 \
			--directory "$tmp/www" >"$tmp/http.log" 2>&1
	else
		plain_server a $py -m http.server "$2" --bind 0.0.0.0 \
			--directory "$tmp/www" >"$tmp/http-tcp.log" 2>&1
	fi
	spid=$bgpid
	proc=xtcp
	[ "$1" = tcp ] && proc=tcp
	if ! wait_listen "$2" "$spid" $proc; then
		show "$tmp/http.log"
		why="http.server: no $1 listener on port $2"
		stop "$spid"
		return 1
	fi
	rm -f "$tmp/blob.got"
	t_ns=$(date +%s%N)
	if [ "$1" = xtcp ]; then
		pre b XTCP_PRELOAD=all curl -sS --max-time 80 -o "$tmp/blob.got" \
			"http://$IP_A:$2/blob" 2>"$tmp/curl.err"
	else
		run_in b curl -sS --max-time 80 -o "$tmp/blob.got" \
			"http://$IP_A:$2/blob" 2>"$tmp/curl.err"
	fi
	rc=$?
	ms=$((($(date +%s%N) - t_ns) / 1000000))
	got=$(sha256sum <"$tmp/blob.got" 2>/dev/null | cut -d' ' -f1)
	if [ $rc -ne 0 ] || [ "$got" != "$want" ]; then
		show "$tmp/curl.err"
		show "$tmp/http.log"
		why="curl exit $rc, sha256 ${got:-none}, want $want"
		stop "$spid"
		return 1
	fi
	return 0
}

t_http() {
	py=/usr/bin/python3
	[ -x $py ] || py=$(command -v python3)
	[ -n "$py" ] && have curl || { why="python3/curl not installed"; return $KSFT_SKIP; }
	port=8000
	mkdir -p "$tmp/www"
	head -c 2097152 /dev/urandom >"$tmp/www/blob"
	want=$(sha256sum <"$tmp/www/blob" | cut -d' ' -f1)
	size=$(wc -c <"$tmp/www/blob")
	if [ -n "$reference" ]; then
		if http_fetch tcp 8001; then
			stop "$spid"
			echo "# reference, Linux TCP: curl: $size bytes in $ms ms ($((size * 8 / 1000 / (ms + 1))) Mbit/s), sha256 same"
		else
			echo "# reference, Linux TCP: $why"
		fi
		why=
	fi
	snap
	http_fetch xtcp $port || return 1
	echo "# curl over XTCP: $size bytes in $ms ms ($((size * 8 / 1000 / (ms + 1))) Mbit/s), sha256 $got, the same $(at)"
	# The server logged the client's address: accept4() gave AF_INET.
	if ! grep -q "^$IP_B - - .*GET /blob" "$tmp/http.log"; then
		show "$tmp/http.log"
		why="http.server did not log the request as from $IP_B"
		stop "$spid"
		return 1
	fi
	if ! check_xtcp $port 1; then
		stop "$spid"
		return 1
	fi
	# The library alone converts nothing: that curl speaks TCP, and
	# nothing listens on TCP port 8000.
	pre b curl -sS --max-time 20 -o /dev/null "http://$IP_A:$port/blob" \
		2>"$tmp/curl-tcp.err"
	rc=$?
	stop "$spid"
	if [ $rc -eq 0 ]; then
		why="curl with no XTCP_PRELOAD* variable reached the XTCP server"
		return 1
	fi
	echo "# without a variable curl used TCP and failed as it should (exit $rc: $(head -c 80 "$tmp/curl-tcp.err"))"
	return 0
}

# ---- fork -------------------------------------------------------------------

# A shell under the library whose subshell forks again: the library's lock
# must come out of fork() free in the child (it once stayed held by the
# parent's thread, and every program that forked twice, such as a shell
# script with nested command substitutions, hung).
t_fork() {
	out=$(pre a XTCP_PRELOAD=all timeout 10 sh -c \
		'x=$( (y=$(echo nested); echo "$y") ); echo "$x"' 2>&1)
	rc=$?
	echo "# nested subshells: exit $rc, printed '$out' $(at)"
	if [ $rc -ne 0 ] || [ "$out" != nested ]; then
		why="sh with nested subshells: exit $rc, printed '$out'"
		return 1
	fi
	return 0
}

# ---- git --------------------------------------------------------------------

t_git() {
	have git || { why="git not installed"; return $KSFT_SKIP; }
	[ -x "$(git --exec-path 2>/dev/null)/git-daemon" ] ||
		{ why="git daemon not installed"; return $KSFT_SKIP; }
	port=9418
	sel=XTCP_PRELOAD_PORTS=$port
	snap
	src=$tmp/git/src
	mkdir -p "$src"
	head -c 262144 /dev/urandom >"$src/blob"
	if ! { git init -q "$src" && git -C "$src" add blob &&
	       git -C "$src" -c user.name=xtcp -c user.email=xtcp@localhost \
		commit -q -m blob; } >"$tmp/git.log" 2>&1; then
		show "$tmp/git.log"
		why="cannot make the repository"
		return 1
	fi
	head=$(git -C "$src" rev-parse HEAD)
	server a $sel git daemon --reuseaddr --listen=$IP_A --port=$port \
		--export-all --base-path="$tmp/git" \
		>"$tmp/git-daemon.log" 2>&1
	spid=$bgpid
	if ! wait_listen $port $spid; then
		show "$tmp/git-daemon.log"
		why="git daemon: no XTCP listener on port $port"
		return 1
	fi
	pre b $sel git clone -q git://$IP_A:$port/src "$tmp/clone" \
		>"$tmp/clone.log" 2>&1
	rc=$?
	stop $spid
	got=$(git -C "$tmp/clone" rev-parse HEAD 2>/dev/null)
	echo "# git clone: HEAD $got (want $head) $(at)"
	if [ $rc -ne 0 ] || [ "$got" != "$head" ] ||
	   ! cmp -s "$src/blob" "$tmp/clone/blob"; then
		show "$tmp/clone.log"
		show "$tmp/git-daemon.log"
		why="git clone exit $rc, HEAD '$got', want $head"
		return 1
	fi
	check_xtcp $port 1
}

for c in $CHECKS; do
	why=
	t_start=$(date +%s)
	t0_ns=$(date +%s%N)
	echo "# $c"
	"t_$c"
	rc=$?
	echo "# $c: $(($(date +%s) - t_start)) s"
	result "$c" $rc
done

echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
[ $nfail -eq 0 ] || exit 1
[ $npass -eq 0 ] && exit $KSFT_SKIP
exit 0
