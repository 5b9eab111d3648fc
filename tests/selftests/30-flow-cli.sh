#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The flow CLI through a router namespace running veer: TCP (IPv4, IPv6) and
# UDP transfers are listed by `veer flow show` with their tuple, service,
# level and counters in both directions; `flow get` returns the same flow;
# the dump's filters (service, addr, level) select what they say; a lease set
# with `flow lease` is read back, and a lease on a flow that does not exist
# fails with the kernel's message; aggregates appear at gran-max-level 3 with
# their active connections; `veer monitor flow` prints the flows' new and end
# events (end: conntrack -D, then veer's GC); /proc/net/veer/flows lists the
# same flows as the dump.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip socat jq conntrack
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
# Keep the flows in conntrack for the whole test, however slow the guest:
# the UDP one (default: 30 s idle) and the closed TCP ones (TIME_WAIT, 120 s).
in_ns "$RTR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600 \
	net.netfilter.nf_conntrack_tcp_timeout_time_wait=600
slowwait 10 in_ns "$CLI" ping -6 -c1 -W1 2001:db8:2::2 >/dev/null
log_info "t=${SECONDS}s"

V="$VEER -n $RTR"
RET=0
$V service add web addr 10.2.0.2 proto tcp port 8080 &&
	$V service add web6 addr 2001:db8:2::2 proto tcp port 8080 &&
	$V service add dns addr 10.2.0.2 proto udp port 5353
check_err $? "configure services"
fatal=$RET
log_test "configure services"
[ "$fatal" = 0 ] || ksft_exit

# Echo servers: every byte comes back, so both directions carry the data.
in_ns "$SRV" socat TCP4-LISTEN:8080,reuseaddr,fork EXEC:cat &
defer kill $!
in_ns "$SRV" socat TCP6-LISTEN:8080,ipv6only=1,reuseaddr,fork EXEC:cat &
defer kill $!
in_ns "$SRV" socat UDP4-RECVFROM:5353,reuseaddr,fork PIPE &
defer kill $!
slowwait 10 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080"'

scratch=$VEER_TOP/build/scratch-30-flow.$$
mkdir -p "$scratch"
defer rm -rf "$scratch"

# Monitors from the start: flow events in text, everything in JSON.
$V monitor flow >"$scratch/mon" 2>&1 &
mon_pid=$!
defer kill "$mon_pid"
$V -j monitor all >"$scratch/monj" 2>&1 &
monj_pid=$!
defer kill "$monj_pid"
sleep 1

SIZE=100000
RET=0
in_ns "$CLI" sh -c "head -c $SIZE /dev/urandom | socat -t 10 - TCP4:10.2.0.2:8080,sourceport=40000 >$scratch/tcp4.out"
check_err $? "TCP v4 transfer"
in_ns "$CLI" sh -c "head -c $SIZE /dev/urandom | socat -t 10 - TCP6:[2001:db8:2::2]:8080,sourceport=40002 >$scratch/tcp6.out"
check_err $? "TCP v6 transfer"
in_ns "$CLI" sh -c "echo hello veer | socat -t 2 - UDP4:10.2.0.2:5353,sourceport=40001 >$scratch/udp.out"
check_err $? "UDP exchange"
[ "$(stat -c %s "$scratch/tcp4.out")" = $SIZE ] && [ "$(stat -c %s "$scratch/tcp6.out")" = $SIZE ] &&
	grep -q 'hello veer' "$scratch/udp.out"
check_err $? "the echoes did not come back whole"
log_test "TCP and UDP transfers through the router"
log_info "t=${SECONDS}s"
sleep 1

# ---- flow show: tuple, service, level, counters both ways
RET=0
all=$($V -j flow show)
check_err $? "flow show -j failed"
jq -e 'type == "array"' <<<"$all" >/dev/null
check_err $? "flow show -j is not a JSON array: $all"
# flow_of JSON PROTO SPORT: the flow from the client's port
flow_of() { jq -c --arg p "$2" --argjson s "$3" '[.[] | select(.proto == $p and .sport == $s)]' <<<"$1"; }
t4=$(flow_of "$all" tcp 40000)
[ "$(jq length <<<"$t4")" = 1 ]; check_err $? "TCP v4 flow listed $(jq length <<<"$t4") times: $all"
jq -e --argjson n $SIZE '.[0] | .src == "10.1.0.2" and .dst == "10.2.0.2" and
	.sport == 40000 and .dport == 8080 and .zone == 0 and
	.service == "web" and .level == 0 and
	.orig.packets > 0 and .reply.packets > 0 and
	.orig.bytes > $n and .reply.bytes > $n and
	(.state | type == "string") and .age_ms >= 0' <<<"$t4" >/dev/null
