#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# gotest: the Go package (go/xtcp) in the VM, as `go test ./...` under go/
# runs it: its test binary (each scenario over XTCP, and over Linux TCP with
# package net, as subtests "xtcp" and "net"; the examples), then
# cmd/xtcp-echo, a program written only against the package's documented
# API.  `make go` builds both into build/go/ on the host (XTCP_GO_BIN
# overrides the directory): the emulated guest would take minutes to
# compile the standard library.
#
# It runs in a network namespace of its own, with loopback and a veth
# pair: 198.18.0.1 has a fixed neighbour entry on one end, a MAC that the
# other end is not, so what is sent there is dropped on arrival.  That is
# an address that never answers (XTCP_GO_BLACKHOLE), for the dial timeout
# and cancellation tests.  (A dummy device would do, but the debug kernel
# has none.)  With XTCP_TEST_FAMILY=inet (the reference run)
# only the net stack runs: the same expectations, asked of Linux TCP.
#
# Output is KTAP with a "# Totals:" line: one line per test, subtest and
# example that has no subtests of its own, named go.Test/stack; exit 0 or 1.

dir=$(cd "$(dirname "$0")" && pwd)
gobin=${XTCP_GO_BIN:-$dir/../build/go}
BLACKHOLE=198.18.0.1

echo "TAP version 13"
fail_all() {
	echo "not ok 1 go.setup"
	echo "# gotest: $*"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
}

[ "$(id -u)" = 0 ] || fail_all "must run as root"
for b in xtcp.test xtcp-echo; do
	[ -x "$gobin/$b" ] || fail_all "$gobin/$b not built (make go)"
done
command -v unshare >/dev/null 2>&1 || fail_all "unshare (util-linux) not installed"

case "${XTCP_TEST_FAMILY:-xtcp}" in
inet) stacks=net ;;
*) stacks=xtcp,net ;;
esac

# The namespace: lo, and the veth pair that drops what goes to BLACKHOLE.
# In it: the test binary (-test.v, one result line per test), then the
# program unless it is the reference run (it knows only XTCP).
# shellcheck disable=SC2016 # expanded by the inner shell
out=$(XTCP_GO_STACKS=$stacks XTCP_GO_BLACKHOLE=$BLACKHOLE GOTEST_BIN=$gobin \
	GOTEST_ECHO=$([ "$stacks" = net ] || echo 1) \
	unshare -n sh -c '
	ip link set lo up &&
	ip link add xtcpbh type veth peer name xtcpbh1 &&
	ip addr add 198.18.0.254/24 dev xtcpbh &&
	ip link set xtcpbh up && ip link set xtcpbh1 up &&
	ip neigh replace 198.18.0.1 lladdr 02:00:00:00:00:01 dev xtcpbh nud permanent ||
		{ echo "gotest: namespace setup failed"; exit 2; }
	cd "$GOTEST_BIN" || exit 2
	./xtcp.test -test.v -test.count=1 -test.timeout=300s 2>&1
	echo "gotest-exit: $?"
	if [ -n "$GOTEST_ECHO" ]; then
		eo=$(./xtcp-echo 2>&1)
		e=$?
		echo "$eo" | sed "s/^/xtcp-echo: /"
		echo "gotest-echo-exit: $e"
	fi
' 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'

# "--- PASS: Name (0.01s)" lines, a subtest's indented four spaces more
# than its parent, which comes first: a test is a leaf if the next line is
# not deeper.
echo "$out" | awk -v rc=$rc '
	function emit(i, st, name) {
		st = res[i]; name = nm[i]
		n++
		if (st == "PASS") { pass++; printf "ok %d go.%s\n", n, name }
		else if (st == "SKIP") { skip++; printf "ok %d go.%s # SKIP\n", n, name }
		else { fail++; printf "not ok %d go.%s\n", n, name }
	}
	/^ *--- (PASS|FAIL|SKIP): / {
		m++
		match($0, /^ */); depth[m] = RLENGTH
		res[m] = $2; sub(/:$/, "", res[m])
		nm[m] = $3
	}
	/^gotest-exit: / { texit = $2 }
	/^gotest-echo-exit: / { eexit = $2; echoed = 1 }
	/^xtcp-echo: ok$/ { echook = 1 }
	END {
		for (i = 1; i <= m; i++)
			if (i == m || depth[i + 1] <= depth[i])
				emit(i)
		# The binary failed beyond its tests (a panic, a timeout, the
		# namespace): one failure more.
		if (texit == "" || (texit != 0 && fail == 0)) {
			n++; fail++; printf "not ok %d go.test_binary # exit %s\n", n, texit
		}
		if (echoed) {
			n++
			if (eexit == 0 && echook) { pass++; printf "ok %d go.xtcp_echo\n", n }
			else { fail++; printf "not ok %d go.xtcp_echo\n", n }
		}
		if (n == 0) { n++; fail++; printf "not ok %d go.nothing_ran\n", n }
		printf "1..%d\n", n
		printf "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", pass, fail, skip
		exit fail != 0
	}'
