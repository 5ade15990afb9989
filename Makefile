# SPDX-License-Identifier: GPL-2.0
#
# XTCP top-level Makefile.
#
#   make                  build xtcp.ko for the running kernel if its headers
#                         are installed, else the newest supported Debian
#                         kernel; also builds the user-space tools
#   make KVER=<release>   build build/<release>/xtcp.ko (KVER=6.1 / 6.12 pick
#                         the newest installed release of that series)
#   make modules-all      xtcp.ko for every supported kernel (6.12 and 6.1)
#   make tools            build/tools/xtcpcat
#   make check            checkpatch --strict, sparse (C=2) + W=1 on both kernels
#   make unit             user-space unit tests (kmod/test)
#   make selftests        build the kselftest programs (selftests/)
#   make go               the Go package (go/): gofmt and go vet clean, its
#                         test binary and cmd/xtcp-echo built into build/go/
#                         for selftests/gotest.sh to run in the VM
#   make demo             set up, build, run scripts/demo-vm.sh in a VM
#   make test             set up, build, run every test (scripts/test)
#   make test-reference   the selftests against Linux TCP on 6.12 (also
#                         part of make test)
#   make bench            XTCP vs TCP benchmark in a VM (scripts/bench; KVER=6.1, BENCH_ARGS=--quick)
#   make debug-test       the selftests on a KASAN/lockdep/kmemleak/KFENCE
#                         kernel built from linux-source-6.12, then kmemleak
#                         scans and rmmod (scripts/debug-test; over 1 h,
#                         plus ~1 h for the first kernel build; not in CI)
#   make install          (root) build/<release>/xtcp.ko (KVER as for make;
#                         build it first) into /lib/modules/<release>/updates,
#                         depmod; the uapi header and the man page under
#                         PREFIX (/usr/local); DESTDIR for staging
#   make uninstall        (root) remove what make install put there
#   make dkms-install     (root) through DKMS: built now for the running
#                         kernel (KVER too), and for each kernel installed
#                         later (scripts/dkms)
#   make dkms-uninstall   (root) dkms remove, for every kernel
#   make clean            remove build products (keeps build/linux-source)
#
# The kernel build runs out of tree in build/<release>/ (see scripts/buildtree)
# so objects for different kernels never mix and the sources stay clean.

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD := $(ROOT)/build
CHECKPATCH := $(BUILD)/linux-source/scripts/checkpatch.pl

# Resolved lazily: scripts/setup may install the kernels first.
resolve_kver = $(shell $(ROOT)/scripts/kver $(KVER))

.PHONY: all module modules-all tools check checkpatch sparse uapi-check unit \
	selftests demo test test-reference bench clean distclean setup \
	install uninstall dkms-install dkms-uninstall go

all: module tools

module:
	@rel=$$($(ROOT)/scripts/kver $(KVER)) || exit 1; \
	$(ROOT)/scripts/buildtree $(BUILD)/$$rel && \
	echo "  MODULE  build/$$rel/xtcp.ko" && \
	$(MAKE) -C /lib/modules/$$rel/build M=$(BUILD)/$$rel modules && \
	test -f $(BUILD)/$$rel/xtcp.ko

modules-all:
	@rels=$$($(ROOT)/scripts/kver --supported) || exit 1; \
	for rel in $$rels; do \
		$(MAKE) -f $(ROOT)/Makefile module KVER=$$rel || exit 1; \
	done

tools:
	$(MAKE) -C $(ROOT)/tools

# checkpatch + sparse/W=1 on both kernels + the uapi header as
# applications include it; any warning or error fails.
check: checkpatch sparse uapi-check

uapi-check:
	@echo "  UAPI    uapi/linux/xtcp.h alone and after libc headers, C and C++"
	@$(ROOT)/scripts/uapi-check

