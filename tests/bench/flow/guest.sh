#!/bin/bash
# Runs in the guest (tests/bench/flow/run.sh starts it): forwarding through
# a router namespace under four configurations, interleaved, same run:
#   none      no conntrack in the router namespace
#   ct        conntrack alone (an nft rule that uses it)
#   veer0     conntrack + veer tracking every flow at level 0
#   veer3     conntrack + veer with granularity up to level 3
# Workload: iperf3 UDP, 64-byte payloads, 8 parallel flows, as fast as the
# guest goes, for DUR seconds; the server's received packet rate is the
# figure.  Prints one "config round pps" line per run.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
source "$top/tests/selftests/lib.sh"
export PATH=$top/build/userspace:$PATH
DUR=${VEER_BENCH_DUR:-5}
ROUNDS=${VEER_BENCH_ROUNDS:-3}
require_veer

setup_ns CLI RTR SRV
add_veth "$CLI" eth0 10.1.0.2/24 "$RTR" eth0 10.1.0.1/24
add_veth "$RTR" eth1 10.2.0.1/24 "$SRV" eth0 10.2.0.2/24
in_ns "$CLI" ip route add default via 10.1.0.1
in_ns "$SRV" ip route add default via 10.2.0.1
in_ns "$RTR" sysctl -qw net.ipv4.ip_forward=1
in_ns "$SRV" iperf3 -s -D
sleep 1

configure() {
	veer -n "$RTR" service del bench 2>/dev/null
	veer -n "$RTR" config set gran-max-level 0 2>/dev/null
	in_ns "$RTR" nft flush ruleset
	case $1 in
	none) ;;
	ct)
		in_ns "$RTR" nft add table inet b
		in_ns "$RTR" nft add chain inet b fwd '{ type filter hook forward priority 0; }'
		in_ns "$RTR" nft add rule inet b fwd ct state established,new accept
		;;
	veer0 | veer3)
		veer -n "$RTR" service add bench addr 10.2.0.2 proto udp port 5201
		[ "$1" = veer3 ] && veer -n "$RTR" config set gran-max-level 3
		;;
	esac
}

run_one() {
	local out
	out=$(in_ns "$CLI" iperf3 -c 10.2.0.2 -u -b 0 -l 64 -P 8 -t "$DUR" -J 2>/dev/null)
	jq -r '.end.sum.packets - .end.sum.lost_packets' <<<"$out" 2>/dev/null |
		awk -v d="$DUR" '{ printf "%d\n", $1 / d }'
}

for r in $(seq "$ROUNDS"); do
	for c in none ct veer0 veer3; do
		configure "$c"
		echo "$c $r $(run_one)"
	done
done
in_ns "$RTR" cat /proc/net/veer/stats | grep -E '^(flows|aggregates|level)'
grep -E '^veer_(flow|flow_profile) ' /proc/slabinfo | awk '{ print "slab", $1, "objsize", $4 }'
