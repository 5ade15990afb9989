#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel test.  Runs INSIDE the test VM booted on the debug kernel
# (`make debug-test` runs `scripts/vm --debug-kernel -- scripts/debug-test-vm.sh`),
# as root, with xtcp.ko (built against that kernel) loaded.
#
#   1. the whole selftest suite (selftests/run_vm.sh)
#   2. kmemleak: scan, wait, scan again (the kmemleak documentation's advice:
#      an object still in flight during one scan is found by the next), and
#      print every suspected leak
#   3. rmmod xtcp, scan twice again: what the module left allocated and
#      referenced only from its own data is unreferenced once it is gone
#   4. lockdep must still be on (it switches itself off after its first
#      report, or when its tables overflow: then it checked only part of the
#      suite)
#
# KASAN, lockdep, KFENCE, ODEBUG, WARN... reports go to the kernel log, where
# scripts/vm finds them.  The kmemleak lists are in the results directory
# ($XTCP_VM_RESULTS): kmemleak-suite.txt, kmemleak-rmmod.txt, and
# debug-test.env holds the figures for the host (scripts/debug-test).
#
# XTCP_DEBUG_TEST_PROGS (from the host, like every XTCP_* variable): run
# only these selftest programs, e.g. "handshake unload"; default all.
#
# Exit status: 0 iff the suite passed, kmemleak reported nothing, the module
# unloaded and lockdep was still on.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
res=${XTCP_VM_RESULTS:-/tmp}
kml=/sys/kernel/debug/kmemleak
env_out=$res/debug-test.env
fail=()

say() {
	echo "debug-test: $*"
}

fig() { # a figure for the host: NAME VALUE
	echo "$1=$2" >> "$env_out"
}

: > "$env_out"
[ -w "$kml" ] || { say "FAIL: no $kml (not the debug kernel? CONFIG_DEBUG_KMEMLEAK)"; exit 1; }

# Scan twice and keep the list in FILE; print it and the time the scans took.
scan() {
	local file=$1 what=$2 t0 n
	t0=$(date +%s)
	# The write fails if kmemleak switched itself off (out of memory for
	# its metadata, or an internal error it logged).
	if ! echo scan > "$kml" || ! sleep 6 || ! echo scan > "$kml"; then
		say "FAIL: kmemleak scan $what failed (kmemleak disabled? see the kernel log)"
		fail+=("kmemleak could not scan $what")
		fig "leaks_$what" "?"
		return 0
	fi
	cat "$kml" > "$file"
	t0=$(($(date +%s) - t0))
	n=$(grep -c '^unreferenced object' "$file" || true)
	say "kmemleak scan $what: $n suspected leaks (two scans, $t0 s)"
	fig "scan_${what}_s" "$t0"
	fig "leaks_$what" "$n"
	if [ "$n" -gt 0 ]; then
		echo "---- /sys/kernel/debug/kmemleak ($what) ----"
		cat "$file"
		echo "----"
		fail+=("kmemleak: $n suspected leaks $what")
	fi
}

# ---------------------------------------------------------------- suite
say "kernel $(uname -r), module ${XTCP_KO:-?}"
t0=$(date +%s)
suite_rc=0
# XTCP_DEBUG_TEST_PROGS: only these selftest programs (default: all).
# shellcheck disable=SC2086 # a list of names
selftests/run_vm.sh ${XTCP_DEBUG_TEST_PROGS-} || suite_rc=$?
suite_s=$(($(date +%s) - t0))
say "selftests/run_vm.sh exit $suite_rc after $suite_s s"
fig suite_rc "$suite_rc"
fig suite_s "$suite_s"
[ "$suite_rc" -eq 0 ] || fail+=("the selftests failed (run_vm.sh exit $suite_rc)")

# ---------------------------------------------------------------- kmemleak
scan "$res/kmemleak-suite.txt" after_suite

# A TIME_WAIT socket holds the module for up to 60 s (as TCP_TIMEWAIT_LEN):
# retry for longer than that.
t0=$(date +%s)
unloaded=
while [ $(($(date +%s) - t0)) -lt 90 ]; do
	if ! grep -q '^xtcp ' /proc/modules; then
		say "xtcp was not loaded at the end of the suite"
		fail+=("xtcp.ko was not loaded after the suite (unload's teardown reloads it)")
		break
	fi
	if rmmod xtcp 2>/dev/null; then
		unloaded=1
		break
	fi
	sleep 1
done
if [ -n "$unloaded" ]; then
	say "rmmod xtcp: done after $(($(date +%s) - t0)) s"
	scan "$res/kmemleak-rmmod.txt" after_rmmod
elif grep -q '^xtcp ' /proc/modules; then
	say "rmmod xtcp: still in use after 90 s: $(grep '^xtcp ' /proc/modules)"
	fail+=("rmmod xtcp failed for 90 s")
fi
fig rmmod "${unloaded:-0}"

# ---------------------------------------------------------------- lockdep
locks=$(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null || true)
say "lockdep: debug_locks ${locks:-?} (1: lockdep checked the whole run)"
fig debug_locks "${locks:-?}"
[ "$locks" = 1 ] || fail+=("lockdep was off at the end (debug_locks ${locks:-?}): see the kernel log")

if [ ${#fail[@]} -gt 0 ]; then
	for f in "${fail[@]}"; do
		say "FAIL: $f"
	done
	exit 1
fi
say "suite passed, no kmemleak report, module unloaded, lockdep on"
exit 0
