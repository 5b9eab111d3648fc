#!/bin/bash
# build-module.sh KDIR OUTDIR [make args...]
# Builds veer.ko against KDIR in OUTDIR, a tree of symlinks to the sources,
# so that builds for several kernels can live side by side.
set -euo pipefail
kdir=$1
out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out/kmod" "$out/uapi/linux"
ln -sf "$top/Kbuild" "$out/Kbuild"
ln -sf "$top/uapi/linux/veer.h" "$out/uapi/linux/veer.h"
for f in "$top"/kmod/*.[ch]; do
	ln -sf "$f" "$out/kmod/$(basename "$f")"
done
# Drop links to sources that no longer exist.
find "$out/kmod" -xtype l -delete
make -C "$kdir" M="$out" "$@" modules
