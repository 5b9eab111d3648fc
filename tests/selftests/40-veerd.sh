#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# veerd against the real module, with real traffic (nginx behind the
# router, a connection-rate generator in front of it):
#
#  - --dry-run logs its decisions and applies none;
#  - at start veerd applies what is configured (the shadow router, the
#    granularity) and its health checks take an unreachable host out of
#    the pool (state down in the module) while the real one stays up;
#  - the new-connection rate of the service ramps from 2/s towards 3x its
#    threshold: veerd shifts a share of new flows to the shadow BEFORE the
#    measured rate reaches the threshold (the sampled rate at the moment
#    the shift appears is below it, and the first sample at or above it
#    comes later), with the prediction as its logged reason;
#  - when the load stops, the share comes down by one point per cycle;
#  - a long-lived connection gets a lease;
#  - `veer policy show` / `veer predict show` print what veerd believes,
#    in text and JSON;
#  - SIGHUP reloads a changed file, and keeps the running configuration
#    when the new file has an error (reported as file:line);
#  - the module reloaded under veerd: veerd says so and re-applies its
#    state; veerd killed: the module keeps forwarding.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip nginx jq curl
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
VEERD=$VEER_TOP/build/veerd/veerd
[ -x "$VEERD" ] || skip_test "veerd not built"
require_veer

tmp=$(mktemp -d)
defer rm -rf "$tmp"
LOAD="$PY3 $(cd "$(dirname "$0")" && pwd)/veerd_load.py"
THRESH=20
# The KASAN + lockdep kernel makes connections several times slower.
veer_debug_kernel && THRESH=8
REPORT_KEY=veer-selftest-report-key-0001
REPORT=$VEER_TOP/build/veerd/veerd-report

flow_topo || { check_err 1 "topology"; log_test "topology"; ksft_exit; }
V="$VEER -n $RTR"

# vjq FILTER ARGS...: `veer -j ARGS` in the router gives a document on which
# FILTER is true (an empty or failed output is not: jq 1.6 -e passes on
# empty input).
vjq() {
	local f=$1 out
	shift
	out=$($V -j "$@") && [ -n "$out" ] || return 1
	[ "$(jq -r "$f" <<<"$out" 2>/dev/null)" = true ]
}
# jtrue FILE FILTER: the same for a JSON file.
jtrue() {
	[ -s "$1" ] && [ "$(jq -r "$2" "$1" 2>/dev/null)" = true ]
}

mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log stderr;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx;
	proxy_temp_path $tmp/nginx;
	fastcgi_temp_path $tmp/nginx;
	uwsgi_temp_path $tmp/nginx;
	scgi_temp_path $tmp/nginx;
	server {
		listen 8080 reuseport backlog=4096;
		keepalive_timeout 600;
		location / { return 200 "ok\n"; }
	}
}
EOF
in_ns "$SRV" nginx -e stderr -p "$tmp/nginx" -c "$tmp/nginx.conf" 2>"$tmp/nginx.err" &
defer kill $!
slowwait 15 in_ns "$CLI" curl -sf -o /dev/null http://10.2.0.2:8080/
check_err $? "nginx did not answer: $(cat "$tmp/nginx.err")"

$V service add web addr 10.2.0.2 proto tcp port 8080 &&
	$V host add service web addr 10.2.0.2 port 8080 weight 1 &&
	$V host add service web addr 10.2.0.3 port 8080 weight 1
check_err $? "service and hosts"
log_test "nginx behind the router, service web with two hosts"
[ "$RET" -eq 0 ] || ksft_exit

# Config: a horizon of 20 s, a fixed threshold of $THRESH new connections/s.
write_conf() { # write_conf SHADOW_WEIGHT
	cat >"$tmp/veerd.conf" <<EOF
interval 1s
horizon 20s
min-lead 5s
breach-probability 50%
models ewma holt ar
select-min 5
anomaly-warmup 20
# Surges smaller than 30% of the threshold are not anomalies: the shift
# below must come from the prediction.
anomaly-floor 30%
threshold-min-samples 1000000
lease-renew-threshold 500ms
lease-renew-ahead 2s
lease-confidence 20%
health-interval 1s
health-timeout 0.8s
health-rise 2
health-fall 2
granularity-levels 2
granularity-duration 5s
report-port 7400
report-key "$REPORT_KEY"

[service web]
load-threshold $THRESH
dynamic-threshold no
latency-threshold 100ms
shift yes

[host web 10.2.0.2:8080]
probe load
probe-request "GET / HTTP/1.1\r\nHost: web\r\n\r\n"
probe-expect "200 OK"
probe-count 2

[host web 10.2.0.3:8080]
probe tcp

[shadow 10.1.0.100]
weight $1
EOF
}
write_conf 1

