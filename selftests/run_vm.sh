#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the XTCP selftests.  Meant for the test VM (scripts/vm runs it as
# root with xtcp.ko loaded and XTCP_KO set), but any root shell will do:
#
#   selftests/run_vm.sh [PROGRAM...]       default: all, unload last
#
# XTCP_TEST_FAMILY=inet   run the same tests on Linux TCP (the reference)
# XTCP_TEST_QUICK=1       leave out the slow test (unload's ~60 s TIME_WAIT)
# XTCP_MODULES_BUILTIN=F  the kernel's modules.builtin, for a kernel without
#                         /lib/modules (the debug kernel): a module listed
#                         there is built in, not missing
# OUTPUT=DIR              where the built programs are (default: here)
#
# For XTCP, the wire_* programs run twice, side by side: as they are,
# and with XTCP_TEST_GSO=1 (super-segments on the tun, cut by GSO before
# it).  netem's cases run side by side too, one process each.
#
# Each program prints its kselftest output, ending in "# Totals: ...".
# Then the final checks: the module unloads, its cache is gone, and the
# kernel is not tainted beyond the module being out of tree (final()).
# Exit status: 0 if every program and the final checks passed, 1
# otherwise.  Skips are allowed here: scripts/test judges them against
# selftests/expected-skips.  Missing prerequisites fail the run at once.

dir=$(cd "$(dirname "$0")" && pwd)
bin=${OUTPUT:-$dir}

# unload must be last: it unloads and reloads the module.
progs=${*:-"handshake transfer teardown rst sockopt fastopen md5sig poll netns sysctl trace procfs interop netem pmtu synflood mempress wire_handshake wire_window wire_send wire_recovery wire_ecn wire_teardown wire_bad wire_icmp wire_fuzz wire_script hardening preload gotest jiffies_wrap install unload"}

if [ "$(id -u)" != 0 ]; then
	echo "run_vm.sh: must run as root" >&2
	exit 1
fi

# Prerequisites, checked once: a test must never skip, or pass, for want
# of them.  Modules: veth pairs, netem, tbf, plug, the tun device of the
# wire tests, interop's tc link to Linux TCP (clsact, u32, pedit, csum),
# xfrm's netlink; unshare, for gotest's namespace.
missing=
builtin() {
	[ -n "$XTCP_MODULES_BUILTIN" ] &&
		grep -q "/$1\.ko\$" "$XTCP_MODULES_BUILTIN" 2>/dev/null
}
for m in veth sch_netem sch_tbf sch_plug tun sch_ingress cls_u32 act_pedit act_csum xfrm_user; do
	modprobe $m >/dev/null 2>&1 || builtin $m || missing="$missing module:$m"
done
[ -c /dev/net/tun ] || missing="$missing /dev/net/tun"
for c in ip tc ethtool python3 iperf3 redis-server redis-cli redis-benchmark curl git unshare; do
	command -v $c >/dev/null 2>&1 || missing="$missing $c"
