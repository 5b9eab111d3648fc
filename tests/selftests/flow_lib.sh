# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# flow_lib.sh - shared pieces of the flow-tracking selftests (3x-flow-*.sh).
# Source it after lib.sh:
#
#     source "$(dirname "$0")/lib.sh"
#     source "$(dirname "$0")/flow_lib.sh"
#
#   flow_topo           client -- router -- server, IPv4 and IPv6:
#                         $CLI eth0 10.1.0.2/24 2001:db8:1::2/64
#                         $RTR eth0 10.1.0.1/24 2001:db8:1::1/64
#                         $RTR eth1 10.2.0.1/24 2001:db8:2::1/64
#                         $SRV eth0 10.2.0.2/24 2001:db8:2::2/64
#                       forwarding on in $RTR, default routes, IPv6 reachable
#   FLOWS_PY            path of veer_flows.py (raw netlink: flows, aggs, config)
#   vflows_py ARGS...   /usr/bin/python3 veer_flows.py --netns $RTR ARGS...
#   vstat NAME          one counter of $RTR's /proc/net/veer/stats
#   vflow PATTERN       the /proc/net/veer/flows line(s) of $RTR matching the
#                       extended regex PATTERN (e.g. ' sport=40001 ')
#   kv LINE KEY [N]     value of the N-th (default 1st) "KEY=value" in LINE
#   ct_line ARGS...     conntrack -L -o extended in $RTR, filtered by ARGS
#                       (conntrack's own options), first line
#   ct_fields LINE      "opkts obytes rpkts rbytes" of a conntrack line
#   v_fields LINE       "opkts obytes rpkts rbytes" of a veer flows line
#   within_pct A B PCT  |A - B| <= PCT% of B (integers; PCT may be 0.5)

FLOWS_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/veer_flows.py"
# The system python has scapy and the netlink helpers need nothing else.
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=python3

flow_topo() {
	setup_ns CLI RTR SRV || return 1
	add_veth "$CLI" eth0 10.1.0.2/24,2001:db8:1::2/64 \
		"$RTR" eth0 10.1.0.1/24,2001:db8:1::1/64 || return 1
	add_veth "$RTR" eth1 10.2.0.1/24,2001:db8:2::1/64 \
		"$SRV" eth0 10.2.0.2/24,2001:db8:2::2/64 || return 1
	in_ns "$CLI" ip route add default via 10.1.0.1 &&
	in_ns "$CLI" ip -6 route add default via 2001:db8:1::1 &&
	in_ns "$SRV" ip route add default via 10.2.0.1 &&
	in_ns "$SRV" ip -6 route add default via 2001:db8:2::1 &&
	in_ns "$RTR" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 || return 1
	slowwait 10 in_ns "$CLI" ping -c1 -W1 10.2.0.2 >/dev/null &&
	slowwait 10 in_ns "$CLI" ping -6 -c1 -W1 2001:db8:2::2 >/dev/null
}

vflows_py() {
	"$PY3" "$FLOWS_PY" --netns "$RTR" "$@"
}

vstat() {
	in_ns "$RTR" awk -v k="$1" '$1 == k { print $2 }' /proc/net/veer/stats
}

vflow() {
	in_ns "$RTR" cat /proc/net/veer/flows | grep -E -- "$1"
}

# Bash only (no fork): process creation is slow in a TCG guest.
kv() {
	local key=$2 n=${3:-1} w i=0 words

	read -ra words <<<"$1"
	for w in "${words[@]}"; do
		if [ "${w%%=*}" = "$key" ]; then
			i=$((i + 1))
			[ "$i" -eq "$n" ] && { echo "${w#*=}"; return 0; }
		fi
	done
	return 1
}

ct_line() {
	in_ns "$RTR" conntrack -L -o extended "$@" 2>/dev/null | head -n1
}

ct_fields() {
	echo "$(kv "$1" packets 1) $(kv "$1" bytes 1) $(kv "$1" packets 2) $(kv "$1" bytes 2)"
}

v_fields() {
	echo "$(kv "$1" packets) $(kv "$1" bytes) $(kv "$1" rpackets) $(kv "$1" rbytes)"
}

within_pct() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN {
		d = a - b; if (d < 0) d = -d
		exit !(b != 0 && d * 100 <= p * b)
	}'
}
