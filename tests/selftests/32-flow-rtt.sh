#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RTT estimates.  tc netem on the router's server-side link adds D = 20 ms,
# then 50 ms, to every round trip through the router.  For each D a new
# light request/response TCP flow (32 bytes out, the echo back, again at
# once: never more than one small segment in flight, so no queue builds up
# and every round trip is a clean sample) crosses the router, after 4 short
# connections from the next ports, and veer's
#
#   rtt_syn  (router sees the SYN .. the client's handshake ACK; the median
#            over the 5 connections, a single handshake is too noisy here)
#   rtt      (timestamp echoes: router to server and back, plus router to
#            client and back, each smoothed 7/8 old + 1/8 new)
#
# must be within 20% of what the client measures on the same connections
# (the median connect() time; the request-to-echo times, smoothed as veer
# and TCP do, 7/8 old + 1/8 new), and within 20% of D plus the base round
# trip measured without netem: ICMP ping's average for rtt_syn (the
# handshake is answered by the kernels at once), the client's smoothed
# request-to-echo time on the same kind of flow for rtt.  Both ends
# acknowledge what they read at once (TCP_QUICKACK), so that a timestamp
# echo is never held back by a delayed ACK or the next request: the echo
# leaves when the application reads, as the client's own measurement ends.
# When the client's own measurements with netem are not within 20% of
# D + base (a host so loaded that every wake-up of the client is late, or
# the debug kernel), neither is a reference: veer's values must then lie
# between D (no round trip can be shorter) and what the client measures,
# with 20% of slack each way.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip tc ping
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer
flow_topo || skip_test "cannot build the topology"

RET=0
$VEER -n "$RTR" service add echo addr 10.2.0.2 proto tcp port 8080
check_err $? "service add"
r=$RET
log_test "configure a service"
[ "$r" -eq 0 ] || ksft_exit

in_ns "$SRV" "$PY3" "$FLOWS_PY" echo-server 8080 &
defer kill $!
slowwait 60 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080 "'
tmp=$(mktemp -d)
defer rm -rf "$tmp"

# pingpong SPORT SECONDS: run the flow; sets APP (the client's median round
# trip, us), CONN (its connect() time, us) and VL (veer's record, read while
# the connection is open).
pingpong() {
	local sport=$1 secs=$2 out=$tmp/pp.$1 pid

	in_ns "$CLI" "$PY3" "$FLOWS_PY" pingpong 10.2.0.2 8080 "$sport" "$secs" 60 >"$out" &
	pid=$!
	slowwait $((secs + 90)) test -s "$out"
	VL=$(vflow " sport=$sport dport=8080 ")
	# rtt_syn: the median over this connection's handshake and those of
	# the 4 short connections pingpong opens first (SPORT+1..SPORT+4).
	SYN=$(vflow " sport=($sport|$((sport + 1))|$((sport + 2))|$((sport + 3))|$((sport + 4))) dport=8080 " |
		sed -n 's/.* rtt_syn=\([0-9]*\) .*/\1/p' | sort -n | sed -n 3p)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	read -r _ rounds _ APP _ _ _ CONN _ SRTT <"$out"
	log_info "sport $sport: connect $CONN us (median of 5), $rounds round trips, median $APP us, smoothed $SRTT us; veer: rtt_syn $SYN (median of 5), rtt $(kv "$VL" rtt)"
}

# close_to GOT WANT: |GOT - WANT| <= 20% of WANT.
close_to() {
	within_pct "$1" "$2" 20
}

# The base round trip, no netem.
RET=0
icmp_avg=$(in_ns "$CLI" ping -c 5 -i 0.2 -q 10.2.0.2 |
	awk -F/ '/^rtt|^round-trip/ { printf "%d\n", $5 * 1000 }')
pingpong 45000 2
base_app=$SRTT base_syn=$icmp_avg
[ -n "$base_syn" ] && [ -n "$base_app" ] && [ -n "$VL" ]
check_err $? "no base measurement (ICMP $base_syn us, ping-pong $base_app us, veer '$VL')"
log_info "base round trip: ICMP average $icmp_avg us, ping-pong smoothed $SRTT us (median $APP us), connect() median $CONN us"
log_test "base round trip measured without netem"

for d in 20 50; do
	RET=0
	if [ "$d" = 20 ]; then
		in_ns "$RTR" tc qdisc add dev eth1 root netem delay ${d}ms
	else
		in_ns "$RTR" tc qdisc change dev eth1 root netem delay ${d}ms
	fi
	check_err $? "tc netem delay ${d}ms"
	pingpong $((45000 + d)) 3
	[ -n "$VL" ]; check_err $? "no veer record for the ping-pong flow"
	syn=$SYN; rtt=$(kv "$VL" rtt)
	want_syn=$((d * 1000 + base_syn))
	want_rtt=$((d * 1000 + base_app))
	log_info "netem ${d} ms: rtt_syn (median) $syn us (want $want_syn +-20%), rtt $rtt us (want $want_rtt +-20%); the client: connect $CONN us, round trip smoothed $SRTT us, median $APP us"
	if close_to "$SRTT" "$want_rtt" && close_to "$CONN" "$want_syn"; then
		# The connection's own view: veer against the handshake time
		# and the round trips the client measures on the same
		# connections, smoothed the same way (an EWMA weighs the last
		# samples: TCG's occasional stalls move it, and the median,
		# much less).
		close_to "$syn" "$CONN"
		check_err $? "rtt_syn $syn us not within 20% of the client's connect() $CONN us"
		close_to "$rtt" "$SRTT"
		check_err $? "rtt $rtt us not within 20% of the client's smoothed round trip $SRTT us"
		log_test "netem ${d} ms: veer's rtt_syn and rtt within 20% of what the client measures"

		RET=0
		close_to "$syn" "$want_syn"
		check_err $? "rtt_syn $syn us not within 20% of $want_syn us"
		close_to "$rtt" "$want_rtt"
		check_err $? "rtt $rtt us not within 20% of $want_rtt us"
		log_test "netem ${d} ms: veer's rtt_syn and timestamp rtt within 20% of ${d} ms + base"
	else
		# The guest itself does not see D + base: an overloaded TCG
		# host (or the debug kernel) stretches every wake-up of the
		# client, which veer, timing packets in softirq, does not see.
		# Then the base measured without netem is no reference either:
		# veer must lie between the delay netem adds (no round trip
		# can be shorter) and what the client sees, 20% of slack each.
		log_info "the client measures connect $CONN us, round trip $SRTT us (smoothed): not within 20% of ${d} ms + base, the host is overloaded"
		[ "$syn" -ge $((d * 800)) ] && [ "$syn" -le $((CONN * 12 / 10)) ]
		check_err $? "rtt_syn $syn us not between 80% of $d ms and 120% of the client's $CONN us"
		[ "$rtt" -ge $((d * 800)) ] && [ "$rtt" -le $((SRTT * 12 / 10)) ]
		check_err $? "rtt $rtt us not between 80% of $d ms and 120% of the client's $SRTT us"
		log_test "netem ${d} ms: (overloaded host) veer's rtt_syn and rtt between ${d} ms and what the client measures"
	fi
done

log_info "runtime ${SECONDS}s"
ksft_exit
