#!/bin/bash
# dkms.sh {install|remove|check} VERSION [KVER]
#   install  copy the module sources to /usr/src/veer-VERSION, then
#            dkms add, build and install for KVER (default: every kernel
#            with headers)
#   remove   dkms remove every build of veer/VERSION and the sources
#   check    add and build for KVER (default: the newest 6.1) and verify the
#            built module's vermagic, then remove it all again: what CI runs
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:?usage: dkms.sh install|remove|check VERSION [KVER]}
ver=${2:?version}
src=/usr/src/veer-$ver

want=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
if [ "$want" != "$ver" ]; then
	echo "dkms.sh: dkms.conf says $want, Makefile says $ver" >&2
	exit 1
fi

copy_sources() {
	rm -rf "$src"
	mkdir -p "$src/kmod" "$src/uapi/linux"
	cp "$top/dkms.conf" "$top/Kbuild" "$src/"
	cp "$top"/kmod/*.[ch] "$src/kmod/"
	cp "$top/uapi/linux/veer.h" "$src/uapi/linux/"
}

remove_all() {
	if dkms status -m veer -v "$ver" 2>/dev/null | grep -q veer; then
		dkms remove -m veer -v "$ver" --all >/dev/null
	fi
	rm -rf "$src"
}

kernels() {
	if [ -n "${1:-}" ]; then
		echo "$1"
	else
		for d in /lib/modules/*/build; do basename "$(dirname "$d")"; done
	fi
}

case $cmd in
install)
	remove_all
	copy_sources
	dkms add -m veer -v "$ver"
	for k in $(kernels "${3:-}"); do
		dkms build -m veer -v "$ver" -k "$k"
		dkms install -m veer -v "$ver" -k "$k"
	done
	;;
remove)
	remove_all
	;;
check)
	k=${3:-$(ls -d /lib/modules/6.1.*/build | sort -V | tail -n1 | xargs dirname | xargs basename)}
	remove_all
	copy_sources
	trap remove_all EXIT
	dkms add -m veer -v "$ver" >/dev/null
	dkms build -m veer -v "$ver" -k "$k"
	ko=/var/lib/dkms/veer/$ver/$k/x86_64/module/veer.ko
	[ -f "$ko" ] || ko=$(find /var/lib/dkms/veer/"$ver"/"$k" -name 'veer.ko*' | head -n1)
	vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	if [ "$vm" != "$k" ]; then
		echo "dkms.sh: built for $vm, wanted $k" >&2
		exit 1
	fi
	echo "dkms.sh: veer $ver builds through DKMS for $k"
	;;
*)
	echo "usage: dkms.sh install|remove|check VERSION [KVER]" >&2
	exit 1
	;;
esac
