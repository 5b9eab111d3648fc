#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksrc.sh OUTDIR: puts the few kernel source files the microbenchmark
# compiles in userspace (the kernel's own rhashtable and SipHash) under
# OUTDIR/{lib,include/linux}/, unless they are there already.
#
# Source, first found: $KSRC (a kernel source tree), else the Debian
# linux-source-6.1 tarball in /usr/src (one member extraction, ~15 s, cached).
# The files are used as they are; nothing is copied into the repository.
set -euo pipefail
out=${1:?usage: ksrc.sh OUTDIR}
files="lib/rhashtable.c lib/siphash.c include/linux/rhashtable.h
	include/linux/rhashtable-types.h include/linux/siphash.h include/linux/jhash.h"

have() {
	local f
	for f in $files; do [ -f "$1/$f" ] || return 1; done
}
have "$out" && exit 0

mkdir -p "$out"
if [ -n "${KSRC:-}" ]; then
	have "$KSRC" || { echo "ksrc.sh: KSRC=$KSRC lacks one of: $files" >&2; exit 1; }
	for f in $files; do install -D -m 0644 "$KSRC/$f" "$out/$f"; done
else
	tarball=
	for f in /usr/src/linux-source-6.1.tar.xz /usr/src/linux-source-*.tar.xz; do
		[ -f "$f" ] && { tarball=$f; break; }
	done
	[ -n "$tarball" ] || {
		echo "ksrc.sh: no kernel source: apt-get install linux-source-6.1, or set KSRC=<kernel tree>" >&2
		exit 1
	}
	top=$(basename "$tarball" .tar.xz)
	tmp=$(mktemp -d "$out/.x.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	members=()
	for f in $files; do members+=("$top/$f"); done
	tar -xJf "$tarball" -C "$tmp" --occurrence=1 "${members[@]}"
	for f in $files; do install -D -m 0644 "$tmp/$top/$f" "$out/$f"; done
	echo "$tarball" >"$out/SOURCE"
fi
have "$out" || { echo "ksrc.sh: extraction incomplete in $out" >&2; exit 1; }
