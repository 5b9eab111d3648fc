#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow accounting accuracy.  Through a router namespace with conntrack
# accounting on (nf_conntrack_acct=1), iperf3 (TCP both ways, UDP) and socat
# (IPv4 upload, IPv6 download) transfers; for each data connection:
#
#  - veer's per-direction packet and byte counts (/proc/net/veer/flows)
#    equal conntrack's (conntrack -L -o extended in the router) EXACTLY.
#    Both count the same skbs at the same place: conntrack in
#    PRE_ROUTING at priority -200 (nf_conntrack_in -> nf_ct_acct_update,
#    skb->len, one per skb), veer right after it (priority -199, skb->len,
#    one per skb); a packet conntrack refuses (invalid) gets no ct and neither
#    counts it.  Both are read when the connection is quiet (TIME_WAIT, or
#    CLOSE after the RST iperf3 ends its data connections with; the close
#    timeout is raised so that the entry outlives the reading), and read
#    again until two readings agree.
#  - the payload veer implies equals what the application moved, within 1%.
#    veer counts IP bytes (skb->len at PRE_ROUTING: IP header on, no L2).
#    Each skb carries one IP + transport header (a GSO skb is one packet to
#    both veer and conntrack, its headers counted once), so the payload is
#        bytes - packets * H - S
#    with H = IP header + transport header: TCP 20 + 12 bytes of timestamp
#    option (Linux puts it on every segment once negotiated) = 52 over IPv4,
#    72 over IPv6; UDP 28; and S = 8, the SYN's (and SYN-ACK's) extra
#    options (MSS 4, SACK-permitted 2, timestamps 10, NOP + wscale 4 = 20
#    bytes, versus 12 on the other segments).  iperf3 adds 37 bytes of cookie
#    at the start of each TCP data connection (client to server), and UDP a
#    4-byte connect datagram each way.  iperf3 counts what the application
#    wrote (sender) and read (receiver); these differ by what the receiver
#    never read when the test ends with a RST, so windows are capped (-w 64K)
#    to keep that under 1% of the transfer, and veer's payload is checked
#    against both (plus, on a guest loaded enough to retransmit, an MSS per
#    segment the sender retransmitted).  socat moves a known number of bytes with a clean close:
#    veer's payload is exactly that, plus at most an MSS per segment the
#    sender retransmitted (its Tcp RetransSegs; retransmissions cross the
#    router again, and veth across two CPUs reorders enough to cause some).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip iperf3 socat conntrack jq
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer

flow_topo || skip_test "cannot build the topology"
in_ns "$RTR" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_tcp_timeout_close=120 \
	net.netfilter.nf_conntrack_tcp_timeout_time_wait=120 \
	net.netfilter.nf_conntrack_udp_timeout=120 \
	net.netfilter.nf_conntrack_udp_timeout_stream=120

RET=0
V="$VEER -n $RTR"
$V service add iperf-tcp addr 10.2.0.2 proto tcp port 5201 &&
	$V service add iperf-udp addr 10.2.0.2 proto udp port 5201 &&
	$V service add web4 addr 10.2.0.2 proto tcp port 8080 &&
	$V service add web6 addr 2001:db8:2::2 proto tcp port 8080
check_err $? "configure services"
r=$RET
log_test "configure services, conntrack accounting on"; log_info "t=${SECONDS}s"
[ "$r" -eq 0 ] || ksft_exit

in_ns "$SRV" iperf3 -s -D -I "/tmp/iperf3-$SRV.pid"
defer sh -c "kill \$(cat /tmp/iperf3-$SRV.pid) 2>/dev/null"
tmp=$(mktemp -d)
defer rm -rf "$tmp"
size=1000000
head -c $size /dev/urandom >"$tmp/blob"
in_ns "$SRV" socat -u TCP4-LISTEN:8080,reuseaddr OPEN:/dev/null &
defer kill $!
in_ns "$SRV" socat -u OPEN:"$tmp/blob" TCP6-LISTEN:8080,ipv6only=1,reuseaddr &
defer kill $!
slowwait 20 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":5201 " && ss -ltn | grep -q "0.0.0.0:8080 " && ss -ltn | grep -q "\]:8080 "'

