#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debug-kernel.sh - build the lean debug guest kernel for tests/vm/run.sh
#
# Usage: tests/vm/build-debug-kernel.sh [--force] [--jobs N] [--print-kdir]
#
# Builds Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz, or
# $VEER_KSRC_TAR) as: allnoconfig, then scripts/kconfig/merge_config.sh with
# tests/vm/debug-guest.config, then olddefconfig.  Everything the guest needs
# (serial console, virtio-pci, 9p, overlayfs, netfilter, veth, ...) is built
# in, together with KASAN, lockdep (PROVE_LOCKING), kmemleak and UBSAN, so the
# initramfs loads no modules for it.
#
# The result is cached under build/debug-kernel/linux-<srcversion>-<hash>/,
# keyed by a hash of the config fragment (without its comments), the source
# version and the recipe version below.  The cache directory is a complete build tree (with
# `make modules_prepare` done), usable as KDIR for an out-of-tree module:
#
#     make -C "$(tests/vm/build-debug-kernel.sh --print-kdir)" M=$PWD/kmod
#
# Inside it, .veer/ holds what run.sh needs: bzImage, kernelrelease, and
# lib/modules/<kernelrelease>/ (modules_install output, bind-mounted over the
# guest's /lib/modules/<kernelrelease>).  build/debug-kernel/current links to
# the newest successful build.  On success the KDIR path is printed as the
# last line of stdout.  A cold build takes about 9 minutes on 2 cores.
#
# --print-kdir prints the KDIR of a finished build matching the current key
# (exit 1 if there is none) without building anything.

set -euo pipefail

# Bump when the build steps below change in a way that needs a rebuild.
RECIPE_VERSION=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))
frag=$here/debug-guest.config
src_tar=${VEER_KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
cache=$top/build/debug-kernel

force=0
print_only=0
jobs=$(nproc)
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--jobs | -j) jobs=$2; shift ;;
	--print-kdir) print_only=1 ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "build-debug-kernel: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "build-debug-kernel: $*" >&2; exit 1; }

[ -r "$frag" ] || die "missing config fragment $frag"
[ -r "$src_tar" ] || die "missing kernel source $src_tar (apt-get install linux-source-6.1)"

# Source version: the Debian package version if the tarball is the packaged
# one, else the tarball's size and mtime.
srcver=
if [ "$src_tar" = /usr/src/linux-source-6.1.tar.xz ]; then
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
fi
[ -n "$srcver" ] || srcver=$(stat -c '%s-%Y' "$src_tar")
# Comments and blank lines of the fragment do not change the kernel.
key=$( { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$frag"; echo "src=$srcver recipe=$RECIPE_VERSION"; } |
	sha256sum | cut -c1-12)
kdir=$cache/linux-${srcver//[^A-Za-z0-9.+-]/_}-$key

if [ -f "$kdir/.veer/done" ] && [ "$force" = 0 ]; then
	ln -sfn "$(basename "$kdir")" "$cache/current"
	echo "$kdir"
	exit 0
fi
[ "$print_only" = 1 ] && exit 1

for c in make gcc bc bison flex xz perl; do
	command -v "$c" >/dev/null || die "missing build tool: $c"
done

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock -n 9 || { echo "build-debug-kernel: waiting for another build..." >&2; flock 9; }
if [ -f "$kdir/.veer/done" ] && [ "$force" = 0 ]; then
	ln -sfn "$(basename "$kdir")" "$cache/current"
	echo "$kdir"
	exit 0
fi

log=$cache/build-$key.log
echo "build-debug-kernel: building $src_tar ($srcver) into $kdir" >&2
echo "build-debug-kernel: log in $log" >&2
start=$(date +%s)

rm -rf "$kdir"
mkdir -p "$kdir"
(
	set -euo pipefail
	cd "$kdir"
	tar -xJf "$src_tar" --strip-components=1
	make allnoconfig
	scripts/kconfig/merge_config.sh -m .config "$frag"
	make olddefconfig
	make -j"$jobs" bzImage modules
	make modules_prepare
	rm -rf .veer && mkdir -p .veer
	make INSTALL_MOD_PATH="$kdir/.veer" INSTALL_MOD_STRIP=1 modules_install
	# modules_install links build/ and source/ back to the tree; drop them so
	# the guest sees no dangling links.
	rel=$(make -s kernelrelease)
	rm -f ".veer/lib/modules/$rel/build" ".veer/lib/modules/$rel/source"
	cp arch/x86/boot/bzImage .veer/bzImage
	echo "$rel" >.veer/kernelrelease
) >"$log" 2>&1 || {
	tail -n 40 "$log" >&2
	die "build failed, see $log"
}

# Report fragment options the final .config did not honour (a symbol whose
# dependencies are missing is dropped silently by kconfig).
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) sym=${line%%=*}
		grep -q "^$sym=" "$kdir/.config" && { echo "build-debug-kernel: note: $line not honoured" >&2; missing=1; } ;;
	CONFIG_*=*) grep -qxF -- "$line" "$kdir/.config" ||
		{ echo "build-debug-kernel: note: $line not honoured ($(grep "^${line%%=*}=" "$kdir/.config" || echo unset))" >&2; missing=1; } ;;
	esac
done <"$frag"
[ "$missing" = 0 ] || echo "build-debug-kernel: (notes above are informational)" >&2

for want in CONFIG_KASAN=y CONFIG_PROVE_LOCKING=y CONFIG_DEBUG_KMEMLEAK=y CONFIG_UBSAN=y \
	CONFIG_BUG=y CONFIG_9P_FS=y CONFIG_OVERLAY_FS=y CONFIG_VIRTIO_PCI=y CONFIG_NET_9P_VIRTIO=y \
	CONFIG_SERIAL_8250_CONSOLE=y CONFIG_MODULES=y; do
	grep -qxF "$want" "$kdir/.config" || die "the built config lacks $want"
done

date -u +%FT%TZ >"$kdir/.veer/done"
ln -sfn "$(basename "$kdir")" "$cache/current"
# Drop stale builds (each is a few GB), keeping the previous one: a module
# build or guest run may still be using it.
# shellcheck disable=SC2012 # our own directory names
ls -1dt "$cache"/linux-*/ 2>/dev/null | tail -n +3 | while read -r d; do
	[ "${d%/}" != "$kdir" ] && rm -rf "${d%/}"
done
for l in "$cache"/build-*.log; do
	k=${l##*/build-}
	k=${k%.log}
	compgen -G "$cache/linux-*-$k" >/dev/null || rm -f "$l"
done
echo "build-debug-kernel: built $(cat "$kdir/.veer/kernelrelease") in $(( $(date +%s) - start )) s" >&2
echo "$kdir"
