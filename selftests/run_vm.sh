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
# OUTPUT=DIR              where the built programs are (default: here)
#
# Each program prints its kselftest output, ending in "# Totals: ...".
# Exit status: 0 if every program passed (skips allowed), 1 otherwise.

dir=$(cd "$(dirname "$0")" && pwd)
bin=${OUTPUT:-$dir}

# unload must be last: it unloads and reloads the module.
progs=${*:-"handshake transfer teardown rst sockopt poll netns sysctl trace procfs interop netem wire hardening preload jiffies_wrap unload"}

if [ "$(id -u)" != 0 ]; then
	echo "run_vm.sh: must run as root" >&2
	exit 1
fi

# Best effort: the netns tests skip cleanly without these.
modprobe veth >/dev/null 2>&1
modprobe sch_netem >/dev/null 2>&1
# interop's link to Linux TCP: tc clsact, u32, pedit, csum.
for m in sch_ingress cls_u32 act_pedit act_csum; do
	modprobe $m >/dev/null 2>&1
done

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

echo "# xtcp selftests: family ${XTCP_TEST_FAMILY:-xtcp}, kernel $(uname -r)${XTCP_KO:+, module $XTCP_KO}"
failed=
for p in $progs; do
	args=
	if [ "$p" = unload ] && [ -n "$XTCP_TEST_QUICK" ] && [ "$XTCP_TEST_QUICK" != 0 ]; then
		args="-T timewait_holds_module"
	fi
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

if [ -n "$failed" ]; then
	echo "# xtcp selftests FAILED:$failed"
	exit 1
fi
echo "# xtcp selftests: all programs passed"
exit 0
