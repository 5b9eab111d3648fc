#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The veer CLI against the real module: a round trip for every object, in
# text and in JSON (checked by a JSON parser), changes and deletes, events
# printed by `veer monitor`, -n NETNS, exit codes and the kernel's extack
# messages on errors.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd jq python3
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer
setup_ns NS
V="$VEER -n $NS"

# jget JSON FILTER: one value, failing on invalid JSON.
jget() { jq -er "$2" <<<"$1"; }
valid_json() { python3 -c 'import json,sys; json.load(sys.stdin)'; }

# ---- services
RET=0
$V service add web addr 192.0.2.10 proto tcp port 80 sched wrr table-size 101 \
	cookie pressure syn-threshold 5000 conn-threshold 900 latency-threshold 2500 \
	shift 20 flags persist
check_err $? "service add web"
$V service add dns6 addr 2001:db8:53::/48 proto udp
check_err $? "service add dns6"
j=$($V -j service show)
valid_json <<<"$j"; check_err $? "service show -j is not valid JSON"
[ "$(jget "$j" 'length')" = 2 ]; check_err $? "two services expected"
w='.[] | select(.name == "web")'
[ "$(jget "$j" "$w | .addr")" = 192.0.2.10 ] &&
	[ "$(jget "$j" "$w | .proto")" = tcp ] &&
	[ "$(jget "$j" "$w | .port")" = 80 ] &&
	[ "$(jget "$j" "$w | .sched")" = wrr ] &&
	[ "$(jget "$j" "$w | .table_size")" = 101 ] &&
	[ "$(jget "$j" "$w | .cookie")" = pressure ] &&
	[ "$(jget "$j" "$w | .syn_threshold")" = 5000 ] &&
	[ "$(jget "$j" "$w | .conn_threshold")" = 900 ] &&
	[ "$(jget "$j" "$w | .latency_threshold")" = 2500 ] &&
	[ "$(jget "$j" "$w | .shift")" = 20 ] &&
	[ "$(jget "$j" "$w | .flags[0]")" = persist ]
check_err $? "web's fields in JSON: $(jget "$j" "$w")"
d='.[] | select(.name == "dns6")'
[ "$(jget "$j" "$d | .addr")" = 2001:db8:53:: ] &&
	[ "$(jget "$j" "$d | .prefix_len")" = 48 ] &&
	[ "$(jget "$j" "$d | .port")" = 0 ] &&
	[ "$(jget "$j" "$d | .cookie")" = off ]
check_err $? "dns6's fields in JSON: $(jget "$j" "$d")"
t=$($V service show web)
grep -q '^web id [0-9]* addr 192.0.2.10 proto tcp port 80 sched wrr table-size 101 cookie pressure' <<<"$t"
check_err $? "text: $t"
t=$($V service show dns6)
grep -q 'addr 2001:db8:53::/48 proto udp' <<<"$t"; check_err $? "text: $t"
log_test "service add and show, text and JSON"

