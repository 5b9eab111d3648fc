#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Adaptive granularity.  With gran-max-level 3 and thresholds gran_bw 20000
# bytes/s per connection, gran_duration 1000 ms, gran_freq 600 new
# connections per minute, many short low-rate connections from one client
# collapse into its session, application and subnet aggregates, while a
# concurrent bulk transfer (from another subnet) stays tracked alone.
#
# When a flow qualifies (kmod/agg.c): a new flow joins one aggregate per
# level and is tracked at the highest level L such that the aggregates of
# levels 1..L all qualify *before it joins*: rate / active connections <
# gran_bw, expected duration (the larger of finished connections' average
# and live connections' average age) >= gran_duration, new connections per
# minute < gran_freq; all three computed by the GC once a second, from the
# second pass after the aggregate appeared.  A live flow moves too, at each
# pass: down to 0 at once when its own rate reaches gran_bw, up one level
# per pass once it is gran_duration old and the next aggregate's frequency
# is low.  So the traffic is built to make the outcome certain:
#
#  1. seed: 4 short connections (200 bytes each way) from 10.1.0.2 to the
#     service; they start at level 0 (no history) and, being slow, climb
#     to level 3; wait until all three aggregates qualify with an expected
#     duration of at least 3 x gran_duration (connections stay live, in
#     TIME_WAIT, for 120 s, so their age keeps the average up while young
#     ones join: it cannot fall under 1.8 s at the pace below);
#  2. bulk: a socat stream (8 Mbit/s, shaped) from 10.1.1.2, another
#     subnet, to a second service: its aggregates have no history, so it
#     starts at level 0, and its rate keeps it there;
#  3. 20 more short connections from 10.1.0.2, one per 150 ms (400 a minute
#     at most, under 600): each one is tracked at level 3 from its first
#     packet (level0..2 never move while they arrive: sampled every 50 ms).
#
# Then: the aggregates' connections, packets and bytes equal the sums of
# conntrack's accounting over the same connections (exact: veer's per-flow
# counts equal conntrack's, see 31-flow-accuracy.sh, and the GC folds them
# into every level), the level gauges read level0 1, level3 24, and the bulk
# flow's record says level 0.
#
#  4. a bulk transfer from 10.1.0.2 itself starts at level 3 (its aggregates
#     qualify) and must drop back to level 0 within a few GC passes, without
#     its profile then counting its own segments as out of window.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip socat jq tc
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer
flow_topo || skip_test "cannot build the topology"
# The bulk client's own subnet.
ip -n "$CLI" addr add 10.1.1.2/24 dev eth0 && ip -n "$RTR" addr add 10.1.1.1/24 dev eth0 ||
	skip_test "cannot add the second client subnet"
in_ns "$RTR" sysctl -qw net.netfilter.nf_conntrack_acct=1
tmp=$(mktemp -d)
defer rm -rf "$tmp"

RET=0
$VEER -n "$RTR" service add web addr 10.2.0.2 proto tcp port 8080 &&
	$VEER -n "$RTR" service add bulk addr 10.2.0.2 proto tcp port 9000
check_err $? "service add"
# Raw netlink (the CLI's names for these knobs may still change).
vflows_py config gran_max_level=3 gran_bw=20000 gran_duration=1000 \
	gran_freq=600 subnet_prefix4=24 app_port_span=1
check_err $? "config set (raw netlink)"
r=$RET
log_test "services and granularity thresholds"
[ "$r" -eq 0 ] || ksft_exit

# (ip netns exec directly: $! is then socat itself, which 4. stops.)
ip netns exec "$SRV" socat TCP4-LISTEN:8080,reuseaddr,fork PIPE &
echo_pid=$!
defer kill $echo_pid
in_ns "$SRV" socat -u TCP4-LISTEN:9000,reuseaddr OPEN:/dev/null &
defer kill $!
slowwait 20 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080 " && ss -ltn | grep -q ":9000 "'