done
if ! [ -d /sys/kernel/tracing/events ] && ! [ -d /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	[ -d /sys/kernel/tracing/events ] || missing="$missing tracefs"
fi
if [ -n "$missing" ]; then
	echo "# xtcp selftests: missing prerequisites:$missing" >&2
	echo "# xtcp selftests FAILED: missing prerequisites:$missing"
	exit 1
fi

# `ip netns` wants a writable /run (the tests themselves do not need it).
if ! mkdir -p /run/netns 2>/dev/null || ! [ -w /run/netns ]; then
	mount -t tmpfs -o mode=0755 run /run 2>/dev/null && mkdir -p /run/netns
fi

# A program is $bin/NAME (built) or $dir/NAME.sh (a script, e.g. preload).
path() {
	if [ -x "$bin/$1" ]; then
		echo "$bin/$1"
	elif [ -x "$dir/$1.sh" ]; then
		echo "$dir/$1.sh"
	fi
}

missing=
for p in $progs; do
	[ -n "$(path "$p")" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "run_vm.sh: not built:$missing (make -C selftests)" >&2
	exit 1
fi

# run_lanes PROGRAM LANE...: the program's lanes side by side, each its
# own process, their outputs one after the other.  A lane is
# "SUFFIX|VAR=VALUE|ARGS": it is reported as "PROGRAM (SUFFIX)" (or just
# PROGRAM), runs with the one environment assignment (or none) and the
# program's arguments (kselftest filters).  Lanes are for programs whose
# tests mostly wait on the stack's timers, netem's delays or the fake
# peer, each test in its own namespace: side by side they take little
# more than the longest.  Returns non-zero if a lane failed.
run_lanes() { # program lane...
	local prog="$1" out lane suffix rest envs args name rc secs i bad=0

	shift
	out=$(mktemp -d /tmp/xtcp-lanes.XXXXXX) || return 1
	i=0
	for lane in "$@"; do
		i=$((i + 1))
		rest=${lane#*|}
		envs=${rest%%|*}
		args=${rest#*|}
		(
			start=$(date +%s)
			# shellcheck disable=SC2086
			env $envs "$(path "$prog")" $args > "$out/$i" 2>&1
			echo "$? $(($(date +%s) - start))" > "$out/$i.rc"
		) &
	done
	wait
	i=0
	for lane in "$@"; do
		i=$((i + 1))
		suffix=${lane%%|*}
		name=$prog
		[ -z "$suffix" ] || name="$prog ($suffix)"
		echo "# selftests: xtcp: $name"
		cat "$out/$i"
		rc=1 secs="?"
		[ -f "$out/$i.rc" ] && read -r rc secs < "$out/$i.rc"
		echo "# selftests: xtcp: $name: exit $rc after $secs s"
		# 4 is KSFT_SKIP: every test skipped.
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
			bad=1
		fi
	done
	rm -rf "$out"
	return $bad
}

# One lane per variant of the program's fixtures (its -l listing: the
# fixture, the variant and the test in columns of 21 and 26), and one
# for every test without a variant.  Prints the lanes, one a line.
variant_lanes() { # program
	"$(path "$1")" -l 2>&1 | awk '
		/^#/ || /^-/ || /^global/ { next }
		{ v = substr($0, 22, 26); sub(/ +$/, "", v) }
		v != "" && !(v in seen) { seen[v] = 1; order[++n] = v }
		END {
			rest = ""
			for (i = 1; i <= n; i++) {
				printf "%s||-v %s\n", order[i], order[i]
				rest = rest " -V " order[i]
			}
			printf "|%s\n", "|" rest
		}'
}

echo "# xtcp selftests: family ${XTCP_TEST_FAMILY:-xtcp}, kernel $(uname -r)${XTCP_KO:+, module $XTCP_KO}"
failed=
for p in $progs; do
	args=
	if [ "$p" = unload ] && [ -n "$XTCP_TEST_QUICK" ] && [ "$XTCP_TEST_QUICK" != 0 ]; then
		args="-T timewait_holds_module"
	fi
	case "$p" in
	# wire_script runs each script on Linux TCP, XTCP and XTCP with
	# super-segments itself: the reference run has nothing to add.  Its
	# scripts spend their time waiting on the stack's timers (about
	# 45 s of script time a variant), each test in its own tun.
	wire_script)
		[ "${XTCP_TEST_FAMILY:-xtcp}" = inet ] && continue
		run_lanes "$p" "linux||-v linux" "xtcp||-v xtcp" \
			"xtcp_gso||-v xtcp_gso" || failed="$failed $p"
		continue
		;;
	# For XTCP, each wire program as it is and with super-segments, side
	# by side (wire_peer.h's lock keeps a test that changes what all
	# namespaces share apart from the other lane's tests).
	wire_*)
		if [ "${XTCP_TEST_FAMILY:-xtcp}" != inet ]; then
			run_lanes "$p" "|XTCP_TEST_GSO=0|" "gso|XTCP_TEST_GSO=1|" ||
				failed="$failed $p"
			continue
		fi
		;;
	# Each netem case is a transfer paced by netem's delays and the
	# stack's timeouts, in namespaces of its own.
	netem)
		lanes=$(variant_lanes "$p")
		if [ -z "$lanes" ]; then
			echo "# selftests: xtcp: $p: no tests listed by $p -l"
			failed="$failed $p"
			continue
		fi
		# One lane a line (a lane's args have spaces).
		set -f
		old_ifs=$IFS
		IFS='
'
		# shellcheck disable=SC2086
		set -- $lanes
		IFS=$old_ifs
		set +f
		run_lanes "$p" "$@" || failed="$failed $p"
		continue
		;;
	esac
	echo "# selftests: xtcp: $p"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$(path "$p")" $args 2>&1
	rc=$?
	echo "# selftests: xtcp: $p: exit $rc after $(($(date +%s) - start)) s"
	# 4 is KSFT_SKIP: every test skipped.
	if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		failed="$failed $p"
	fi
done

# After the last program, what is left of XTCP must go: every socket is
# closed (a program's end closed them, TIME_WAIT and orphans went with
# their namespaces, or end on their timers), so the module unloads, its
# sock cache with it, and the kernel is tainted by nothing but the
# module being out of tree and unsigned.  A late timer on a leftover
# socket would hold the module, or splat here rather than unseen.
n=0 pass=0 fail=0
result() { # status name [why]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n final.$2"
	else
		fail=$((fail + 1))
		[ -z "$3" ] || echo "# final.$2: $3"
		echo "not ok $n final.$2"
	fi
}

final() {
	local i t bad

	echo "# selftests: xtcp: final"
	if ! grep -q '^xtcp ' /proc/modules; then
		result 1 unload "xtcp is not loaded: a program unloaded it and did not load it again"
	else
		i=0
		while ! rmmod xtcp 2>/dev/null && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if grep -q '^xtcp ' /proc/modules; then
			echo "# final.unload: still in use after 30 s: $(grep '^xtcp ' /proc/modules)"
			cat /proc/net/xtcp 2>/dev/null | sed 's/^/# /'
			result 1 unload
		else
			result 0 unload
		fi
	fi
	if [ -e /sys/kernel/slab/XTCP ] || grep -q '^XTCP ' /proc/slabinfo 2>/dev/null; then
		result 1 slab "the XTCP sock cache outlived the module"
	else
		result 0 slab
	fi
	# Allowed: O (12, out-of-tree module) and E (13, unsigned module).
	t=$(cat /proc/sys/kernel/tainted)
	bad=$((t & ~((1 << 12) | (1 << 13))))
	result $((bad != 0)) taint "kernel tainted $t (bits beyond O and E: $bad)"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
	# Loaded again, so that the VM stays usable for what follows.
	[ -z "$XTCP_KO" ] || grep -q '^xtcp ' /proc/modules ||
		insmod "$XTCP_KO" 2>/dev/null
	[ $fail -eq 0 ]
}

if ! final; then
	failed="$failed final"
fi

if [ -n "$failed" ]; then
	echo "# xtcp selftests FAILED:$failed"
	exit 1
fi
echo "# xtcp selftests: all programs passed"
exit 0