RET=0
"$VEERD" -t -c "$tmp/veerd.conf" >"$tmp/t.out" 2>&1
check_err $? "veerd -t refused the configuration: $(cat "$tmp/t.out")"
in_ns "$RTR" "$VEERD" -f -n -c "$tmp/veerd.conf" -s "$tmp/state-dry" --cycles 4 \
	>"$tmp/dry.log" 2>&1
check_err $? "veerd --dry-run failed: $(tail -3 "$tmp/dry.log")"
grep -q "dry-run: would add shadow 10.1.0.100" "$tmp/dry.log"
check_err $? "dry run did not log the shadow it would add: $(cat "$tmp/dry.log")"
vjq 'length >= 0 and all(.[]; .addr != "10.1.0.100")' peer show ||
	[ -z "$($V peer show)" ]
check_err $? "dry run added the shadow anyway: $($V peer show)"
log_test "--dry-run logs decisions and applies none"

# Not through in_ns (a function: \$! would be a subshell's): ip netns exec
# execs veerd, so \$! is veerd's pid, for the signals below.
ip netns exec "$RTR" "$VEERD" -f -v -c "$tmp/veerd.conf" -s "$tmp/state" >"$tmp/veerd.log" 2>&1 &
vpid=$!
defer kill $vpid

RET=0
slowwait 15 vjq 'any(.[]; .addr == "10.1.0.100" and .role == "shadow")' peer show
check_err $? "the shadow was not added: $($V peer show)"
slowwait 10 vjq '(if type == "array" then .[0] else . end).gran_max_level == 2' config show
check_err $? "granularity not applied: $($V config show)"
log_test "veerd applies the configured shadow and granularity"

RET=0
host_state() { $V -j host show service web | jq -r ".[] | select(.addr == \"$1\") | .state"; }
slowwait 20 vjq 'any(.[]; .addr == "10.2.0.3" and .state == "down")' host show service web
check_err $? "the unreachable host 10.2.0.3 is $(host_state 10.2.0.3), not down"
[ "$(host_state 10.2.0.2)" = up ]
check_err $? "the real host 10.2.0.2 is $(host_state 10.2.0.2), not up"
grep -q "host web 10.2.0.3:8080 leaves the pool" "$tmp/veerd.log"
check_err $? "no log line for the host leaving the pool"
log_test "health checks: the unreachable host leaves the pool, the real one stays"

RET=0
# Resource reports from the host: authenticated ones are taken, forged or
# wrongly keyed ones are counted and dropped.
printf '%s\n' "$REPORT_KEY" >"$tmp/key" && chmod 600 "$tmp/key"
printf '%s\n' "not-the-right-key-at-all-0001" >"$tmp/badkey" && chmod 600 "$tmp/badkey"
in_ns "$SRV" "$REPORT" --to 10.2.0.1:7400 --key-file "$tmp/key" \
	--addr 10.2.0.2:8080 --interval 0.3 --count 4 --load 5 >"$tmp/report.out" 2>&1
check_err $? "veerd-report failed: $(cat "$tmp/report.out")"
in_ns "$SRV" "$REPORT" --to 10.2.0.1:7400 --key-file "$tmp/badkey" \
	--addr 10.2.0.2:8080 --interval 0.3 --count 2 --load 5 >>"$tmp/report.out" 2>&1
in_ns "$SRV" "$PY3" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b"VEERRPT1" + bytes(n), ("10.2.0.1", 7400)) for n in (0, 100, 500)]'
sleep 1.5
jtrue "$tmp/state/policy.json" '.counters.reports_ok >= 3 and .counters.reports_bad >= 5 and
	any(.hosts[]; .addr == "10.2.0.2:8080" and .report_age != null)'