# 1. Seed connections, then wait for the aggregates to have history.
RET=0
in_ns "$CLI" "$PY3" "$FLOWS_PY" conns 10.2.0.2 8080 4 100 200 44000 >/dev/null
check_err $? "seed connections"
vflows_py aggs-wait 10.1.0.2 1,2,3 60 3 >"$tmp/aggs0.json"
check_err $? "the seed aggregates never qualified: $(cat "$tmp/aggs0.json")"
log_info "seed aggregates: $(jq -c '[.[] | {level, active, rate, avg_duration, freq}]' "$tmp/aggs0.json")"
slowwait 20 sh -c "[ \"\$(ip netns exec $RTR awk '\$1 == \"level3\" { print \$2 }' /proc/net/veer/stats)\" = 4 ]"
check_err $? "the 4 seed flows did not climb to level 3 (level3=$(vstat level3))"
log_test "seed: 4 slow flows climb to level 3; their aggregates qualify at levels 1-3"

# 2. The bulk transfer, shaped so that it costs little CPU.
# (netem's rate where the kernel has no tbf: the debug guest's.)
in_ns "$CLI" tc qdisc add dev eth0 root tbf rate 8mbit burst 32kb latency 100ms 2>/dev/null ||
	in_ns "$CLI" tc qdisc add dev eth0 root netem rate 8mbit
check_err $? "cannot shape the bulk transfer (tbf or netem rate)"
VEER_SAMPLE_STOP=$tmp/stop VEER_SAMPLE_READY=$tmp/ready vflows_py sample-stats 120 50 level0 level1 level2 level3 flows \
	>"$tmp/sample.json" &
spl=$!
slowwait 60 test -e "$tmp/ready"
# It runs until the level check below is done (at most 120 s): checked
# after it ended, its rate would rightly have let it climb.
in_ns "$CLI" timeout 120 socat -u OPEN:/dev/zero TCP4:10.2.0.2:9000,bind=10.1.1.2:45000 &
bulk=$!
slowwait 30 sh -c "ip netns exec $RTR grep -q ' sport=45000 dport=9000 .* rate=[1-9]' /proc/net/veer/flows"
check_err $? "no bulk record with a rate"

# 3. The short connections, while the bulk runs.
RET=0
in_ns "$CLI" "$PY3" "$FLOWS_PY" conns 10.2.0.2 8080 20 150 200 44100 >/dev/null
check_err $? "short connections"
vflows_py flows sport=45000 >"$tmp/bulk-mid.json"
touch "$tmp/stop"
wait $spl
log_info "bulk transfer mid-run: $(jq -c '.[] | {level, rate, orig: .orig.bytes}' "$tmp/bulk-mid.json")"
log_info "gauges while the connections arrived: $(cat "$tmp/sample.json")"
read -r l0max l1max l2max l3first l3last <<<"$(jq -r '"\(.level0.max) \(.level1.max) \(.level2.max) \(.level3.first) \(.level3.last)"' "$tmp/sample.json")"
[ "$l0max" = 1 ]; check_err $? "level0 reached $l0max: a short connection was tracked alone"
[ "$l1max" = 0 ] && [ "$l2max" = 0 ]
check_err $? "level1/level2 reached $l1max/$l2max: a short connection stopped below level 3"
[ "$l3first" = 4 ] && [ "$l3last" = 24 ]
check_err $? "level3 went from $l3first to $l3last, expected 4 to 24"
log_test "20 short connections tracked at level 3 from their first packet (level0 only ever the bulk)"

RET=0
[ "$(jq -r '.[0].level' "$tmp/bulk-mid.json")" = 0 ]
check_err $? "bulk flow at level $(jq -r '.[0].level' "$tmp/bulk-mid.json") while running"
# Settle: the last packets are folded into the aggregates by the next GC
# passes (once a second).
sleep 3
vflows_py flows >"$tmp/flows.json"
jq -e '[.[] | select(.sport == 45000)] | length == 1 and .[0].level == 0' "$tmp/flows.json" >/dev/null
check_err $? "bulk flow not at level 0 at the end"
n3=$(jq '[.[] | select(.saddr4 == "10.1.0.2" and .dport == 8080 and .level == 3)] | length' "$tmp/flows.json")
[ "$n3" = 24 ]; check_err $? "$n3 of the 24 short flows at level 3"
g0=$(vstat level0) g1=$(vstat level1) g2=$(vstat level2) g3=$(vstat level3)
log_info "gauges: level0 $g0 level1 $g1 level2 $g2 level3 $g3 flows $(vstat flows)"
[ "$g0 $g1 $g2 $g3" = "1 0 0 24" ]
check_err $? "level gauges $g0 $g1 $g2 $g3, expected 1 0 0 24"
log_test "bulk transfer stays at level 0; gauges level0 1, level3 24"

