#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow record lifetime.  A record lives as long as its conntrack entry and
# no longer, and nothing outlives the module or the namespace:
#
#  1. conntrack -D of an idle, established TCP connection in the router:
#     the record is gone within 3 s (veer's GC runs once a second), counted
#     in flows_reaped;
#  2. an unreplied UDP datagram with nf_conntrack_udp_timeout=3: the
#     record stays while conntrack keeps the entry and is gone within 3 s
#     of the entry's expiry (2.5 .. 6 s after the packet);
#  3. rmmod veer while an iperf3 transfer crosses the router: succeeds, the
#     transfer goes on to the end, the kernel log stays clean;
#  4. deleting the router namespace while flows are live (TCP and UDP):
#     its services are freed (/sys/module/veer/parameters/objects back to
#     0), the kernel log stays clean;
#  5. rmmod at the end: no "Slab cache still has objects" (the flow cache
#     is destroyed only when every record has been freed).
# The runner also fails the test on any WARN/BUG/KASAN splat.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip socat iperf3 conntrack dmesg
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer
flow_topo || skip_test "cannot build the topology"
tmp=$(mktemp -d)
defer rm -rf "$tmp"

objects() { cat /sys/module/veer/parameters/objects 2>/dev/null; }
slab_objs() { awk '$1 == "veer_flow" { print $2 }' /proc/slabinfo; }
# kmsg_since MARK: kernel log lines after the line holding MARK.
kmsg_since() { dmesg | sed -n "/$1/,\$p" | tail -n +2; }
bad_kmsg() { grep -E "still has objects|WARNING:|BUG:|Oops|Call Trace|general protection"; }

services() { # services NS
	$VEER -n "$1" service add tcp4 addr 10.2.0.2 proto tcp port 8080 &&
	$VEER -n "$1" service add udp4 addr 10.2.0.2 proto udp port 5353 &&
	$VEER -n "$1" service add iperf addr 10.2.0.2 proto tcp port 5201
}

RET=0
in_ns "$RTR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3
check_err $? "udp timeout"
services "$RTR"
check_err $? "service add"
r=$RET
log_test "configure services; UDP conntrack timeout 3 s"
[ "$r" -eq 0 ] || ksft_exit

in_ns "$SRV" socat TCP4-LISTEN:8080,reuseaddr,fork PIPE &
defer kill $!
in_ns "$SRV" socat -u UDP4-RECV:5353,reuseaddr OPEN:/dev/null &
defer kill $!
in_ns "$SRV" iperf3 -s -D -I "/tmp/iperf3-$SRV.pid"
defer sh -c "kill \$(cat /tmp/iperf3-$SRV.pid) 2>/dev/null"
slowwait 30 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080 " && ss -ltn | grep -q ":5201 "'

# 1. conntrack -D.
RET=0
in_ns "$CLI" "$PY3" "$FLOWS_PY" pingpong 10.2.0.2 8080 46001 1 300 >"$tmp/pp.out" &
pp=$!
defer kill $pp
slowwait 90 test -s "$tmp/pp.out"
check_err $? "ping-pong flow did not run"
reaped=$(vstat flows_reaped)
out=$(vflows_py wait-gone --cmd "conntrack -D -p tcp --orig-port-src 46001" 30 sport=46001 proto=6)
check_err $? "record not gone after conntrack -D: $out"
read -r _ gone _ _ <<<"$out"
log_info "conntrack -D: record gone after $gone ms ($out)"
[ "$gone" -ge 0 ] && [ "$gone" -le 3000 ]; check_err $? "gone after $gone ms, more than 3 s"
r2=$(vstat flows_reaped)
[ $((r2 - reaped)) = 1 ]; check_err $? "flows_reaped moved by $((r2 - reaped)), expected 1"
kill $pp 2>/dev/null
log_test "conntrack -D: record gone within 3 s, counted as reaped"