check_err $? "TCP v4 flow: $t4"
t6=$(flow_of "$all" tcp 40002)
jq -e --argjson n $SIZE 'length == 1 and (.[0] | .src == "2001:db8:1::2" and
	.dst == "2001:db8:2::2" and .dport == 8080 and .service == "web6" and
	.level == 0 and .orig.bytes > $n and .reply.bytes > $n)' <<<"$t6" >/dev/null
check_err $? "TCP v6 flow: $t6"
u4=$(flow_of "$all" udp 40001)
jq -e 'length == 1 and (.[0] | .src == "10.1.0.2" and .dst == "10.2.0.2" and
	.dport == 5353 and .service == "dns" and .level == 0 and
	.orig.packets > 0 and .reply.packets > 0 and
	.orig.bytes > 0 and .reply.bytes > 0 and (has("state") | not))' <<<"$u4" >/dev/null
check_err $? "UDP flow: $u4"
# Text: one line per flow, the key first.
text=$($V flow show)
grep -q '^proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 service web level 0 state [A-Z_]* age ' <<<"$text"
check_err $? "text line of the TCP flow: $text"
[ "$(wc -l <<<"$text")" = "$(jq length <<<"$all")" ]
check_err $? "text has $(wc -l <<<"$text") lines for $(jq length <<<"$all") flows"
log_test "flow show: tuple, service, level 0, packets and bytes both ways"

# ---- flow get: the same flow, with the whole profile
RET=0
full=$($V -j -s flow show)
g=$($V -j flow get proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080)
check_err $? "flow get failed"
d=$(flow_of "$full" tcp 40000)
jq -e --argjson d "$d" '.src == $d[0].src and .dst == $d[0].dst and
	.sport == $d[0].sport and .dport == $d[0].dport and
	.ct_id == $d[0].ct_id and .service == "web" and .level == 0 and
	.orig.packets >= $d[0].orig.packets and .orig.mss > 0 and
	(.orig.opts | type == "array") and (.reply.seq | type == "number")' <<<"$g" >/dev/null
check_err $? "flow get $g differs from the dump's $d"
g6=$($V -j flow get proto tcp src 2001:db8:1::2 dst 2001:db8:2::2 sport 40002 dport 8080)
jq -e '.service == "web6" and .sport == 40002' <<<"$g6" >/dev/null
check_err $? "flow get v6: $g6"
gu=$($V -j flow get proto udp src 10.1.0.2 dst 10.2.0.2 sport 40001 dport 5353 zone 0)
jq -e '.service == "dns" and .proto == "udp" and .reply.packets > 0' <<<"$gu" >/dev/null
check_err $? "flow get udp: $gu"
# Text: the key line, then the profile on indented lines.
$V flow get proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 >"$scratch/get.txt"
grep -q '^proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 service web ' "$scratch/get.txt" &&
	grep -q '^    orig seq [0-9]* ack [0-9]* win [0-9]* wscale [0-9]* mss [0-9]* opts ' "$scratch/get.txt" &&
	grep -q '^    reply seq ' "$scratch/get.txt"
check_err $? "flow get text: $(cat "$scratch/get.txt")"
# The wrong way round is another flow: none.
$V flow get proto tcp src 10.2.0.2 dst 10.1.0.2 sport 8080 dport 40000 >/dev/null 2>&1
[ $? = 2 ]; check_err $? "flow get of the reply tuple did not fail with 2"
log_test "flow get returns the flow of the dump, with its profile"

# ---- filters
RET=0
n_all=$(jq length <<<"$all")
f=$($V -j flow show service dns)
jq -e 'length >= 1 and all(.[]; .service == "dns" and .proto == "udp")' <<<"$f" >/dev/null
check_err $? "service dns: $f"
f=$($V -j flow show service web)
jq -e 'length >= 1 and all(.[]; .service == "web") and any(.[]; .sport == 40000)' <<<"$f" >/dev/null
check_err $? "service web: $f"
f=$($V -j flow show addr 10.2.0.2)
jq -e 'length >= 2 and all(.[]; .src == "10.2.0.2" or .dst == "10.2.0.2") and
	all(.[]; .src | contains(":") | not)' <<<"$f" >/dev/null
