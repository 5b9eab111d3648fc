#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Traffic through a router namespace running veer: the service and
# namespace counters agree exactly with an nftables counter on the same
# hook, and every new connection is counted once (IPv4 and IPv6, TCP and
# UDP); traffic outside the service is not counted as the service's.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip socat nft jq
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer

setup_ns CLI RTR SRV
add_veth "$CLI" eth0 10.1.0.2/24,2001:db8:1::2/64 "$RTR" eth0 10.1.0.1/24,2001:db8:1::1/64
add_veth "$RTR" eth1 10.2.0.1/24,2001:db8:2::1/64 "$SRV" eth0 10.2.0.2/24,2001:db8:2::2/64
in_ns "$CLI" ip route add default via 10.1.0.1
in_ns "$CLI" ip -6 route add default via 2001:db8:1::1
in_ns "$SRV" ip route add default via 10.2.0.1
in_ns "$SRV" ip -6 route add default via 2001:db8:2::1
in_ns "$RTR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Let IPv6 duplicate address detection finish before traffic.
slowwait 10 in_ns "$CLI" ping -6 -c1 -W1 2001:db8:2::2 >/dev/null

# The reference: nftables counters in the router's prerouting, after
# conntrack, matching exactly what each service matches.
in_ns "$RTR" nft -f - <<'NFT'
table inet ref {
	chain pre {
		type filter hook prerouting priority -150; policy accept;
		ip daddr 10.2.0.2 tcp dport 8080 counter comment "web4"
		ip6 daddr 2001:db8:2::2 tcp dport 8080 counter comment "web6"
		ip daddr 10.2.0.0/24 udp dport 5353 counter comment "dns4"
	}
}
NFT

V="$VEER -n $RTR"
$V service add web4 addr 10.2.0.2 proto tcp port 8080 &&
	$V service add web6 addr 2001:db8:2::2 proto tcp port 8080 &&
	$V service add dns4 addr 10.2.0.0/24 proto udp port 5353
check_err $? "configure services" && log_test "configure services" || ksft_exit

in_ns "$SRV" socat -u TCP4-LISTEN:8080,reuseaddr,fork OPEN:/dev/null &
defer kill $!
in_ns "$SRV" socat -u TCP6-LISTEN:8080,ipv6only=1,reuseaddr,fork OPEN:/dev/null &
defer kill $!
in_ns "$SRV" socat -u UDP4-RECVFROM:5353,reuseaddr,fork OPEN:/dev/null &
defer kill $!
# Something that is not a service: must not count as one.
in_ns "$SRV" socat -u TCP4-LISTEN:9090,reuseaddr,fork OPEN:/dev/null &
defer kill $!
slowwait 10 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080" && ss -ltn | grep -q ":9090"'

RET=0
conns=7
for i in $(seq $conns); do
	in_ns "$CLI" sh -c "head -c $((i * 50000)) /dev/urandom | socat -u - TCP4:10.2.0.2:8080" || check_err 1 "v4 transfer $i"
	in_ns "$CLI" sh -c "head -c $((i * 50000)) /dev/urandom | socat -u - TCP6:[2001:db8:2::2]:8080" || check_err 1 "v6 transfer $i"
done
for i in 1 2 3; do
	in_ns "$CLI" sh -c "echo q$i | socat -u - UDP4-SENDTO:10.2.0.$((i + 1)):5353,sourceport=$((40000 + i))"
done
in_ns "$CLI" sh -c 'head -c 100000 /dev/zero | socat -u - TCP4:10.2.0.2:9090' ||
	check_err 1 "transfer to the non-service port"
log_test "transfers through the router"
sleep 1

svc_json=$($V -j -s service show)
nft_json=$(in_ns "$RTR" nft -j list chain inet ref pre)
nft_val() {
	jq -r ".nftables[] | select(.rule.comment? == \"$1\") | .rule.expr[] | select(.counter?) | .counter.$2" <<<"$nft_json"
}
svc_val() { jq -r ".[] | select(.name == \"$1\") | .stats.$2" <<<"$svc_json"; }

for s in web4 web6 dns4; do
	RET=0
	p=$(svc_val $s packets); b=$(svc_val $s bytes)
	np=$(nft_val $s packets); nb=$(nft_val $s bytes)
	log_info "$s: veer $p packets $b bytes, nft $np packets $nb bytes"
	[ "$p" -gt 0 ] && [ "$p" = "$np" ]; check_err $? "$s packets $p != nft $np"
	[ "$b" = "$nb" ]; check_err $? "$s bytes $b != nft $nb"
	log_test "$s: packets and bytes equal nftables' counter"
done

RET=0
[ "$(svc_val web4 conns)" = $conns ]; check_err $? "web4 conns $(svc_val web4 conns) != $conns"
[ "$(svc_val web6 conns)" = $conns ]; check_err $? "web6 conns $(svc_val web6 conns) != $conns"
[ "$(svc_val dns4 conns)" = 3 ]; check_err $? "dns4 conns $(svc_val dns4 conns) != 3"
log_test "each connection counted once"

RET=0
stat_of() { in_ns "$RTR" awk -v k="$1" '$1 == k { print $2 }' /proc/net/veer/stats; }
total=$(( $(svc_val web4 packets) + $(svc_val web6 packets) + $(svc_val dns4 packets) ))
[ "$(stat_of svc_packets)" = "$total" ]; check_err $? "svc_packets $(stat_of svc_packets) != $total"
[ "$(stat_of svc_conns)" = $((2 * conns + 3)) ]; check_err $? "svc_conns $(stat_of svc_conns)"
# Every packet the hooks saw: more than the services' (the 9090 transfer,
# replies, neighbour discovery).
[ "$(stat_of packets)" -gt "$total" ]; check_err $? "packets $(stat_of packets) <= $total"
s=$($V -j stats)
[ "$(jq .svc_packets <<<"$s")" = "$total" ]; check_err $? "veer stats disagrees with /proc"
log_test "/proc/net/veer/stats and veer stats agree with the services"

ksft_exit
