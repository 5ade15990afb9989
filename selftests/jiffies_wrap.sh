#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# jiffies_wrap: the timer tests again, once the low 32 bits of jiffies have
# wrapped.  A 64-bit kernel starts jiffies 300 s short of 2^32 (INITIAL_JIFFIES)
# so that code which keeps jiffies in a u32 but subtracts in 64 bits breaks
# early: XTCP's TCP_USER_TIMEOUT once fired at the first RTO on any machine
# up for more than five minutes.  Run late in run_vm.sh; if the VM has been up
# for less than 305 s it waits (at most 305 s) for the wrap.
#
# Output is KTAP with a "# Totals:" line, exit 0 or 1.

dir=$(cd "$(dirname "$0")" && pwd)
bin=${OUTPUT:-$dir}

up=$(cut -d. -f1 /proc/uptime)
if [ "$up" -lt 305 ]; then
	echo "# uptime ${up} s: waiting $((305 - up)) s for jiffies to pass 2^32"
	sleep $((305 - up))
fi
echo "# uptime $(cut -d. -f1 /proc/uptime) s"

rc=0
# keepalive_dead_peer: the idle time since the last segment; user_timeout:
# the time since the first retransmission; tcp_info: last_ack/data_recv.
# A name that no longer exists would run nothing and pass: each must run.
tests="keepalive_dead_peer user_timeout_unacked_data tcp_info"
args=
for t in $tests; do
	args="$args -t $t"
done
# shellcheck disable=SC2086
out=$("$bin/sockopt" $args 2>&1) || rc=1
echo "$out"
for t in $tests; do
	if ! echo "$out" | grep -q "^ok [0-9]* so\.$t\$"; then
		echo "# jiffies_wrap: so.$t did not run, or did not pass"
		rc=1
	fi
done
exit $rc
