#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP profile against a capture.  tcpdump on the router records the packets
# veer sees (those the router receives: PRE_ROUTING), while two
# request/response flows cross it:
#
#   A  IPv4, client with every option (MSS 1460, wscale 7, SACK, timestamps),
#      server with SACK off, a small receive buffer (wscale 2) and
#      advmss 1400;
#   B  IPv6, client with timestamps and window scaling off (MSS 1440, SACK),
#      so no timestamps and no scaling either way, and no SACK back.
#
# Once both are quiet, veer's record of each (netlink flow dump: per
# direction seq, ack, win, tsval, mss, wscale, opts) must match the capture
# read by tshark with raw sequence numbers: the last packet of each direction
# for seq, ack and the raw (unscaled) window; the SYN and the SYN-ACK for
# MSS, window scale, SACK-permitted and timestamps.  (veer's tsval is that
# of its current RTT probe, not necessarily the last one sent: logged.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip socat tcpdump tshark jq
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer
flow_topo || skip_test "cannot build the topology"

RET=0
$VEER -n "$RTR" service add echo4 addr 10.2.0.2 proto tcp port 8080 &&
	$VEER -n "$RTR" service add echo6 addr 2001:db8:2::2 proto tcp port 8080
check_err $? "service add"
# The server's side of the options.  Window scale follows the larger of
# tcp_rmem[2] and net.core.rmem_max (212992 by default): shift 2.
in_ns "$SRV" sysctl -qw net.ipv4.tcp_sack=0 net.ipv4.tcp_rmem="4096 65536 131072"
check_err $? "server sysctls"
in_ns "$SRV" ip route change default via 10.2.0.1 advmss 1400
check_err $? "server advmss"
r=$RET
log_test "configure services and the server's TCP options"
[ "$r" -eq 0 ] || ksft_exit

tmp=$(mktemp -d)
defer rm -rf "$tmp"
in_ns "$SRV" socat TCP4-LISTEN:8080,reuseaddr,fork PIPE &
defer kill $!
in_ns "$SRV" socat TCP6-LISTEN:8080,ipv6only=1,reuseaddr,fork PIPE &
defer kill $!
in_ns "$RTR" tcpdump -i any -U -n -s 200 -w "$tmp/cap.pcap" 'tcp port 8080' 2>"$tmp/tcpdump.err" &
tdpid=$!
defer kill $tdpid
slowwait 30 grep -q listening "$tmp/tcpdump.err"
slowwait 20 in_ns "$SRV" sh -c 'ss -ltn | grep -q "0.0.0.0:8080 " && ss -ltn | grep -q "\]:8080 "'

# Flow A, then flow B with the client's options changed.  Each keeps its
# connection open and idle once the exchange is over.
RET=0
in_ns "$CLI" "$PY3" "$FLOWS_PY" pingpong 10.2.0.2 8080 43001 1 120 3000 >"$tmp/a.out" &
apid=$!
defer kill $apid
slowwait 90 test -s "$tmp/a.out"
check_err $? "flow A did not run"
in_ns "$CLI" sysctl -qw net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0
in_ns "$CLI" "$PY3" "$FLOWS_PY" pingpong 2001:db8:2::2 8080 43011 1 120 3000 >"$tmp/b.out" &
bpid=$!
defer kill $bpid
slowwait 90 test -s "$tmp/b.out"
check_err $? "flow B did not run"
log_info "flow A: $(cat "$tmp/a.out"); flow B: $(cat "$tmp/b.out")"
# Quiet: let any delayed ACK go out (at most 200 ms) before reading.
sleep 1
vflows_py flows proto=6 dport=8080 >"$tmp/veer.json"
check_err $? "flow dump"
sleep 0.5
kill $tdpid	# TERM: a background job ignores SIGINT
wait $tdpid
log_test "two request/response flows captured on the router"