# (Segments the sender retransmitted cross the router twice: counted
# around each TCP transfer, from the senders' Tcp RetransSegs.)
retrans() {
	ip netns exec "$1" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "RetransSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# The transfers, one after the other; every connection is read afterwards.
RET=0
ic0=$(retrans "$CLI")
in_ns "$CLI" iperf3 -c 10.2.0.2 --cport 41001 -n 4M -w 64K -J >"$tmp/up.json"
check_err $? "iperf3 TCP upload failed"
ic1=$(retrans "$CLI") is0=$(retrans "$SRV")
in_ns "$CLI" iperf3 -c 10.2.0.2 --cport 41002 -n 4M -w 64K -R -J >"$tmp/down.json"
check_err $? "iperf3 TCP download failed"
is1=$(retrans "$SRV")
in_ns "$CLI" iperf3 -c 10.2.0.2 -u --cport 41003 -b 4M -l 1000 -n 1000000 -J >"$tmp/udp.json"
check_err $? "iperf3 UDP failed"
rc0=$(retrans "$CLI")
in_ns "$CLI" socat -u OPEN:"$tmp/blob" TCP4:10.2.0.2:8080,sourceport=41004
check_err $? "socat IPv4 upload failed"
rc1=$(retrans "$CLI") rs0=$(retrans "$SRV")
in_ns "$CLI" socat -u TCP6:[2001:db8:2::2]:8080,sourceport=41005 OPEN:/dev/null
check_err $? "socat IPv6 download failed"
rs1=$(retrans "$SRV")
log_test "transfers: iperf3 TCP up/down (4 MiB), UDP (1000 x 1000 B), socat v4 up / v6 down ($size B)"
log_info "t=${SECONDS}s"

RET=0
vflows_py counts tcp:41001:5201 tcp:41002:5201 udp:41003:5201 \
	tcp:41004:8080 tcp:41005:8080 >"$tmp/counts"
check_err $? "veer or conntrack counts never stable (or a record is missing)"
declare -A V C
while read -r t vop vob vrp vrb cop cob crp crb _; do
	V[$t]="$vop $vob $vrp $vrb"
	C[$t]="$cop $cob $crp $crb"
done <"$tmp/counts"
declare -A names=([tcp:41001:5201]="iperf3 TCP upload" [tcp:41002:5201]="iperf3 TCP download"
       [udp:41003:5201]="iperf3 UDP" [tcp:41004:8080]="socat IPv4 upload"
       [tcp:41005:8080]="socat IPv6 download")
for t in tcp:41001:5201 tcp:41002:5201 udp:41003:5201 tcp:41004:8080 tcp:41005:8080; do
	log_info "${names[$t]} ($t): veer pkts bytes rpkts rbytes: ${V[$t]}; conntrack: ${C[$t]}"
	[ -n "${V[$t]}" ] && [ "${V[$t]}" = "${C[$t]}" ]
	check_err $? "${names[$t]}: veer (${V[$t]}) != conntrack (${C[$t]})"
	case ${V[$t]} in *-*|0\ *) check_err 1 "${names[$t]}: missing or empty record" ;; esac
done
log_test "every connection: veer's per-direction packets and bytes equal conntrack's exactly"
log_info "t=${SECONDS}s"

# payload BYTES PACKETS HDR: application bytes implied by the IP counts.
payload() {
	echo $(($1 - $2 * $3 - 8))
}
# (No process substitution: the guest has no /dev/fd.)
read -r up_sent up_rcvd down_sent down_rcvd udp_bytes udp_pkts udp_lost <<<"$(
	jq -sr '"\(.[0].end.sum_sent.bytes) \(.[0].end.sum_received.bytes) \(.[1].end.sum_sent.bytes) \(.[1].end.sum_received.bytes) \(.[2].end.sum.bytes) \(.[2].end.sum.packets) \(.[2].end.sum.lost_packets)"' \
		"$tmp/up.json" "$tmp/down.json" "$tmp/udp.json")"