check_err $? "addr 10.2.0.2: $f"
f=$($V -j flow show addr 2001:db8:1::2)
jq -e 'length == 1 and .[0].service == "web6"' <<<"$f" >/dev/null
check_err $? "addr 2001:db8:1::2: $f"
f=$($V -j flow show addr 10.9.9.9)
[ "$f" = "[]" ]; check_err $? "addr 10.9.9.9: $f"
f=$($V -j flow show level 0)
[ "$(jq length <<<"$f")" = "$n_all" ]; check_err $? "level 0 lists $(jq length <<<"$f") of $n_all"
f=$($V -j flow show level 1)
[ "$f" = "[]" ]; check_err $? "level 1 at gran-max-level 0: $f"
f=$($V -j flow show service dns addr 10.1.0.2 level 0)
jq -e 'length == 1 and .[0].sport == 40001' <<<"$f" >/dev/null
check_err $? "service + addr + level: $f"
out=$($V flow show service nosuch 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'no such service' <<<"$out"
check_err $? "unknown service: $rc $out"
log_test "flow show filters: service, addr, level"

# ---- leases
RET=0
$V flow lease proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 ttl 5000 confidence 80
check_err $? "flow lease failed"
g=$($V -j flow get proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080)
jq -e '.lease.confidence == 80 and .lease.ttl_ms > 0 and .lease.ttl_ms <= 5000' <<<"$g" >/dev/null
check_err $? "lease not read back: $g"
grep -q '^    lease ttl [0-9.]*s remaining 0.000s confidence 80$' <<<"$($V flow get proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080)"
check_err $? "lease text: $($V flow get proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080)"
$V flow lease proto udp src 10.1.0.2 dst 10.2.0.2 sport 40001 dport 5353 ttl 60000 remaining 30000 confidence 55 level-pin 0
check_err $? "flow lease (udp, all fields) failed"
g=$($V -j flow get proto udp src 10.1.0.2 dst 10.2.0.2 sport 40001 dport 5353)
jq -e '.lease.confidence == 55 and .lease.remaining_ms == 30000 and .lease.level_pin == 0 and
	.lease.ttl_ms > 50000' <<<"$g" >/dev/null
check_err $? "udp lease: $g"
out=$($V flow lease proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40999 dport 8080 ttl 5000 2>&1); rc=$?
[ $rc = 2 ] && [ "$out" = "veer: No such file or directory: no such flow" ]
check_err $? "lease on a missing flow: rc $rc: $out"
# Argument errors never reach the kernel: exit 1.
$V flow lease proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 confidence 80 >/dev/null 2>&1
[ $? = 1 ]; check_err $? "a lease without ttl must be a usage error"
$V flow lease proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 ttl 5000 confidence 101 >/dev/null 2>&1
[ $? = 1 ]; check_err $? "confidence 101 must be refused"
log_test "flow lease: set, read back, refused on a missing flow"

# ---- /proc/net/veer/flows: the same flows
RET=0
all=$($V -j flow show)
proc=$(veer_proc "$RTR" flows)
[ "$(grep -c . <<<"$proc")" = "$(jq length <<<"$all")" ]
check_err $? "/proc has $(grep -c . <<<"$proc") flows, the dump $(jq length <<<"$all")"
n=0
while read -r fam proto src dst sport dport svc; do
	n=$((n + 1))
	line=$(grep -F " $proto src=$src dst=$dst sport=$sport dport=$dport " <<<"$proc")
	[ -n "$line" ] || { check_err 1 "no /proc line for $proto $src $sport"; continue; }
	sid=$($V -j service show "$svc" | jq '.[0].id')
	grep -q " svc=$sid level=0 " <<<"$line"; check_err $? "/proc line of $svc: $line"
	grep -q "^$fam " <<<"$line"; check_err $? "/proc family: $line"
done <<<"$(jq -r '.[] | [(if (.src | contains(":")) then "ipv6" else "ipv4" end),
	.proto, .src, .dst, .sport, .dport, .service] | @tsv' <<<"$all")"
[ "$n" = "$(jq length <<<"$all")" ] && [ "$n" -ge 3 ]
check_err $? "compared $n flows with /proc"
log_test "/proc/net/veer/flows lists the dump's flows"
log_info "t=${SECONDS}s"

# ---- aggregates
RET=0
a=$($V -j aggregate show)
[ "$a" = "[]" ]; check_err $? "aggregates at gran-max-level 0: $a"
[ -z "$($V aggregate show)" ]; check_err $? "aggregate show (text) not empty"
$V config set gran-max-level 3
check_err $? "config set gran-max-level 3"
[ "$($V -j config show | jq .gran_max_level)" = 3 ]; check_err $? "gran_max_level not 3"
for p in 40010 40011 40012; do
	in_ns "$CLI" sh -c "echo x | socat -t 5 - TCP4:10.2.0.2:8080,sourceport=$p >/dev/null"
done
# One connection stays open while the aggregates are read.
in_ns "$CLI" sh -c "sleep 20 | socat -u - TCP4:10.2.0.2:8080,sourceport=40020" &
long_pid=$!
defer kill "$long_pid"
slowwait 10 sh -c "$V -j flow show | jq -e 'any(.[]; .sport == 40020)' >/dev/null"
a=$($V -j aggregate show)
jq -e 'type == "array"' <<<"$a" >/dev/null; check_err $? "aggregate show -j: $a"
jq -e 'any(.[]; .level == 1 and .addr == "10.1.0.2" and .service == "web" and
	.active >= 1 and .conns >= 4)' <<<"$a" >/dev/null