RET=0
$V service change web shift 50 cookie always; check_err $? "change"
$V service change web addr 192.0.2.10 proto tcp port 80 shift 10; check_err $? "change repeating the endpoint"
j=$($V -j service show web)
[ "$(jget "$j" '.[0].shift // .shift')" = 10 ] && [ "$(jget "$j" '.[0].cookie // .cookie')" = always ]
check_err $? "after change: $j"
out=$($V service change web port 81 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'cannot change' <<<"$out"; check_err $? "endpoint change: rc=$rc $out"
log_test "service change (settings yes, endpoint no)"

# ---- hosts
RET=0
$V host add service web addr 10.0.1.1 weight 5 && \
	$V host add service web addr 10.0.1.2 port 8080 state drain encap gue encap-port 7000 && \
	$V host add service dns6 addr 2001:db8:1::1
check_err $? "host add"
j=$($V -j host show)
valid_json <<<"$j"; check_err $? "host show -j invalid"
[ "$(jget "$j" 'length')" = 3 ]; check_err $? "3 hosts expected"
h='.[] | select(.addr == "10.0.1.2")'
[ "$(jget "$j" "$h | .service")" = web ] && [ "$(jget "$j" "$h | .port")" = 8080 ] &&
	[ "$(jget "$j" "$h | .state")" = drain ] && [ "$(jget "$j" "$h | .encap")" = gue ] &&
	[ "$(jget "$j" "$h | .encap_port")" = 7000 ] &&
	[ "$(jget "$j" '.[] | select(.addr == "10.0.1.1") | .weight')" = 5 ]
check_err $? "host fields: $j"
[ "$($V -j host show service dns6 | jq length)" = 1 ]; check_err $? "host show service dns6"
$V host change service web addr 10.0.1.1 weight 9 state down; check_err $? "host change"
t=$($V host show service web)
grep -q 'addr 10.0.1.1 .*weight 9 state down' <<<"$t"; check_err $? "text after change: $t"
$V host del service web addr 10.0.1.2 port 8080; check_err $? "host del"
[ "$($V -j host show service web | jq length)" = 1 ]; check_err $? "host not deleted"
[ "$($V -j service show web | jq -r '.[0].hosts // .hosts')" = 1 ]; check_err $? "service host count"
log_test "host add, change, show, del"

# ---- peers, config, stats
RET=0
$V peer add addr 10.9.9.9 role member port 6081 weight 3 && $V peer add addr fd00::9
check_err $? "peer add"
j=$($V -j peer show)
valid_json <<<"$j"; check_err $? "peer show -j invalid"
[ "$(jget "$j" '.[] | select(.addr == "10.9.9.9") | .role')" = member ] &&
	[ "$(jget "$j" '.[] | select(.addr == "10.9.9.9") | .port')" = 6081 ] &&
	[ "$(jget "$j" '.[] | select(.addr == "fd00::9") | .role')" = shadow ]
check_err $? "peer fields: $j"
$V peer change addr fd00::9 role member weight 7; check_err $? "peer change"
grep -q 'addr fd00::9 role member port 6080 weight 7' <<<"$($V peer show)"; check_err $? "peer text"
$V peer del addr 10.9.9.9; check_err $? "peer del"
[ "$($V -j peer show | jq length)" = 1 ]; check_err $? "peer not deleted"
log_test "peer add, change, show, del"

RET=0
$V config set flow-max 1000 track-all on gue-port 7777 event-rate 50 node-id 42
check_err $? "config set"
j=$($V -j config show)
valid_json <<<"$j"; check_err $? "config -j invalid"
[ "$(jget "$j" .flow_max)" = 1000 ] && [ "$(jget "$j" .track_all)" = true ] &&
	[ "$(jget "$j" .gue_port)" = 7777 ] && [ "$(jget "$j" .event_rate)" = 50 ] &&
	[ "$(jget "$j" .node_id)" = 42 ]
check_err $? "config fields: $j"
grep -q 'flow-max 1000 track-all on gue-port 7777 event-rate 50 node-id 42' <<<"$($V config show)"
check_err $? "config text"
$V config set track-all off
j=$($V -j stats)
valid_json <<<"$j"; check_err $? "stats -j invalid"
[ "$(jget "$j" .services)" = 2 ] && [ "$(jget "$j" .hosts)" = 2 ] && [ "$(jget "$j" .peers)" = 1 ]
check_err $? "stats gauges: $j"
# The same counters in /proc.
p=$(in_ns "$NS" awk '$1 == "services" { print $2 }' /proc/net/veer/stats)
[ "$p" = 2 ]; check_err $? "/proc services=$p"
log_test "config set/show and stats, text and JSON"

# ---- events
RET=0
mon=$VEER_TOP/build/scratch-monitor.$$
$V monitor >"$mon" 2>&1 &
mpid=$!
defer rm -f "$mon"
sleep 1
$V service add ev addr 198.51.100.1 proto udp port 53
$V host add service ev addr 10.0.2.1
$V service change ev shift 5
$V host del service ev addr 10.0.2.1
$V service del ev
slowwait 5 sh -c "[ \$(wc -l <'$mon') -ge 5 ]"
kill "$mpid"; wait "$mpid" 2>/dev/null
grep -q '^add service ev ' "$mon" && grep -q '^add host service ev addr 10.0.2.1' "$mon" &&
	grep -q '^change service ev .*shift 5' "$mon" && grep -q '^del host service ev' "$mon" &&
	grep -q '^del service ev ' "$mon"
check_err $? "monitor printed: $(cat "$mon")"
$V -j monitor >"$mon" 2>&1 &
mpid=$!
sleep 1
$V peer add addr 10.7.7.7
slowwait 5 sh -c "[ -s '$mon' ]"
kill "$mpid"; wait "$mpid" 2>/dev/null
head -n1 "$mon" | valid_json; check_err $? "monitor -j line not JSON: $(cat "$mon")"
log_test "veer monitor prints every change, text and JSON"

# ---- errors: exit codes and messages
RET=0
out=$($V service add web addr 192.0.2.99 proto tcp 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'File exists.*a service with this name exists' <<<"$out"; check_err $? "dup: $rc $out"
out=$($V service del nosuch 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'no such service' <<<"$out"; check_err $? "enoent: $rc $out"
out=$($V service add x addr 10.1.2.3/24 proto tcp 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'bits set beyond the prefix' <<<"$out"; check_err $? "host bits: $rc $out"
out=$($V service add x addr 10.1.2.3 proto tcp port 70000 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'invalid port "70000"' <<<"$out"; check_err $? "bad port: $rc $out"
out=$($V service ad x 2>&1); rc=$?
[ $rc = 1 ]; check_err $? "abbreviated command accepted: $rc $out"
out=$($V nosuchobject 2>&1); rc=$?
[ $rc = 1 ]; check_err $? "unknown object: $rc"
$V help >/dev/null && $V service help >/dev/null && $V host help >/dev/null
check_err $? "help exits 0"
out=$($VEER -n no-such-netns service show 2>&1); rc=$?
[ $rc = 2 ]; check_err $? "missing netns: $rc $out"
log_test "errors: exit status 1 for arguments, 2 with the kernel's message"

# ---- the other namespace saw nothing
RET=0
[ "$($VEER -j service show | jq '[.[] | select(.name == "web")] | length')" = 0 ]
check_err $? "init netns sees the test namespace's services"
log_test "-n NETNS acts only in that namespace"

ksft_exit