RET=0
# Within 1% of iperf3's totals once what the sender retransmitted (at most
# one MSS, 1448 bytes, a segment) is taken off: a loaded guest
# retransmits, and veer rightly counts every segment that crossed.
iperf_ok() { # iperf_ok PAYLOAD TOTAL RETRANSMITTED
	local pl=$1 total=$2 r=$3 extra

	within_pct "$pl" "$total" 1 && return 0
	extra=$((pl - total))
	[ "$extra" -gt 0 ] && [ "$extra" -le $((r * 1448 + total / 100)) ]
}
read -r op ob rp rb <<<"${V[tcp:41001:5201]}"
pl=$(( $(payload "$ob" "$op" 52) - 37 )) r=$((ic1 - ic0))
log_info "iperf3 upload: sent $up_sent received $up_rcvd; veer payload (bytes - 52/pkt - 8 - 37 cookie) $pl; the client retransmitted $r segments"
iperf_ok "$pl" "$up_sent" "$r"; check_err $? "payload $pl not within 1% of sent $up_sent (+ $r retransmitted)"
iperf_ok "$pl" "$up_rcvd" "$r"; check_err $? "payload $pl not within 1% of received $up_rcvd (+ $r retransmitted)"
read -r op ob rp rb <<<"${V[tcp:41002:5201]}"
pl=$(payload "$rb" "$rp" 52) r=$((is1 - is0))
log_info "iperf3 download: sent $down_sent received $down_rcvd; veer reply payload (rbytes - 52/pkt - 8) $pl; the server retransmitted $r segments"
iperf_ok "$pl" "$down_sent" "$r"; check_err $? "payload $pl not within 1% of sent $down_sent (+ $r retransmitted)"
iperf_ok "$pl" "$down_rcvd" "$r"; check_err $? "payload $pl not within 1% of received $down_rcvd (+ $r retransmitted)"
log_test "iperf3 TCP: veer's payload within 1% of iperf3's sent and received totals (plus what was retransmitted)"

RET=0
read -r op ob rp rb <<<"${V[udp:41003:5201]}"
# One more datagram each way than iperf3's: the 4-byte connect messages.
pl=$((ob - 28 * op - 4))
log_info "iperf3 UDP: sent $udp_pkts datagrams, $udp_bytes bytes ($udp_lost lost); veer $op datagrams, payload (bytes - 28/dgram - 4) $pl"
within_pct "$((op - 1))" "$udp_pkts" 1; check_err $? "datagrams $((op - 1)) not within 1% of $udp_pkts"
within_pct "$pl" "$udp_bytes" 1; check_err $? "payload $pl not within 1% of $udp_bytes"
[ "$rp $rb" = "1 32" ]
check_err $? "reply direction: $rp packets $rb bytes, expected the 4-byte connect reply (1, 32)"
log_test "iperf3 UDP: veer's datagrams and payload within 1% of iperf3's"

RET=0
# What socat moved, plus at most one MSS per retransmitted segment (1448
# bytes over IPv4, 1428 over IPv6, timestamps on): exact when nothing was
# retransmitted.
read -r op ob rp rb <<<"${V[tcp:41004:8080]}"
pl=$(payload "$ob" "$op" 52) r=$((rc1 - rc0))
log_info "socat IPv4 upload: $size bytes; veer payload (bytes - 52/pkt - 8) $pl: $((pl - size)) more, the client retransmitted $r segments"
[ "$pl" -ge "$size" ] && [ "$pl" -le $((size + r * 1448)) ]
check_err $? "payload $pl outside [$size, $size + $r x 1448]"
read -r op ob rp rb <<<"${V[tcp:41005:8080]}"
pl=$(payload "$rb" "$rp" 72) r=$((rs1 - rs0))
log_info "socat IPv6 download: $size bytes; veer reply payload (rbytes - 72/pkt - 8) $pl: $((pl - size)) more, the server retransmitted $r segments"
[ "$pl" -ge "$size" ] && [ "$pl" -le $((size + r * 1428)) ]
check_err $? "payload $pl outside [$size, $size + $r x 1428]"
log_test "socat: veer's payload is the bytes moved plus what was retransmitted (IPv4 up, IPv6 down)"

RET=0
for c in no_conntrack flows_nomem bad_header; do
	v=$(vstat $c)
	[ "$v" = 0 ]; check_err $? "$c is $v"
done
log_test "no packet without conntrack, no allocation failure, no bad header"
log_info "runtime ${SECONDS}s"

ksft_exit