# veer: one line per flow and direction: CPORT DIR seq ack win tsval mss ws opts
jq -r '.[] | select(.sport == 43001 or .sport == 43011) | . as $f | [0, 1][] as $i | ["orig", "reply"][$i] as $d |
	[$f.sport, $i, $f[$d].seq, $f[$d].ack, $f[$d].win, ($f[$d].tsval // 0),
	 $f[$d].mss, $f[$d].wscale, $f[$d].opts] | map(tostring) | join(" ")' \
	"$tmp/veer.json" | sort >"$tmp/veer.txt"

# The capture: ingress packets only (what PRE_ROUTING sees); per client
# port and direction the last packet's seq, ack, win, tsval and the SYN's
# options, in the same layout.  opts: 1 SACK-permitted, 2 timestamps,
# 4 window scale (VEER_OPT_*).
tshark -r "$tmp/cap.pcap" -o tcp.relative_sequence_numbers:FALSE \
	-Y 'sll.pkttype == 0' -T fields -E 'separator=;' \
	-e tcp.srcport -e tcp.dstport -e tcp.seq -e tcp.ack -e tcp.window_size_value \
	-e tcp.options.timestamp.tsval -e tcp.flags.syn -e tcp.flags.ack \
	-e tcp.options.mss_val -e tcp.options.wscale.shift -e tcp.option_kind \
	2>/dev/null >"$tmp/cap.txt"
awk -F';' '
{
	if ($2 == 8080) { p = $1; d = 0 } else { p = $2; d = 1 }
	# (pingpong also opens short connections from other ports)
	if (p != 43001 && p != 43011) next
	k = p " " d
	seq[k] = $3; win[k] = $5; ts[k] = ($6 == "" ? 0 : $6)
	if ($8 == 1) ack[k] = $4; else if (!(k in ack)) ack[k] = 0
	if ($7 == 1) {
		n = split($11, kinds, ",")
		o = 0
		for (i = 1; i <= n; i++) {
			if (kinds[i] == 4) o += 1
			if (kinds[i] == 8) o += 2
			if (kinds[i] == 3) o += 4
		}
		mss[k] = ($9 == "" ? 0 : $9); ws[k] = ($10 == "" ? 0 : $10); opts[k] = o
	}
	seen[k] = 1
}
END {
	for (k in seen) {
		split(k, a, " "); o = a[1] " " (1 - a[2])
		# Scaling applies only when both sides offered it.
		w = (int(opts[k] / 4) % 2 && int(opts[o] / 4) % 2) ? ws[k] : 0
		print k, seq[k], ack[k], win[k], ts[k], mss[k], w, opts[k]
	}
}' "$tmp/cap.txt" | sort >"$tmp/capture.txt"

RET=0
log_info "fields: client-port direction(0 orig, 1 reply) seq ack win tsval mss wscale opts"
while read -r line; do log_info "veer:    $line"; done <"$tmp/veer.txt"
while read -r line; do log_info "capture: $line"; done <"$tmp/capture.txt"
[ "$(wc -l <"$tmp/capture.txt")" = 4 ]
check_err $? "the capture does not hold both directions of both flows"
for p in 43001 43011; do
	for d in 0 1; do
		v=$(grep "^$p $d " "$tmp/veer.txt")
		c=$(grep "^$p $d " "$tmp/capture.txt")
		read -r _ _ vseq vack vwin vts vmss vws vopts <<<"$v"
		read -r _ _ cseq cack cwin cts cmss cws copts <<<"$c"
		name="flow $p dir $d"
		[ -n "$v" ]; check_err $? "$name: no veer record"
		[ "$vseq $vack" = "$cseq $cack" ]
		check_err $? "$name: seq/ack veer $vseq/$vack, capture $cseq/$cack"
		[ "$vwin" = "$cwin" ]; check_err $? "$name: window veer $vwin, capture $cwin"
		# VEER_FDIR_TSVAL is the timestamp of the current RTT probe (the
		# first value not yet echoed), which can trail the last one sent:
		# logged, not compared.
		[ "$vts" = "$cts" ] || log_info "$name: tsval veer $vts, last in the capture $cts"
		[ "$vmss $vws $vopts" = "$cmss $cws $copts" ]
		check_err $? "$name: mss/wscale/opts veer $vmss/$vws/$vopts, capture $cmss/$cws/$copts"
	done
done
log_test "seq, ack, raw window, MSS, window scale, SACK and timestamps match the capture"

RET=0
# What the setup promises, so that the comparison above is not vacuous.
exp="43001 0 1460 7 7
43001 1 1400 2 6
43011 0 1440 0 1
43011 1 1440 0 0"
got=$(awk '{ print $1, $2, $7, $8, $9 }' "$tmp/veer.txt")
[ "$got" = "$exp" ]
check_err $? "options differ from the configured ones: $(tr '\n' ';' <<<"$got")"
log_test "the options are the configured, asymmetric ones (mss/wscale/opts per direction)"

log_info "runtime ${SECONDS}s"
ksft_exit