checkpatch:
	@test -f $(CHECKPATCH) || $(ROOT)/scripts/setup
	@echo "  CHECKPATCH --strict kmod/*.[ch] uapi/linux/*.h"
	@cd $(ROOT) && perl $(CHECKPATCH) --strict --no-tree --show-types -q \
		-f kmod/*.[ch] uapi/linux/*.h > $(BUILD)/checkpatch.log 2>&1; \
	rc=$$?; cat $(BUILD)/checkpatch.log; \
	if [ $$rc -ne 0 ] || grep -qE '^(ERROR|WARNING|CHECK):' $(BUILD)/checkpatch.log; then \
		echo "checkpatch: FAILED"; exit 1; fi; echo "checkpatch: clean"

sparse:
	@rels=$$($(ROOT)/scripts/kver --supported) || exit 1; fail=0; \
	for rel in $$rels; do \
		dir=$(BUILD)/check/$$rel; log=$$dir.log; \
		$(ROOT)/scripts/buildtree $$dir || exit 1; \
		echo "  SPARSE  C=2 W=1 on $$rel (log: build/check/$$rel.log)"; \
		$(MAKE) -C /lib/modules/$$rel/build M=$$dir C=2 W=1 modules \
			> $$log 2>&1; rc=$$?; \
		if [ $$rc -ne 0 ] || grep -qE 'warning:|error:' $$log; then \
			if grep -qE 'warning:|error:' $$log; then \
				grep -E 'warning:|error:' $$log | sed "s|$$dir/||"; \
			else tail -n 30 $$log; fi; \
			echo "sparse/W=1 on $$rel: FAILED (make rc=$$rc)"; fail=1; \
		else echo "sparse/W=1 on $$rel: clean"; fi; \
	done; exit $$fail

unit:
	@if [ -f $(ROOT)/kmod/test/Makefile ]; then \
		$(MAKE) -C $(ROOT)/kmod/test run; \
	else echo "unit: kmod/test/Makefile not present, no unit tests"; fi

selftests:
	@if [ -f $(ROOT)/selftests/Makefile ]; then \
		$(MAKE) -C $(ROOT)/selftests; \
	else echo "selftests: selftests/Makefile not present"; fi

setup:
	$(ROOT)/scripts/setup

# The VM runs what `go test` would build (the test binary), built here:
# the emulated guest would take minutes to compile the standard library.
# No module is fetched: the package uses the standard library only.
# Go keeps its build cache under $HOME; where no HOME is set (CI's shells
# need not have one), it goes under build/.
go:
	@echo "  GO      go/: gofmt, go vet, build/go/xtcp.test, build/go/xtcp-echo"
	@cd $(ROOT)/go && \
	if [ -z "$$HOME" ] && [ -z "$$GOCACHE" ]; then \
		export GOCACHE=$(BUILD)/go/cache GOPATH=$(BUILD)/go/path; fi && \
	out=$$(gofmt -l .) && { [ -z "$$out" ] || { echo "gofmt: not formatted: $$out"; exit 1; }; } && \
	GOPROXY=off GOFLAGS=-mod=mod go vet ./... && \
	GOPROXY=off GOFLAGS=-mod=mod go test -c -o $(BUILD)/go/xtcp.test ./xtcp && \
	GOPROXY=off GOFLAGS=-mod=mod go build -o $(BUILD)/go/xtcp-echo ./cmd/xtcp-echo

PREFIX ?= /usr/local

# Installed under updates/, which depmod ranks above the kernel's own
# directories; the module's net-pf-25 alias then lets the first
# socket(AF_XTCP, ...) load it.
install:
	@rel=$$($(ROOT)/scripts/kver $(KVER)) || exit 1; \
	ko=$(BUILD)/$$rel/xtcp.ko; \
	if [ ! -f $$ko ]; then \
		echo "make install: no build/$$rel/xtcp.ko: run make KVER=$$rel first"; \
		exit 1; \
	fi; \
	echo "  INSTALL $(DESTDIR)/lib/modules/$$rel/updates/xtcp.ko"; \
	install -D -m 644 $$ko $(DESTDIR)/lib/modules/$$rel/updates/xtcp.ko && \
	echo "  INSTALL $(DESTDIR)$(PREFIX)/include/linux/xtcp.h" && \
	install -D -m 644 $(ROOT)/uapi/linux/xtcp.h \
		$(DESTDIR)$(PREFIX)/include/linux/xtcp.h && \
	echo "  INSTALL $(DESTDIR)$(PREFIX)/share/man/man7/xtcp.7" && \
	install -D -m 644 $(ROOT)/docs/xtcp.7 \
		$(DESTDIR)$(PREFIX)/share/man/man7/xtcp.7 && \
	if [ -z "$(DESTDIR)" ]; then \
		echo "  DEPMOD  $$rel"; depmod -a $$rel; \
	fi

# A loaded module stays loaded: rmmod xtcp unloads it.
uninstall:
	@rel=$$($(ROOT)/scripts/kver $(KVER)) || exit 1; \
	rm -f $(DESTDIR)/lib/modules/$$rel/updates/xtcp.ko \
		$(DESTDIR)$(PREFIX)/include/linux/xtcp.h \
		$(DESTDIR)$(PREFIX)/share/man/man7/xtcp.7 && \
	if [ -z "$(DESTDIR)" ]; then \
		echo "  DEPMOD  $$rel"; depmod -a $$rel; \
	fi

dkms-install:
	$(ROOT)/scripts/dkms install $(if $(KVER),$(call resolve_kver))

dkms-uninstall:
	$(ROOT)/scripts/dkms uninstall

demo:
	$(ROOT)/scripts/setup
	$(MAKE) -f $(ROOT)/Makefile module tools KVER=$$($(ROOT)/scripts/kver --newest)
	cd $(ROOT) && scripts/vm --no-build -- scripts/demo-vm.sh

test:
	$(ROOT)/scripts/test

test-reference:
	$(ROOT)/scripts/test --reference

bench:
	$(ROOT)/scripts/bench --kernel $(or $(KVER),6.12) $(BENCH_ARGS)

.PHONY: debug-test
debug-test:
	$(ROOT)/scripts/debug-test

clean:
	rm -rf $(BUILD)/tools $(BUILD)/check $(BUILD)/vm $(BUILD)/checkpatch.log
	@for d in $(BUILD)/*/; do \
		case $$d in */linux-source/) ;; *) rm -rf "$$d" ;; esac; \
	done
	-@[ ! -f $(ROOT)/kmod/test/Makefile ] || $(MAKE) -C $(ROOT)/kmod/test clean
	-@[ ! -f $(ROOT)/selftests/Makefile ] || $(MAKE) -C $(ROOT)/selftests clean

distclean: clean
	rm -rf $(BUILD)
