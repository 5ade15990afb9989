#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# install: xtcp.ko installed as a real module, and loaded on demand.
#
#   make_install   make install puts xtcp.ko under
#                  /lib/modules/<release>/updates (depmod'ed, its alias
#                  net-pf-25), the uapi header and the man page under
#                  /usr/local
#   autoload       with xtcp.ko not loaded, a program built against the
#                  installed header (and nothing else) calls
#                  socket(AF_XTCP, ...): the kernel loads the installed
#                  module, and the program echoes a message over loopback
#   uninstall      make uninstall removes all three; without the module,
#                  socket(AF_XTCP, ...) fails with EAFNOSUPPORT
#   dkms           dkms install of the module that `scripts/dkms check`
#                  built on the host for this kernel (XTCP_DKMS_DIR, set by
#                  scripts/test) puts it under updates/dkms; socket() loads
#                  it; dkms remove takes it away again
#
# XTCP_TEST_INSTALL selects: "make" (the first three), "dkms" (the last),
# or both (the default).
#
# depmod reads every module of the tree: in the emulated VM that is 40 to
# 110 s a call, two calls a way.  xtcp.ko depends on no other module, so
# while this runs the kernel's own modules (kernel/) are behind an empty
# tmpfs and depmod indexes what is under updates/ and the built-in list,
# which is all that loading xtcp.ko by its alias needs.  The index files
# are put back afterward for what runs next.  Should xtcp.ko ever depend
# on a module, the whole tree is used again.
#
# Meant for the test VM (its root is a throw-away overlay, so installing
# changes nothing on the host): scripts/vm -- selftests/run_vm.sh install.
# The kernel's module loader runs with the VM's initramfs as its root, so
# while this runs kernel.modprobe is the initramfs's vm-modprobe, which
# runs the modprobe of the system under test (scripts/vm-init).  At the end
# the module built for the tests ($XTCP_KO) is loaded again.
#
# Output is KTAP with a "# Totals:" line; exit 0, 1 (a test failed) or
# 4 (all skipped).

KSFT_SKIP=4
dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$dir/.." && pwd)
rel=$(uname -r)
ko=/lib/modules/$rel/updates/xtcp.ko
hdr=/usr/local/include/linux/xtcp.h
man=/usr/local/share/man/man7/xtcp.7
ways=${XTCP_TEST_INSTALL:-make dkms}
TESTS=
case " $ways " in *" make "*) TESTS="make_install autoload uninstall" ;; esac
case " $ways " in *" dkms "*) TESTS="$TESTS dkms" ;; esac
[ -n "$TESTS" ] || { echo "install.sh: XTCP_TEST_INSTALL=$ways: neither make nor dkms" >&2; exit 1; }
ntests=$(echo "$TESTS" | wc -w)

num=0
npass=0
nfail=0
nskip=0

skip_all() {
	echo "TAP version 13"
	echo "1..$ntests"
	for t in $TESTS; do
		num=$((num + 1))
		echo "ok $num install.$t # SKIP $*"
	done
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:$num error:0"
	exit $KSFT_SKIP
}

case "${XTCP_TEST_FAMILY:-xtcp}" in
xtcp) ;;
*) skip_all "XTCP_TEST_FAMILY=$XTCP_TEST_FAMILY: installing xtcp.ko is for XTCP only" ;;
esac
[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ "${XTCP_VM:-}" = 1 ] || skip_all "installs into the system: only in the test VM (XTCP_VM=1)"
# The initramfs's module loader, which the chroot cannot see: its path.
helper=$(cat /run/xtcp-vm/vm-modprobe 2>/dev/null)
[ -n "$helper" ] || skip_all "scripts/vm-init made no vm-modprobe (/run/xtcp-vm/vm-modprobe)"
[ -d "/lib/modules/$rel/build" ] ||
	skip_all "no /lib/modules/$rel/build: a kernel without installed modules (the debug kernel)"

t0=$(date +%s)
took() { # what: how long since the last took
	t=$(date +%s)
	echo "# $1: $((t - t0)) s"
	t0=$t
}

result() { # status name [why]
	num=$((num + 1))
	if [ "$1" -eq 0 ]; then
		npass=$((npass + 1))
		echo "ok $num install.$2"
	else
		nfail=$((nfail + 1))
		[ -z "$3" ] || echo "# install.$2: $3"
		echo "not ok $num install.$2"
	fi
}

