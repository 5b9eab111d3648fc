#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input.  While a legitimate request/response flow crosses the router,
# scapy (veer_inject.py, from the client namespace) sends through it:
# TCP and UDP headers cut short, TCP data offset < 5, the legitimate flow's
# own tuple with broken headers, SYNs with bad option lengths, zero-window
# segments, out-of-window segments, a reordered (older) ACK, segments in
# flight after a RST, IPv6 with hop-by-hop, destination options and routing
# headers, and IPv6 with a broken header chain.
#
#  - per group of packets, bad_header, no_conntrack, zero_window,
#    out_of_window and ipv6_exthdr move by exactly what each packet must
#    cause (worked out per packet in veer_inject.py from kmod/hooks.c and
#    kmod/flow.c; a TCP header readable up to the ports but broken beyond is
#    refused by conntrack first, so veer counts it as no_conntrack); a stale
#    ACK must not shrink the window, a RST's window field is not an
#    advertisement;
#  - the SYNs with bad options get records whose profile keeps only the
#    well-formed options before the bad one;
#  - the legitimate flow's counters still equal conntrack's exactly, and its
#    profile is intact;
#  - a clean transfer counts no out_of_window segment: iperf3 through a
#    20 ms netem, window-limited upload (2 streams, 32 KiB windows) and a
#    download (-R, which iperf3 ends with a RST while data is in flight).
# The kernel stays up (the runner also fails on any splat).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/flow_lib.sh"

require_root
require_cmd ip socat nft iperf3 tc jq
"$PY3" -c 'import scapy' 2>/dev/null || skip_test "python3-scapy not installed"
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
require_veer
flow_topo || skip_test "cannot build the topology"
tmp=$(mktemp -d)
defer rm -rf "$tmp"

RET=0
$VEER -n "$RTR" service add web4 addr 10.2.0.2 proto tcp port 8080 &&
	$VEER -n "$RTR" service add web6 addr 2001:db8:2::2 proto tcp port 8080 &&
	$VEER -n "$RTR" service add iperf addr 10.2.0.2 proto tcp port 5201
check_err $? "service add"
in_ns "$RTR" sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_tcp_loose=1
check_err $? "router sysctls"
# MLD reports carry a hop-by-hop header: keep them away from veer's
# ipv6_exthdr counter (this raw-priority chain runs before veer's hook).
in_ns "$RTR" nft -f - <<'NFT'
table inet nomld {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		icmpv6 type { 130, 131, 132, 143 } drop
	}
}
NFT
check_err $? "router filter"
# Neither end's kernel may answer the injected segments (a RST would change
# the picked-up connections' state): ports 50000-50099 are dropped on
# arrival at both ends; the router sees everything.
in_ns "$CLI" nft -f - <<'NFT'
table inet inject {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		tcp dport 50000-50099 drop
		udp dport 50000-50099 drop
	}
}
NFT
check_err $? "client filter"
in_ns "$SRV" nft -f - <<'NFT'
table inet inject {
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		tcp sport 50000-50099 drop
		udp sport 50000-50099 drop
	}
}
NFT
check_err $? "server filter"
r=$RET
log_test "services; filters for the injected traffic"
[ "$r" -eq 0 ] || ksft_exit

in_ns "$SRV" socat TCP4-LISTEN:8080,reuseaddr,fork PIPE &
defer kill $!
in_ns "$SRV" iperf3 -s -D -I "/tmp/iperf3-$SRV.pid"
defer sh -c "kill \$(cat /tmp/iperf3-$SRV.pid) 2>/dev/null"
slowwait 30 in_ns "$SRV" sh -c 'ss -ltn | grep -q ":8080 " && ss -ltn | grep -q ":5201 "'

# The legitimate flow: 64 bytes each way every 50 ms, until $tmp/stop.
VEER_PP_STOP=$tmp/stop in_ns "$CLI" "$PY3" "$FLOWS_PY" pingpong 10.2.0.2 8080 47100 600 120 64 50 \
	>"$tmp/pp.out" 2>&1 &
pp=$!
defer kill $pp
slowwait 90 sh -c "ip netns exec $RTR grep -q ' sport=47100 .* rpackets=[1-9]' /proc/net/veer/flows"

mac() { ip -n "$1" -br link show "$2" | awk '{ print $3 }'; }

