#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 00-vm-sanity.sh - check the guest environment the other selftests rely on:
# modules for the running kernel, netns + veth, IPv4/IPv6 ping, nftables,
# conntrack, python3 sockets, tmpfs /run/netns, debugfs.

# shellcheck source=tests/selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping nft python3 modprobe

kver=$(uname -r)
log_info "kernel $kver, VEER_GUEST=${VEER_GUEST:-unset}"

RET=0
[ -d "/lib/modules/$kver" ]
check_err $? "no /lib/modules/$kver"
[ -f "/lib/modules/$kver/modules.dep" ]
check_err $? "no modules.dep for $kver"
log_test "uname -r ($kver) has a module directory"

RET=0
setup_ns A B
check_err $? "setup_ns failed"
[ -n "${A:-}" ] && [ -e "/run/netns/$A" ]
check_err $? "netns $A not in /run/netns"
[ "$(readlink -f /var/run/netns)" = "$(readlink -f /run/netns)" ]
check_err $? "/var/run/netns is not /run/netns"
log_test "netns creation (setup_ns)"

RET=0
add_veth "$A" veth0 "10.99.0.1/24,fd99::1/64" "$B" veth0 "10.99.0.2/24,fd99::2/64"
check_err $? "add_veth failed"
ping_ok "$A" 10.99.0.2
check_err $? "IPv4 ping A -> B failed"
busywait 5000 ping_ok "$B" fd99::1
check_err $? "IPv6 ping B -> A failed"
log_test "veth between namespaces, ping v4 and v6"

RET=0
modprobe nf_conntrack
check_err $? "modprobe nf_conntrack failed"
in_ns "$B" nft -f - <<'EOF'
table inet sanity {
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established counter
		ct state new icmp type echo-request accept
		ct state new icmpv6 type echo-request accept
	}
}
EOF
check_err $? "nft ruleset load failed"
ping_ok "$A" 10.99.0.2 3
check_err $? "ping through nft ruleset failed"
in_ns "$B" nft list ruleset | grep -q 'table inet sanity'
check_err $? "nft list ruleset lacks the table"
log_test "nftables ruleset in a netns"

RET=0
# An ICMP echo conntrack entry stays ~30 s: it must be visible now.
if command -v conntrack >/dev/null; then
	in_ns "$B" conntrack -L -p icmp 2>/dev/null | grep -q 'src=10.99.0.1'
	check_err $? "no conntrack entry for the ping"
elif [ -r /proc/net/nf_conntrack ]; then
	in_ns "$B" grep -q 'src=10.99.0.1' /proc/net/nf_conntrack
	check_err $? "no conntrack entry for the ping"
fi
log_test "conntrack tracks the ping"

RET=0
in_ns "$B" python3 - <<'EOF' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.99.0.2", 5999))
s.listen(1)
s.settimeout(20)
c, _ = s.accept()
c.sendall(c.recv(64).upper())
c.close()
EOF
srv=$!
defer kill "$srv"
out=$(in_ns "$A" python3 - <<'EOF'
import socket, time
for _ in range(100):
    try:
        s = socket.create_connection(("10.99.0.2", 5999), timeout=5)
        break
    except OSError:
        time.sleep(0.1)
s.sendall(b"veer")
print(s.recv(64).decode())
EOF
)
check_err $? "python3 client failed"
[ "$out" = VEER ]
check_err $? "python3 TCP echo returned '$out'"
wait "$srv"
check_err $? "python3 server failed"
log_test "python3 TCP across namespaces"

if [ "${VEER_GUEST:-0}" = 1 ]; then
	RET=0
	[ -d /sys/kernel/debug/tracing ] || [ -n "$(ls -A /sys/kernel/debug 2>/dev/null)" ]
	check_err $? "debugfs not mounted"
	touch /lib/modules/"$kver"/.veer-writable && rm -f /lib/modules/"$kver"/.veer-writable
	check_err $? "/lib/modules/$kver not writable (overlay)"
	log_test "guest: debugfs mounted, /lib/modules writable"
else
	log_test_skip "guest: debugfs mounted, /lib/modules writable" "not in the VM"
fi

ksft_exit