tmp=$(mktemp -d /tmp/xtcp-install.XXXXXX) || exit 1
old_modprobe=$(cat /proc/sys/kernel/modprobe)
moddir=/lib/modules/$rel
hidden=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	echo "$old_modprobe" > /proc/sys/kernel/modprobe
	if [ -n "$hidden" ]; then
		umount "$moddir/kernel"
		restore_index
	fi
	rm -rf "$tmp"
}
# The kernel's own index: DKMS, too, reads modules.dep (to learn how the
# kernel's modules are compressed).
restore_index() {
	rm -f "$moddir"/modules.*
	cp -a "$tmp/index/." "$moddir/"
}
trap cleanup EXIT

if [ -n "${XTCP_KO:-}" ] && deps=$(modinfo -F depends "$XTCP_KO") &&
   [ -z "$deps" ] && mkdir "$tmp/index" && cp -a "$moddir"/modules.* "$tmp/index/" &&
   mount -t tmpfs -o size=64k,mode=0755 xtcp-install "$moddir/kernel"; then
	hidden=1
	echo "# depmod sees updates/ and the built-in list (kernel/ hidden: xtcp.ko depends on no module)"
fi

unload() {
	i=0
	while grep -q '^xtcp ' /proc/modules && [ $i -lt 100 ]; do
		rmmod xtcp 2>/dev/null || sleep 0.1
		i=$((i + 1))
	done
	! grep -q '^xtcp ' /proc/modules
}

# The program: only the installed header and libc.  "echo" makes a
# listener and a client on 127.0.0.1 and sends one message across;
# "socket" only opens a socket.  Prints what failed, with the errno name.
cat > "$tmp/probe.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/xtcp.h>