check_err $? "session aggregate: $a"
jq -e 'any(.[]; .level == 2 and .addr == "10.1.0.2" and .app_id == 8080 and
	.by_mark == false and .active >= 1 and .conns >= 4)' <<<"$a" >/dev/null
check_err $? "application aggregate: $a"
jq -e 'any(.[]; .level == 3 and .addr == "10.1.0.0" and .prefix_len == 24 and
	.active >= 1 and .conns >= 4 and .packets > 0 and .bytes > 0)' <<<"$a" >/dev/null
check_err $? "subnet aggregate: $a"
grep -q '^level 3 addr 10.1.0.0/24 active [1-9][0-9]* conns ' <<<"$($V aggregate show)"
check_err $? "aggregate text: $($V aggregate show)"
# get by key; a subnet by any address in it
g=$($V -j aggregate get level 3 addr 10.1.0.77)
jq -e '.level == 3 and .addr == "10.1.0.0" and .prefix_len == 24 and .active >= 1' <<<"$g" >/dev/null
check_err $? "aggregate get level 3: $g"
g=$($V -j aggregate get level 1 addr 10.1.0.2 service web)
jq -e '.level == 1 and .service == "web" and .active >= 1' <<<"$g" >/dev/null
check_err $? "aggregate get level 1: $g"
g=$($V -j aggregate get level 2 addr 10.1.0.2 app 8080)
jq -e '.level == 2 and .app_id == 8080' <<<"$g" >/dev/null
check_err $? "aggregate get level 2: $g"
$V aggregate lease level 3 addr 10.1.0.0/24 ttl 60000 confidence 70 level-pin 3
check_err $? "aggregate lease"
g=$($V -j aggregate get level 3 addr 10.1.0.0/24)
jq -e '.lease.confidence == 70 and .lease.level_pin == 3' <<<"$g" >/dev/null
check_err $? "aggregate lease not read back: $g"
out=$($V aggregate get level 1 addr 10.1.0.99 service web 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'no such aggregate' <<<"$out"
check_err $? "missing aggregate: $rc $out"
log_test "aggregates: none at level 0; session, app and subnet at level 3"

# ---- flow end: conntrack forgets, veer's GC reaps
RET=0
$V -j flow show | jq -e 'any(.[]; .sport == 40000)' >/dev/null
check_err $? "the flow is gone before conntrack -D"
out=$(in_ns "$RTR" conntrack -D -p tcp --orig-port-src 40000 2>&1)
check_err $? "conntrack -D: $out"
slowwait 10 sh -c "! $V -j flow show | jq -e 'any(.[]; .sport == 40000)' >/dev/null"
check_err $? "the flow outlived its conntrack entry"
$V flow get proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 >/dev/null 2>&1
[ $? = 2 ]; check_err $? "flow get of a reaped flow did not fail"
veer_proc "$RTR" flows | grep -q ' sport=40000 '
check_fail $? "the reaped flow is still in /proc"
log_test "a flow ends when conntrack drops it"
log_info "t=${SECONDS}s"

# ---- monitor
RET=0
slowwait 5 grep -q '^flow end proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 service web ' "$scratch/mon"
check_err $? "no flow end event"
grep -q '^flow new proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 service web level 0 ' "$scratch/mon"
check_err $? "no flow new event for the TCP flow"
grep -q '^flow new proto udp src 10.1.0.2 dst 10.2.0.2 sport 40001 dport 5353 service dns ' "$scratch/mon"
check_err $? "no flow new event for the UDP flow"
grep -q '^flow new proto tcp src 2001:db8:1::2 dst 2001:db8:2::2 sport 40002 ' "$scratch/mon"
check_err $? "no flow new event for the IPv6 flow"
grep -v '^flow \(new\|end\|level\|thresh\) proto ' "$scratch/mon" | grep -q .
check_fail $? "monitor flow printed other lines: $(cat "$scratch/mon")"
# -j all: both groups, one JSON document per line
kill "$monj_pid"; wait "$monj_pid" 2>/dev/null
jq -e . "$scratch/monj" >/dev/null; check_err $? "monitor -j lines are not JSON"
jq -se 'any(.[]; .object == "config" and .action == "change" and .gran_max_level == 3)' "$scratch/monj" >/dev/null
check_err $? "monitor all: no config event"
jq -se 'any(.[]; .object == "flow" and .event == "new" and .sport == 40000 and .service == "web") and
	any(.[]; .object == "flow" and .event == "end" and .sport == 40000 and .orig.bytes > 0)' "$scratch/monj" >/dev/null
check_err $? "monitor all: no flow events"
log_test "veer monitor flow / all print flow new and end events"

ksft_exit
