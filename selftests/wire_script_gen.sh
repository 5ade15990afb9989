#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# wire_script_gen.sh SCRIPT...: the wire scripts as C, one
# WIRE_SCRIPT(name, "text") line each, for wire_script.c to include.
# A script's name is its file's, less ".wire": a C identifier.
set -e
for f in "$@"; do
	name=$(basename "$f" .wire)
	case "$name" in
	*[!a-z0-9_]* | [0-9]*)
		echo "$0: $f: name must be [a-z0-9_]+" >&2
		exit 1 ;;
	esac
	printf 'WIRE_SCRIPT(%s,\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$f"
	printf ')\n\n'
done