# 2. UDP timeout.
RET=0
vflows_py wait-gone --ready "$tmp/ready" 30 sport=46012 proto=17 >"$tmp/udp.out" &
wg=$!
slowwait 60 test -e "$tmp/ready"
echo x | in_ns "$CLI" socat -u - UDP4-SENDTO:10.2.0.2:5353,sourceport=46012
wait $wg
check_err $? "UDP record did not appear and go: $(cat "$tmp/udp.out")"
read -r _ _ _ since _ _ <"$tmp/udp.out"
log_info "UDP: record gone $since ms after the datagram ($(cat "$tmp/udp.out"))"
[ "$since" -ge 2500 ] && [ "$since" -le 6000 ]
check_err $? "gone $since ms after the datagram: expected 3 s timeout + at most 3 s"
log_test "UDP timeout (3 s): record kept while conntrack has the entry, gone within 3 s of expiry"

# 3. rmmod while a transfer runs.
RET=0
# Long enough to outlast the wait below on the (slow) debug kernel too.
secs=12
veer_debug_kernel && secs=45
in_ns "$CLI" iperf3 -c 10.2.0.2 -t $secs -b 20M --cport 46013 >"$tmp/iperf.out" 2>&1 &
ip3=$!
slowwait 60 sh -c "ip netns exec $RTR grep -q ' sport=46013 .* packets=[0-9][0-9][0-9]' /proc/net/veer/flows"
check_err $? "no record for the running transfer"
log_info "flows live before rmmod: $(vstat flows); veer_flow slab objects $(slab_objs)"
mark="veer-selftest-35-rmmod-$$"
echo "$mark" >/dev/kmsg
rmmod veer
check_err $? "rmmod veer failed with flows live"
[ ! -d /sys/module/veer ]; check_err $? "module still loaded"
kill -0 $ip3 2>/dev/null; check_err $? "iperf3 died with the module"
wait $ip3
check_err $? "iperf3 failed after the module left: $(tail -3 "$tmp/iperf.out")"
bad=$(kmsg_since "$mark" | bad_kmsg)
[ -z "$bad" ]; check_err $? "kernel log: $bad"
log_test "rmmod with a transfer running: succeeds, the transfer completes, clean log"

# 4. Namespace deletion with flows live.
RET=0
veer_load; check_err $? "reload veer"
[ "$(objects)" = 0 ]; check_err $? "objects=$(objects) after reload"
services "$RTR"; check_err $? "service add after reload"
in_ns "$CLI" iperf3 -c 10.2.0.2 -t 60 -b 10M --cport 46014 >/dev/null 2>&1 &
ip4=$!
defer kill $ip4
in_ns "$CLI" sh -c 'while :; do echo x; sleep 0.5; done | socat -u - UDP4-SENDTO:10.2.0.2:5353,sourceport=46015' &
udp=$!
defer kill $udp
slowwait 60 sh -c "ip netns exec $RTR grep -q ' sport=46014 .* packets=[0-9][0-9][0-9]' /proc/net/veer/flows &&
	ip netns exec $RTR grep -q ' udp .* sport=46015 ' /proc/net/veer/flows"
check_err $? "no live TCP and UDP records"
log_info "router namespace before deletion: flows $(vstat flows), objects $(objects), veer_flow slab objects $(slab_objs)"
mark="veer-selftest-35-netns-$$"
echo "$mark" >/dev/kmsg
cleanup_ns "$RTR"
slowwait 60 sh -c '[ "$(cat /sys/module/veer/parameters/objects)" = 0 ]'
check_err $? "objects=$(objects) after the namespace went, expected 0"
kill $ip4 $udp 2>/dev/null
sleep 1
bad=$(kmsg_since "$mark" | bad_kmsg)
[ -z "$bad" ]; check_err $? "kernel log: $bad"
log_info "after deletion: objects $(objects), veer_flow slab objects $(slab_objs)"
log_test "router namespace deleted with flows live: objects back to 0, clean log"

# 5. Unload: the flow cache must be empty when destroyed.
RET=0
mark="veer-selftest-35-final-$$"
echo "$mark" >/dev/kmsg
rmmod veer; check_err $? "final rmmod failed"
bad=$(kmsg_since "$mark" | bad_kmsg)
[ -z "$bad" ]; check_err $? "kernel log: $bad"
log_info "veer_flow in /proc/slabinfo after unload: '$(slab_objs)' (empty: destroyed)"
log_test "final rmmod: no 'Slab cache still has objects'"

log_info "runtime ${SECONDS}s"
ksft_exit
