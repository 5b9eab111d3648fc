#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module and namespace lifecycle: load/unload empty and with objects, with
# traffic flowing through a router namespace; namespaces created and deleted
# with objects in them; lazy hook registration; no leaked objects.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip socat
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
veer_load || skip_test "veer.ko not available"
veer_unload

objects() { cat /sys/module/veer/parameters/objects; }
stat_of() { # stat_of NS NAME
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/veer/stats
}

# 1. Load and unload, nothing configured, several times.
RET=0
for i in 1 2 3; do
	veer_load; check_err $? "load $i"
	[ -d /proc/net/veer ]; check_err $? "/proc/net/veer missing after load $i"
	veer_unload; check_err $? "unload $i"
	[ ! -d /sys/module/veer ]; check_err $? "module still present after unload $i"
done
log_test "load and unload with nothing configured"
log_info "t=${SECONDS}s"

# 2. Objects in the initial namespace and in two others, then unload.
RET=0
veer_load
setup_ns NSA NSB
for ns in "" "$NSA" "$NSB"; do
	n=${ns:+-n $ns}
	# shellcheck disable=SC2086
	{
	$VEER $n service add web addr 10.9.0.1 proto tcp port 80 &&
	$VEER $n service add dns addr 2001:db8::53 proto udp port 53 &&
	$VEER $n host add service web addr 10.9.1.1 weight 3 &&
	$VEER $n host add service web addr 10.9.1.2 &&
	$VEER $n host add service dns addr 2001:db8:1::1 &&
	$VEER $n peer add addr 10.9.2.1 role shadow
	}
	check_err $? "configure namespace '${ns:-init}'"
done
[ "$(objects)" -eq 18 ]; check_err $? "objects=$(objects), expected 18"
veer_unload; check_err $? "unload with objects configured"
[ ! -d /sys/module/veer ]; check_err $? "module still present"
log_test "unload with services, hosts and peers in three namespaces"
log_info "t=${SECONDS}s"

# 3. Namespace deletion frees that namespace's objects and nothing else.
RET=0
veer_load
setup_ns NSC
$VEER -n "$NSC" service add web addr 10.9.0.1 proto tcp port 80 &&
	$VEER -n "$NSC" host add service web addr 10.9.1.1 &&
	$VEER -n "$NSC" peer add addr 10.9.2.1
check_err $? "configure $NSC"
$VEER service add keep addr 10.8.0.1 proto tcp port 443
check_err $? "configure init"
[ "$(objects)" -eq 4 ]; check_err $? "objects=$(objects), expected 4"
cleanup_ns "$NSC"
slowwait 5 sh -c '[ "$(cat /sys/module/veer/parameters/objects)" -eq 1 ]'
check_err $? "objects=$(objects) after netns delete, expected 1"
$VEER -j service show | grep -q '"keep"'; check_err $? "init service lost"
$VEER service del keep; check_err $? "delete init service"
slowwait 5 sh -c '[ "$(cat /sys/module/veer/parameters/objects)" -eq 0 ]'
check_err $? "objects=$(objects) at the end, expected 0"
log_test "namespace delete frees its objects, no leak"
log_info "t=${SECONDS}s"

# 4. Hooks come with the first service and go with the last.
RET=0
setup_ns NSD
[ "$(stat_of "$NSD" hooks)" = 0 ]; check_err $? "hooks on before any service"
$VEER -n "$NSD" service add a addr 10.7.0.1 proto tcp port 80
[ "$(stat_of "$NSD" hooks)" = 1 ]; check_err $? "hooks off after first service"
$VEER -n "$NSD" service add b addr 10.7.0.2 proto udp
$VEER -n "$NSD" service del a
[ "$(stat_of "$NSD" hooks)" = 1 ]; check_err $? "hooks off with a service left"
$VEER -n "$NSD" service del b
[ "$(stat_of "$NSD" hooks)" = 0 ]; check_err $? "hooks on after last service"
log_test "hooks registered lazily and removed with the last service"
log_info "t=${SECONDS}s"

# 5. Unload while traffic flows through a router namespace.
RET=0
setup_ns CLI RTR SRV
add_veth "$CLI" eth0 10.1.0.2/24 "$RTR" eth0 10.1.0.1/24
add_veth "$RTR" eth1 10.2.0.1/24 "$SRV" eth0 10.2.0.2/24
in_ns "$CLI" ip route add default via 10.1.0.1
in_ns "$SRV" ip route add default via 10.2.0.1
in_ns "$RTR" sysctl -qw net.ipv4.ip_forward=1
$VEER -n "$RTR" service add web addr 10.2.0.2 proto tcp port 5001
check_err $? "service on router"
in_ns "$SRV" socat -u TCP-LISTEN:5001,reuseaddr,fork OPEN:/dev/null &
defer kill $!
busywait 3000 in_ns "$CLI" socat -u OPEN:/dev/null TCP:10.2.0.2:5001
# A stream that runs across the unload, then must finish cleanly.
in_ns "$CLI" sh -c 'head -c 20000000 /dev/zero | socat -u - TCP:10.2.0.2:5001' &
stream=$!
sleep 1
veer_unload; check_err $? "unload under traffic"
wait $stream; check_err $? "stream broken by unload"
log_test "unload with traffic flowing through the router"
log_info "t=${SECONDS}s"

ksft_exit