check_err $? "reports: $(jq -c '.counters | {reports_ok, reports_bad}' "$tmp/state/policy.json")"
log_test "resource reports: authenticated ones taken, forged ones counted and dropped"

# The ramp: THRESH/10 per second for 30 s (the forecaster learns the
# level), then up to 2 x threshold over 50 s.  A sampler records, every 0.5 s, the service's
# connection counter and its shift share.
in_ns "$CLI" $LOAD --dst 10.2.0.2 --port 8080 --long 1 --long-sport 47000 \
	--profile "0:$((THRESH / 10)),30:$((THRESH / 10)),80:$((2 * THRESH))" >"$tmp/load.out" 2>&1 &
lpid=$!
(
	t0=$(date +%s%N)
	while kill -0 $lpid 2>/dev/null; do
		$V -j -s service show web |
			jq -r --arg t "$((($(date +%s%N) - t0) / 1000000))" \
				'.[0] | "\($t) \(.stats.conns) \(.shift // 0)"'
		sleep 0.5
	done
) >"$tmp/samples" &
spl=$!
wait $lpid
wait $spl
log_info "load: $(cat "$tmp/load.out")"

RET=0
# Per sample: the measured rate over the last >= 1 s; the first sample with
# a shift, the first with a rate at or above the threshold.
awk -v th=$THRESH '
	{ t[NR] = $1; c[NR] = $2; s[NR] = $3
	  j = NR; while (j > 1 && t[NR] - t[j] < 1000) j--
	  r = (NR > 1 && t[NR] > t[j]) ? (c[NR] - c[j]) * 1000 / (t[NR] - t[j]) : 0
	  if (r > rmax) rmax = r
	  if (s[NR] > 0 && ts == "") { ts = t[NR]; rs = r }
	  if (r >= th && tb == "") tb = t[NR] }
	END { printf "%s %d %s %d\n", (ts == "" ? -1 : ts), (rs == "" ? -1 : rs), (tb == "" ? -1 : tb), rmax }' "$tmp/samples" >"$tmp/result"
read -r t_shift r_shift t_breach r_max <"$tmp/result"
log_info "shift first at ${t_shift} ms (measured rate then ${r_shift}/s); rate first >= $THRESH/s at ${t_breach} ms; max rate ${r_max}/s"
[ "$t_breach" -ge 0 ]
check_err $? "the load never reached the threshold (max ${r_max}/s): the guest is too slow for this test"
[ "$t_shift" -ge 0 ]
check_err $? "veerd never shifted: $(grep -E 'shift|breach' "$tmp/veerd.log" | tail -5)"
[ "$t_shift" -ge 0 ] && [ "$t_breach" -ge 0 ] && [ "$t_shift" -lt "$t_breach" ]
check_err $? "the shift (${t_shift} ms) did not come before the breach (${t_breach} ms)"
first=$(grep -m1 "shift [0-9]*% of service web's new flows to the shadows (was 0%)" "$tmp/veerd.log")
log_info "veerd: ${first#*notice: }"
grep -qE "\(was 0%\) \(breach predicted( and anomaly)?: load [0-9.]+/s, threshold $THRESH" <<<"$first"
check_err $? "the shift was not logged with the prediction as its reason"
log_test "veerd shifts new flows to the shadow before the threshold is reached"

RET=0
# Once the prediction and the anomaly have cleared, the share comes down
# one point per cycle: read veerd's share and its cycle count from the same
# state file (written at the end of each cycle), twice, 4 s apart.
cycles_shift() {
	jq -r '"\(.counters.cycles) \(.services[0].shift)"' "$tmp/state/policy.json"
}
s0=$($V -j service show web | jq '.[0].shift // 0')
slowwait 60 sh -c "[ \$($V -j service show web | jq '.[0].shift // 0') -lt $s0 ]"
read -r c1 s1 <<<"$(cycles_shift)"
sleep 4
read -r c2 s2 <<<"$(cycles_shift)"
log_info "after the load: shift $s0%; coming down: $s1% at cycle $c1, $s2% at cycle $c2"
[ "$s0" -gt 0 ] && [ "$s1" -lt "$s0" ] && [ "$s2" -gt 0 ] &&
	[ $((s1 - s2)) -eq $((c2 - c1)) ] && [ $((c2 - c1)) -ge 2 ]