RET=0
in_ns "$CLI" "$PY3" "$(dirname "$FLOWS_PY")/veer_inject.py" --rtr-ns "$RTR" \
	--cli-mac "$(mac "$CLI" eth0)" --rtr-mac "$(mac "$RTR" eth0)" \
	--srv-ns "$SRV" --srv-mac "$(mac "$SRV" eth0)" --rtr-srv-mac "$(mac "$RTR" eth1)" \
	--legit-sport 47100 >"$tmp/inject.json" 2>"$tmp/inject.err"
rc=$?
check_err $rc "veer_inject.py failed: $(tail -3 "$tmp/inject.err")"
r=$RET
log_test "scapy injection ran ($(jq -r .sent "$tmp/inject.json" 2>/dev/null) frames)"
[ "$r" -eq 0 ] || ksft_exit

# One subtest per group of packets: every counter moved by exactly what the
# group must cause (and the others not at all).
jq -r '.groups[] | [.group, (.got | tojson), (.expect | tojson),
	(.expect | to_entries | map(select(.value > 0) | "\(.key) +\(.value)") |
	 if length == 0 then "no counter moves" else join(", ") end)] | join("\t")' \
	"$tmp/inject.json" >"$tmp/groups"
while IFS=$'\t' read -r name got want desc; do
	RET=0
	log_info "$name: counters moved $got, expected $want"
	[ "$got" = "$want" ]; check_err $? "$name: moved $got, expected $want"
	log_test "$name: $desc"
done <"$tmp/groups"

RET=0
vflows_py flows proto=6 dport=8080 >"$tmp/flows.json"
for sp in 50006 50007 50008; do
	want=$(jq -c ".checks.bad_options[\"$sp\"]" "$tmp/inject.json")
	got=$(jq -c ".[] | select(.sport == $sp) | .orig | {mss, opts, wscale}" "$tmp/flows.json")
	log_info "SYN with bad options from $sp: record $got (expected $want)"
	[ "$got" = "$want" ]; check_err $? "$sp: profile $got, expected $want"
done
for sp in 50010 50011; do
	jq -e ".[] | select(.sport == $sp)" "$tmp/flows.json" >/dev/null
	check_err $? "no record for the picked-up connection from $sp"
done
log_test "records of the malformed SYNs keep only the well-formed options"

RET=0
touch "$tmp/stop"
slowwait 30 test -s "$tmp/pp.out"
out=$(vflows_py counts tcp:47100:8080)
check_err $? "legitimate flow's counters never stable: $out"
read -r _ vop vob vrp vrb cop cob crp crb extra <<<"$out"
log_info "legitimate flow: veer $vop $vob $vrp $vrb, conntrack $cop $cob $crp $crb; $extra"
[ "$vop $vob $vrp $vrb" = "$cop $cob $crp $crb" ]
check_err $? "veer ($vop $vob $vrp $vrb) != conntrack ($cop $cob $crp $crb)"
case " $extra " in
*" level=0 "*" mss=1460/1460 wscale=7/7 opts=sack,ts,ws/sack,ts,ws "*) ;;
*) check_err 1 "profile damaged: $extra" ;;
esac
log_test "the legitimate flow's counters equal conntrack's, its profile is intact"

# A clean transfer: nothing is out of window.
RET=0
in_ns "$RTR" tc qdisc add dev eth1 root netem delay 20ms
o0=$(vstat out_of_window)
in_ns "$CLI" iperf3 -c 10.2.0.2 -t 4 -P 2 -w 32K >/dev/null
check_err $? "iperf3 upload"
sleep 1
o1=$(vstat out_of_window)
in_ns "$CLI" iperf3 -c 10.2.0.2 -t 4 -R >/dev/null
check_err $? "iperf3 download"
sleep 1
o2=$(vstat out_of_window)
log_info "out_of_window during iperf3 through 20 ms netem: upload +$((o1 - o0)), download +$((o2 - o1))"
[ "$o1" = "$o0" ]; check_err $? "window-limited upload: out_of_window +$((o1 - o0))"
[ "$o2" = "$o1" ]; check_err $? "download ended by RST: out_of_window +$((o2 - o1))"
log_test "clean iperf3 transfers through 20 ms netem: out_of_window stays 0"

RET=0
in_ns "$RTR" cat /proc/net/veer/stats >/dev/null && [ -d /sys/module/veer ]
check_err $? "module not answering"
log_test "the kernel survived: module loaded, counters readable"

log_info "runtime ${SECONDS}s"
ksft_exit