static int fail(const char *what)
{
	printf("%s: %s\n", what, strerrorname_np(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_xtcp a = { .sxtcp_family = AF_XTCP };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	socklen_t len = sizeof(a);
	char buf[16] = "";
	int l, c, s;

	l = socket(AF_XTCP, SOCK_STREAM, 0);
	if (l < 0)
		return fail("socket");
	if (argc > 1 && !strcmp(argv[1], "socket"))
		return 0;
	a.sxtcp_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return fail("listen");
	c = socket(AF_XTCP, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		return fail("connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		return fail("accept");
	if (write(c, "hello", 5) != 5 || read(s, buf, sizeof(buf)) != 5)
		return fail("write/read");
	if (memcmp(buf, "hello", 5))
		return printf("read \"%s\"\n", buf), 1;
	printf("echoed \"%s\" over AF_XTCP %d\n", buf, AF_XTCP);
	/* Reset, not closed: no TIME_WAIT keeps the module in use. */
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return 0;
}
EOF

echo "TAP version 13"
echo "1..$ntests"

# The probe without the module: socket() must fail as for any family
# nobody registered.
without_module() { # test name
	if [ -x "$tmp/probe" ]; then
		out=$("$tmp/probe" socket 2>&1)
		[ "$out" = "socket: EAFNOSUPPORT" ] ||
			why="$why socket(AF_XTCP) without the module: '$out', not EAFNOSUPPORT;"
	fi
	grep -q '^xtcp ' /proc/modules && why="$why xtcp was loaded again;"
}

echo "$helper" > /proc/sys/kernel/modprobe

if echo " $ways " | grep -q " make "; then
	# ------------------------------------------------------ make_install
	why=
	unload || why="xtcp.ko (the tests') does not unload"
	if [ -z "$why" ]; then
		out=$(make -s -C "$repo" install 2>&1) || why="make install failed: $out"
		took "make install"
	fi
	if [ -z "$why" ]; then
		echo "$out" | sed 's/^/# /'
		for f in "$ko" "$hdr" "$man"; do
			[ -f "$f" ] || why="$why $f missing;"
		done
		[ "$(modinfo -n xtcp 2>/dev/null)" = "$ko" ] ||
			why="$why modinfo finds $(modinfo -n xtcp 2>&1), not $ko;"
		grep -q "^alias net-pf-25 xtcp\$" "/lib/modules/$rel/modules.alias" ||
			why="$why no net-pf-25 alias in modules.alias;"
		grep -q '^xtcp ' /proc/modules && why="$why make install loaded the module;"
	fi
	result $((${#why} != 0)) make_install "$why"

	# ---------------------------------------------------------- autoload
	# Built against the installed header: no -I.
	why=
	if ! out=$(cc -Wall -Werror -o "$tmp/probe" "$tmp/probe.c" 2>&1); then
		why="cannot build against the installed header: $out"
	fi
	took "cc probe.c"
	if [ -z "$why" ]; then
		if out=$("$tmp/probe" echo 2>&1); then
			echo "# $out"
			grep -q '^xtcp ' /proc/modules || why="echoed, but xtcp is not in /proc/modules"
			took "probe (the module loaded on demand)"
		else
			why="probe: $out"
		fi
	fi
	result $((${#why} != 0)) autoload "$why"

	# --------------------------------------------------------- uninstall
	why=
	unload || why="the installed module does not unload"
	out=$(make -s -C "$repo" uninstall 2>&1) || why="$why make uninstall failed: $out"
	took "make uninstall"
	for f in "$ko" "$hdr" "$man"; do
		[ ! -e "$f" ] || why="$why $f still there;"
	done
	grep -q "^alias net-pf-25 xtcp\$" "/lib/modules/$rel/modules.alias" &&
		why="$why net-pf-25 still in modules.alias;"
	without_module
	result $((${#why} != 0)) uninstall "$why"
fi

if echo " $ways " | grep -q " dkms "; then
	[ -z "$hidden" ] || restore_index
	# -------------------------------------------------------------- dkms
	ddir=${XTCP_DKMS_DIR:-}
	if [ -z "$ddir" ]; then
		num=$((num + 1))
		nskip=$((nskip + 1))
		echo "ok $num install.dkms # SKIP XTCP_DKMS_DIR not set (scripts/test builds the trees with scripts/dkms check)"
	else
		why=
		unload || why="xtcp.ko (the tests') does not unload;"
		# No header is installed this way: the repository's.
		[ -x "$tmp/probe" ] ||
			out=$(cc -Wall -Werror -I "$repo/uapi" -o "$tmp/probe" "$tmp/probe.c" 2>&1) ||
			why="$why cannot build the probe: $out;"
		ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$ddir/source/xtcp-"*/dkms.conf)
		trees="--sourcetree $ddir/source --dkmstree $ddir/tree"
		# shellcheck disable=SC2086
		out=$(sign_file=/nonexistent dkms install $trees -m xtcp -v "$ver" -k "$rel" 2>&1)
		st=$?
		took "dkms install"
		if [ $st -ne 0 ]; then
			why="$why dkms install failed: $(echo "$out" | tail -n 5)"
		elif ! modinfo -n xtcp 2>/dev/null | grep -q "^/lib/modules/$rel/updates/dkms/xtcp.ko"; then
			why="$why dkms installed, but modinfo finds $(modinfo -n xtcp 2>&1)"
		elif ! out=$("$tmp/probe" echo 2>&1); then
			why="$why probe after dkms install: $out"
		else
			echo "# dkms: $(modinfo -n xtcp); $out"
		fi
		unload || why="$why the dkms module does not unload;"
		# shellcheck disable=SC2086
		out=$(dkms remove $trees -m xtcp -v "$ver" -k "$rel" 2>&1) ||
			why="$why dkms remove failed: $(echo "$out" | tail -n 3);"
		took "dkms remove"
		[ -z "$(modinfo -n xtcp 2>/dev/null)" ] ||
			why="$why after dkms remove modinfo still finds $(modinfo -n xtcp);"
		without_module
		result $((${#why} != 0)) dkms "$why"
	fi
fi

# The tests' own module, for the programs that follow.
echo "$old_modprobe" > /proc/sys/kernel/modprobe
if [ -n "${XTCP_KO:-}" ] && ! grep -q '^xtcp ' /proc/modules; then
	insmod "$XTCP_KO" || echo "# install: insmod $XTCP_KO failed"
fi

echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
[ $nfail -eq 0 ] || exit 1
[ $npass -gt 0 ] || exit $KSFT_SKIP
exit 0