check_err $? "the share did not come down by one point per cycle ($s0 -> $s1 -> $s2 over cycles $c1..$c2)"
grep -q "conditions cleared: restoring 1 point per cycle" "$tmp/veerd.log"
check_err $? "the restore was not logged"
log_test "when the load stops the share is restored one point per cycle"

RET=0
grep -qE "grant lease of tcp 10\.1\.0\.2:47000 -> 10\.2\.0\.2:8080" "$tmp/veerd.log"
check_err $? "no lease for the long-lived connection: $(grep -i lease "$tmp/veerd.log" | head -3)"
log_test "a long-lived connection gets a lease"

RET=0
$VEER policy show state-dir "$tmp/state" >"$tmp/policy.txt"
check_err $? "veer policy show failed"
grep -q "^service web in-module on" "$tmp/policy.txt"
check_err $? "policy show: no service line: $(head -5 "$tmp/policy.txt")"
$VEER -j policy show state-dir "$tmp/state" >"$tmp/policy.json"
jtrue "$tmp/policy.json" '.module == "reachable" and .services[0].name == "web" and
	(.hosts | length) == 2 and (.decisions | length) > 0'
check_err $? "policy show -j: unexpected document"
$VEER -j predict show state-dir "$tmp/state" >"$tmp/predict.json"
jtrue "$tmp/predict.json" 'any(.series[]; .series == "service/web/new-conns" and .samples > 50)'
check_err $? "predict show -j: no forecast of the service's load"
$VEER predict show state-dir "$tmp/nowhere" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "is veerd running" "$tmp/err"
check_err $? "predict show without veerd: $(cat "$tmp/err")"
log_test "veer policy show / predict show print what veerd believes"

RET=0
write_conf 3
kill -HUP $vpid
slowwait 10 vjq 'any(.[]; .addr == "10.1.0.100" and .weight == 3)' peer show
check_err $? "SIGHUP: the new shadow weight was not applied"
printf 'interval 0.5s\nhorizon banana\n' >"$tmp/veerd.conf"
kill -HUP $vpid
slowwait 10 grep -q "not reloaded, the running configuration stays" "$tmp/veerd.log"
check_err $? "SIGHUP with a bad file: no refusal logged"
grep -q "veerd.conf:2: " "$tmp/veerd.log"
check_err $? "the error does not name file and line: $(grep -i horizon "$tmp/veerd.log" | tail -2)"
kill -0 $vpid
check_err $? "veerd died on a bad configuration"
log_test "SIGHUP reloads; a bad file is reported and the running configuration kept"

RET=0
# The module goes away under veerd and comes back empty: veerd notices and
# puts back what it manages once the operator re-creates the service.
$V service del web && veer_unload
check_err $? "unload"
slowwait 10 grep -q "lost the veer module" "$tmp/veerd.log"
check_err $? "veerd did not notice the module going away"
sleep 2
! veer_ko_loaded
check_err $? "veerd loaded the module again by itself"
veer_load && $V service add web addr 10.2.0.2 proto tcp port 8080
check_err $? "reload"
slowwait 15 grep -q "veer module is back" "$tmp/veerd.log"
check_err $? "veerd did not notice the module coming back"
slowwait 15 vjq 'any(.[]; .addr == "10.1.0.100" and .weight == 3)' peer show
check_err $? "the shadow was not re-applied after the module came back"
kill -0 $vpid
check_err $? "veerd died when the module went away"
log_test "the module reloaded under veerd: veerd resyncs and re-applies"

RET=0
kill $vpid
wait $vpid 2>/dev/null
grep -q "exiting; the module keeps forwarding" "$tmp/veerd.log"
check_err $? "no exit message"
in_ns "$CLI" curl -sf -m 5 -o /dev/null http://10.2.0.2:8080/
check_err $? "traffic stopped after veerd exited"
vjq '.[0].stats.conns >= 1' -s service show web
check_err $? "the module did not count the connection after veerd exited"
log_test "veerd gone: the module keeps forwarding"

ksft_exit