# The bulk ends now (timeout passes SIGTERM on to socat: a clean close);
# the GC folds its last packets into the aggregates within two passes.
pkill -TERM -f "TCP4:10.2.0.2:9000,bind=10.1.1.2:45000"
wait $bulk
sleep 3

RET=0
vflows_py aggs >"$tmp/aggs.json"
read -r cn cp cb <<<"$(vflows_py ctsum src=10.1.0.2 dport=8080 proto=tcp)"
read -r bn bp bb <<<"$(vflows_py ctsum src=10.1.1.2 dport=9000 proto=tcp)"
log_info "conntrack: client 10.1.0.2 -> :8080: $cn connections, $cp packets, $cb bytes; bulk: $bn, $bp, $bb"
agg() { # agg ADDR LEVEL: "conns active packets bytes" of that aggregate
	jq -r --arg a "$1" --argjson l "$2" '.[] | select(.addr4 == $a and .level == $l) |
		"\(.conns) \(.active) \(.packets) \(.bytes)"' "$tmp/aggs.json"
}
for spec in "10.1.0.2 1 session" "10.1.0.2 2 application" "10.1.0.0 3 subnet"; do
	read -r a l name <<<"$spec"
	got=$(agg "$a" "$l")
	log_info "$name aggregate of 10.1.0.2 ($a, level $l): conns active packets bytes = $got"
	[ "$got" = "$cn $cn $cp $cb" ]
	check_err $? "$name aggregate: '$got', expected '$cn $cn $cp $cb' (conntrack)"
done
[ "$cn" = 24 ]; check_err $? "conntrack has $cn short connections, expected 24"
got=$(agg 10.1.1.2 1)
[ "$got" = "$bn $bn $bp $bb" ]
check_err $? "bulk's session aggregate: '$got', expected '$bn $bn $bp $bb'"
got=$(agg 10.1.1.0 3)
[ "$got" = "$bn $bn $bp $bb" ]
check_err $? "bulk's subnet aggregate: '$got', expected '$bn $bn $bp $bb'"
log_test "aggregates' connections, packets and bytes equal conntrack's sums"

# 4. A bulk transfer that starts inside the qualifying aggregates: tracked
# at level 3 from its SYN (nothing tells a bulk SYN from a slow one), it
# must drop back to level 0 at the next GC passes once its own rate shows,
# and be profiled correctly from then on: in particular nothing it sends is
# counted out of window (the profile that level 0 gets back mid-connection
# has never seen the handshake's window scale).
RET=0
# A sink on the service port now (the short connections are over), so that
# the bulk ends with a plain FIN.
kill "$echo_pid"
slowwait 20 in_ns "$SRV" sh -c '! ss -ltn | grep -q ":8080 "'
ip netns exec "$SRV" socat -u TCP4-LISTEN:8080,reuseaddr,fork OPEN:/dev/null &
defer kill $!
slowwait 20 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080 "'
rm -f "$tmp/stop" "$tmp/ready"
VEER_SAMPLE_STOP=$tmp/stop VEER_SAMPLE_READY=$tmp/ready \
	vflows_py watch-level 120 sport=45100 >"$tmp/levels" &
wl=$!
slowwait 60 test -e "$tmp/ready"
oow0=$(vstat out_of_window)
in_ns "$CLI" timeout 6 socat -u OPEN:/dev/zero TCP4:10.2.0.2:8080,sourceport=45100
sleep 1
touch "$tmp/stop"
wait $wl
last=$(vflow " sport=45100 ")
oow1=$(vstat out_of_window)
levels=$(cat "$tmp/levels")
log_info "bulk inside the aggregates: levels seen: $levels; at the end: mss=$(kv "$last" mss) wscale=$(kv "$last" wscale) opts=$(kv "$last" opts); out_of_window +$((oow1 - oow0))"
[ "$levels" = "3 0" ]; check_err $? "the bulk flow went through levels '$levels', expected '3 0'"
[ "$oow1" = "$oow0" ]; check_err $? "out_of_window +$((oow1 - oow0)) for a clean transfer after its return to level 0"
log_test "a bulk transfer born in a level-3 aggregate returns to level 0, with no out-of-window count"

log_info "runtime ${SECONDS}s"
ksft_exit
