#!/bin/bash
# Install every Debian package veer needs to build, test and demo.
# Idempotent; run as root on Debian 12 (bookworm).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: must run as root (apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# bookworm-backports carries the 6.12 LTS kernel images and headers.  We only
# ever install named 6.12 packages from it; enabling the suite does not move
# the linux-image-amd64 meta-package because backports are pinned low.
if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat >/etc/apt/sources.list.d/veer-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

stamp=/var/lib/veer-deps.stamp
want="$(sha1sum "$0" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ "${VEER_DEPS_FORCE:-0}" != 1 ]; then
	exit 0
fi

apt-get update -q

pkgs=(
	build-essential pkg-config bc bison flex libelf-dev libssl-dev cpio kmod
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	dkms sparse
	libnl-3-dev libnl-genl-3-dev libcmocka-dev libjson-c-dev
	qemu-system-x86 busybox-static
	iproute2 nftables iptables conntrack conntrackd ipvsadm ethtool
	iperf3 socat ncat curl nginx-light tcpdump tshark hping3 python3-scapy netsniff-ng
	jq python3 python3-yaml gnuplot-nox bash-completion xz-utils
	iputils-ping zstd shellcheck procps psmisc
)
apt-get install -y -q --no-install-recommends "${pkgs[@]}"

# Newest 6.12 image+headers from bookworm-backports, named explicitly.
ver=$(apt-cache search --names-only '^linux-image-6\.12\.' | awk '{print $1}' |
	grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' | sort -V | tail -n1 |
	sed -e 's/^linux-image-//')
if [ -n "$ver" ]; then
	apt-get install -y -q --no-install-recommends -t bookworm-backports \
		"linux-image-$ver" "linux-headers-$ver"
else
	echo "install-deps: no 6.12 kernel in bookworm-backports; 6.12 runs will be skipped" >&2
fi

echo "$want" >"$stamp"
