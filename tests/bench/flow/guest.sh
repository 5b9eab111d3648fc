#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (tests/bench/flow/run.sh starts it through
# tests/selftests/run-in-guest.sh): forwarding through a router namespace
# under several configurations, side by side in one run.
#
# One chain of namespaces per configuration, all alike but for the router's
# configuration, set up once:
#
#   CLI eth0 10.1.0.2 --- 10.1.0.1 eth0 RTR eth1 10.2.0.1 --- 10.2.0.2 eth0 SRV
#
# Configurations of RTR:
#   gen     calibration: RTR drops everything at eth0 ingress (tc), so a run
#           measures the generator, the veth hop and the drop; what the
#           other configurations cost on top of it is the router's work
#   none    no conntrack in RTR (no rule uses it, veer has no service)
#   ct      conntrack alone: an nft forward rule `ct state established,new
#           accept`
#   hook    the ct rule + a veer service on another address: veer's hooks run
#           on every packet (counters, header parsing, service match, key,
#           hash, a lookup in an empty table) but no flow gets a record
#   veer0   the ct rule + a veer service on 10.2.0.2: every flow tracked at
#           level 0, with a profile
#   veer3   the ct rule + the veer service + gran-max-level 3 with thresholds
#           that make every aggregate qualify at once (gran-bandwidth max,
#           gran-duration 0, gran-frequency max): every flow is tracked at
#           level 3 from its first packet (kmod/agg.c veer_agg_qualifies)
#
# Workloads (VEER_BENCH_WORKLOADS, default "udp tcp iperf"):
#   udp     pktgen (in the kernel) in CLI: 60-byte UDP frames, one per flow
#           in turn over VEER_BENCH_FLOWS source ports, as fast as it goes;
#           SRV drops them at eth0 ingress (tc)
#   tcp     trafgen in CLI: 66-byte TCP ACK segments with a timestamp option,
#           same flows (conntrack picks them up mid-stream), same sink
#   iperf   iperf3 TCP, 4 streams, to a real server in SRV (no sink drop);
#           bulk TCP is GSO-sized, so this shows per-byte, not per-packet cost
#
# Each packet is generated and then forwarded on the same vCPU before the
# next one (pktgen and packet sockets transmit with BHs disabled and the veth
# receive runs in the softirq at local_bh_enable), so a burst's rate is
# 1 / (generator + router + sink) per packet, and the gen chain measures the
# first and last of those.
#
# The chains are warmed up once (every flow created in conntrack and veer),
# then measured in short bursts (VEER_BENCH_PKTS udp, VEER_BENCH_TCP_PKTS tcp
# packets, every flow touched at least twice a burst, a third of a second or so),
# one chain after the other with the conntrack-alone chain between any two
# others (ct A ct B ct ...; the others' order reversed every other round),
# for VEER_BENCH_ROUNDS rounds.  The host's load (other QEMU guests, builds)
# switches this guest between a whole CPU and half of one every few seconds,
# so each burst is compared with the ct bursts right before and after it
# (report.py), and the medians of many such ratios are reported.  Better
# still, run.sh samples on the host the CPU time QEMU's TCG thread gets
# (cpuclock.py) and measures each burst in it rather than in the guest's
# clock, which runs on while QEMU waits for a CPU.  UDP bursts are
# timed by pktgen in the kernel; TCP bursts on the router's receive counter
# (see gen_tcp).  Every burst is checked: the packets all arrived where they
# should, conntrack holds exactly one entry per flow where it is on and none
# where it is off, veer saw every packet and holds one record per flow at the
# claimed level where it is on and saw nothing elsewhere, and no record was
# created, recycled or evicted during the burst.
#
# Work that does not depend on the packets runs once a second for every
# namespace at once (veer's GC walks its records, conntrack's GC its table):
# it slows every chain alike, so the per-packet ratios leave it out, but a
# pass lands in one burst or another, which is noise; hence few flows per
# chain (VEER_BENCH_FLOWS, 1000).  The GC probe at the end measures veer's
# GC alone at VEER_BENCH_GC_FLOWS (10000) records (function_graph on
# veer_flow_gc, one chain holding records at a time), and report.py adds it
# back in proportion.
#
# Output lines (parsed by report.py; anything else is commentary):
#   BENCH info KEY VALUE...
#   BENCH run WORKLOAD CONFIG ROUND RATE UNIT USEC SENT DELIVERED k=v...
#       (k=v: state after the burst; seq=N, the burst's rank in the run;
#       t0= t1=, its timed window in CLOCK_REALTIME microseconds, and
#       wpkts=, the packets forwarded in that window)
#   BENCH sync T          the guest's CLOCK_REALTIME (us) as a line leaves
#   BENCH gc CONFIG RECORDS PASSES AVG_US MAX_US SUM_US SECONDS
#   BENCH fail WORKLOAD CONFIG ROUND REASON
# Exit status 1 if any check failed.
# shellcheck disable=SC2016 # chk evaluates its single-quoted conditions
# shellcheck disable=SC2317 # functions called by name: "gen_$w"
# shellcheck disable=SC2086 # $CONFIGS is a list, split on purpose
# shellcheck disable=SC2015 # `test && test || die`: die when either fails
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/selftests/lib.sh
source "$here/../../selftests/lib.sh"

failed=0
fail() { # WORKLOAD CONFIG ROUND REASON
	echo "BENCH fail $*"
	failed=1
}
die() {
	echo "BENCH fail setup - - $*"
	exit 1
}

FLOWS=${VEER_BENCH_FLOWS:-1000}
GC_FLOWS=${VEER_BENCH_GC_FLOWS:-10000}
UDP_PKTS=${VEER_BENCH_PKTS:-6000}
TCP_PKTS=${VEER_BENCH_TCP_PKTS:-6000}
ROUNDS=${VEER_BENCH_ROUNDS:-40}
CONFIGS=${VEER_BENCH_CONFIGS:-gen none ct hook veer0 veer3}
WORKLOADS=${VEER_BENCH_WORKLOADS:-udp tcp iperf}
IPERF_DUR=${VEER_BENCH_IPERF_DUR:-2}
IPERF_ROUNDS=${VEER_BENCH_IPERF_ROUNDS:-5}
IPERF_STREAMS=4
SPORT0=10000

require_root
require_guest
require_cmd ip nft tc conntrack trafgen iperf3 jq
require_module pktgen nf_conntrack
VEER=$(veer_cli)
[ -n "$VEER" ] || skip_test "veer CLI not built"
# run.sh builds the module from HEAD (VEER_BENCH_KO) unless told to measure
# the work tree's.
if [ -n "${VEER_BENCH_KO:-}" ]; then
	[ -f "$VEER_BENCH_KO" ] || die "VEER_BENCH_KO=$VEER_BENCH_KO does not exist"
	veer_unload
	deps=$(modinfo -F depends "$VEER_BENCH_KO") || die "modinfo $VEER_BENCH_KO"
	for m in ${deps//,/ }; do
		modprobe "$m" || die "modprobe $m"
	done
	insmod "$VEER_BENCH_KO" || die "insmod $VEER_BENCH_KO"
fi
# shellcheck disable=SC2119 # no module parameters
require_veer
[ "$FLOWS" -ge 1 ] && [ "$FLOWS" -le 50000 ] || die "VEER_BENCH_FLOWS must be 1..50000"
[ "$GC_FLOWS" -ge 1 ] && [ "$GC_FLOWS" -le 50000 ] || die "VEER_BENCH_GC_FLOWS must be 1..50000"
for n in "$UDP_PKTS" "$TCP_PKTS"; do
	[ "$n" -ge $((2 * FLOWS)) ] || die "bursts must touch every flow twice: at least $((2 * FLOWS)) packets"
done
for c in $CONFIGS; do
	case $c in gen | none | ct | hook | veer0 | veer3) ;; *) die "unknown configuration $c" ;; esac
done

# ---- chains ----------------------------------------------------------------

declare -A CLI RTR SRV CPID RPID RMAC CMAC

# One long-lived process per namespace: /proc/PID/net/... then reads that
# namespace's counters and drives its pktgen without a fork (every process
# costs tens of milliseconds under TCG).
anchor() { # NS
	# (No output: it would hold the command substitution open.)
	ip netns exec "$1" sleep 1d </dev/null >/dev/null 2>&1 &
	echo $!
}
# In its namespace once `ip netns exec` has done its setns().
in_netns() { # PID NS
	[ "/proc/$1/ns/net" -ef "/run/netns/$2" ]
}
mac() { # NS DEV
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

make_chain() { # CONFIG
	local c=$1 X Y Z ns srv_mac rtr_mac1
	setup_ns X Y Z || die "cannot create namespaces"
	CLI[$c]=$X RTR[$c]=$Y SRV[$c]=$Z
	for ns in "$X" "$Y" "$Z"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || die "sysctl in $ns"
	done
	add_veth "$X" eth0 10.1.0.2/24 "$Y" eth0 10.1.0.1/24 || die "veth CLI-RTR"
	add_veth "$Y" eth1 10.2.0.1/24 "$Z" eth0 10.2.0.2/24 || die "veth RTR-SRV"
	in_ns "$X" ip route add default via 10.1.0.1 || die "route in CLI"
	in_ns "$Z" ip route add default via 10.2.0.1 || die "route in SRV"
	# UDP entries that never see a reply live 30 s: a chain waits longer
	# than that between two bursts when the host is slow.
	in_ns "$Y" sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_udp_timeout=3600 ||
		die "sysctls in RTR"
	RMAC[$c]=$(mac "$Y" eth0)
	CMAC[$c]=$(mac "$X" eth0)
	rtr_mac1=$(mac "$Y" eth1)
	srv_mac=$(mac "$Z" eth0)
	# Static neighbours: no ARP while the sink drops everything.
	ip -n "$Y" neigh replace 10.2.0.2 lladdr "$srv_mac" dev eth1 nud permanent &&
		ip -n "$Y" neigh replace 10.1.0.2 lladdr "${CMAC[$c]}" dev eth0 nud permanent &&
		ip -n "$X" neigh replace 10.1.0.1 lladdr "${RMAC[$c]}" dev eth0 nud permanent &&
		ip -n "$Z" neigh replace 10.2.0.1 lladdr "$rtr_mac1" dev eth0 nud permanent ||
		die "static neighbours"
	ping_ok "$X" 10.2.0.2 || die "no forwarding CLI -> SRV in chain $c"
	in_ns "$Z" tc qdisc add dev eth0 clsact || die "clsact in SRV"
	CPID[$c]=$(anchor "$X")
	RPID[$c]=$(anchor "$Y")
	defer kill "${CPID[$c]}" "${RPID[$c]}"
	slowwait 10 in_netns "${CPID[$c]}" "$X" && slowwait 10 in_netns "${RPID[$c]}" "$Y" ||
		die "anchor processes"
}

sink=0
sink_on() {
	local c
	[ "$sink" = 1 ] && return 0
	for c in $CONFIGS; do
		in_ns "${SRV[$c]}" tc filter add dev eth0 ingress pref 1 matchall action drop ||
			die "sink drop filter"
	done
	sink=1
}
sink_off() {
	local c
	[ "$sink" = 0 ] && return 0
	for c in $CONFIGS; do
		in_ns "${SRV[$c]}" tc filter del dev eth0 ingress pref 1 || die "removing the sink drop filter"
	done
	sink=0
}

# ---- counters --------------------------------------------------------------

# snap CONFIG: that router's counters into S_* (builtins only).
snap() {
	local p=${RPID[$1]} k v line i
	local -a f h

	S_ct=0 S_invalid=0 S_vpkts=0 S_flows=0 S_fnew=0 S_l0=0 S_l3=0 S_aggs=0
	S_recycled=0 S_evicted=0 S_nomem=0 S_reaped=0 S_rx0=0 S_tx1=0
	if [ -r "/proc/$p/net/veer/stats" ]; then
		while read -r k v; do
			case $k in
			packets) S_vpkts=$v ;;
			flows) S_flows=$v ;;
			flows_new) S_fnew=$v ;;
			flows_recycled) S_recycled=$v ;;
			flows_evicted) S_evicted=$v ;;
			flows_nomem) S_nomem=$v ;;
			flows_reaped) S_reaped=$v ;;
			level0) S_l0=$v ;;
			level3) S_l3=$v ;;
			aggregates) S_aggs=$v ;;
			esac
		done <"/proc/$p/net/veer/stats"
	fi
	# entries (the same on every line) and invalid (per CPU), in hex.
	if [ -r "/proc/$p/net/stat/nf_conntrack" ]; then
		{
			read -ra h
			while read -ra f; do
				for i in "${!h[@]}"; do
					case ${h[i]} in
					entries) S_ct=$((16#${f[i]})) ;;
					invalid) S_invalid=$((S_invalid + 16#${f[i]})) ;;
					esac
				done
			done
		} <"/proc/$p/net/stat/nf_conntrack"
	fi
	while read -r line; do
		case $line in
		eth0:*)
			read -ra f <<<"${line#eth0:}"
			S_rx0=${f[1]}
			;;
		eth1:*)
			read -ra f <<<"${line#eth1:}"
			S_tx1=${f[9]}
			;;
		esac
	done <"/proc/$p/net/dev"
}

snap_save() { # PREFIX: copy S_* to PREFIX_*
	local n v
	for n in ct invalid vpkts flows fnew l0 l3 aggs recycled evicted nomem reaped rx0 tx1; do
		v=S_$n
		printf -v "$1_$n" '%s' "${!v}"
	done
}

# read_rx0 CONFIG: that router's eth0 received packets into R_rx0.
read_rx0() {
	local line
	local -a f
	R_rx0=0
	while read -r line; do
		case $line in
		eth0:*)
			read -ra f <<<"${line#eth0:}"
			R_rx0=${f[1]}
			return 0
			;;
		esac
	done <"/proc/${RPID[$1]}/net/dev"
}

# ---- configurations --------------------------------------------------------

nft_ct_rule='table inet bench {
	chain forward_filter {
		type filter hook forward priority 0; policy accept;
		ct state established,new accept
	}
}'

# configure CONFIG PROTO: that router, from scratch, for a workload.
configure() {
	local c=$1 proto=$2 ns=${RTR[$1]} i

	$VEER -n "$ns" service del bench >/dev/null 2>&1
	in_ns "$ns" sh -c 'nft flush ruleset; tc qdisc del dev eth0 clsact 2>/dev/null
		conntrack -F 2>/dev/null; true'
	# veer's GC reaps records whose conntrack entry is gone (a pass a
	# second, records younger than a second spared).
	for ((i = 0; i < 100; i++)); do
		snap "$c"
		[ "$S_flows" = 0 ] && [ "$S_ct" = 0 ] && break
		sleep 0.1
	done
	[ "$S_flows" = 0 ] && [ "$S_ct" = 0 ] ||
		die "chain $c: still flows=$S_flows conntrack=$S_ct after 10 s"
	case $c in
	gen)
		in_ns "$ns" sh -c 'tc qdisc add dev eth0 clsact &&
			tc filter add dev eth0 ingress pref 1 matchall action drop'
		;;
	none) ;;
	ct)
		in_ns "$ns" nft -f - <<<"$nft_ct_rule"
		;;
	hook)
		in_ns "$ns" nft -f - <<<"$nft_ct_rule" &&
			$VEER -n "$ns" service add bench addr 10.9.9.9 proto "$proto"
		;;
	veer0)
		in_ns "$ns" nft -f - <<<"$nft_ct_rule" &&
			$VEER -n "$ns" service add bench addr 10.2.0.2 proto "$proto"
		;;
	veer3)
		in_ns "$ns" nft -f - <<<"$nft_ct_rule" &&
			$VEER -n "$ns" config set gran-max-level 3 \
				gran-bandwidth 4294967295 gran-duration 0 \
				gran-frequency 4294967295 &&
			$VEER -n "$ns" service add bench addr 10.2.0.2 proto "$proto"
		;;
	esac || die "chain $c: configuration failed"
}

# ---- generators ------------------------------------------------------------

pg() { # CONFIG FILE COMMAND: one pktgen command in that chain's CLI
	echo "$3" >"/proc/${CPID[$1]}/net/pktgen/$2" ||
		die "pktgen: '$3' to $2: $(grep Result "/proc/${CPID[$1]}/net/pktgen/$2" 2>/dev/null)"
}

pktgen_setup() { # CONFIG [FLOWS]
	local c=$1 flows=${2:-$FLOWS} cmd
	pg "$c" kpktgend_0 rem_device_all
	pg "$c" kpktgend_0 "add_device eth0"
	for cmd in "clone_skb 0" "pkt_size 60" "delay 0" "dst 10.2.0.2" \
		"src_min 10.1.0.2" "src_max 10.1.0.2" "dst_mac ${RMAC[$c]}" \
		"udp_src_min $SPORT0" "udp_src_max $((SPORT0 + flows))" \
		"udp_dst_min 9" "udp_dst_max 9"; do
		pg "$c" eth0 "$cmd"
	done
}

# gen_udp CONFIG COUNT [untimed]: sets G_usec, G_sent (pktgen's own timing,
# in the kernel, of the whole count), and G_t0, G_t1 (CLOCK_REALTIME us just
# before and after it) with G_win empty (all of COUNT in that window).
gen_udp() {
	local c=$1 line out
	pg "$c" eth0 "count $2"
	# pgctrl acts on the writer's namespace; returns when the count is sent.
	# shellcheck disable=SC2016 # (expanded by the inner bash)
	out=$(in_ns "${CLI[$c]}" bash -c 'echo ${EPOCHREALTIME//[!0-9]/}
		echo start >/proc/net/pktgen/pgctrl || exit 1
		echo ${EPOCHREALTIME//[!0-9]/}') || { echo "# pktgen start failed"; return 1; }
	G_t0=${out%%$'\n'*} G_t1=${out##*$'\n'}
	G_usec='' G_sent='' G_win=''
	while read -r line; do
		case $line in
		Result:\ OK:*)
			line=${line#Result: OK: }
			G_usec=${line%%(*}
			line=${line#*usec, }
			G_sent=${line%% *}
			;;
		esac
	done <"/proc/${CPID[$c]}/net/pktgen/eth0"
	[[ $G_usec =~ ^[0-9]+$ && $G_sent =~ ^[0-9]+$ ]] && [ "$G_usec" -gt 0 ] ||
		{ echo "# pktgen: $(grep Result "/proc/${CPID[$c]}/net/pktgen/eth0")"; return 1; }
}

# tick: a 20 ms sleep without a fork (a read that times out on a FIFO
# nobody writes; /dev/fd, which <(...) needs, is missing in the guest).
tick_fifo=$(mktemp -u /tmp/bench-tick.XXXXXX)
mkfifo "$tick_fifo" || die "mkfifo"
defer rm -f "$tick_fifo"
exec {tick_fd}<>"$tick_fifo"
tick() {
	read -r -t 0.02 -u "$tick_fd" _ 2>/dev/null
	return 0
}

tg_out=$(mktemp /tmp/bench-trafgen.XXXXXX)
defer rm -f "$tg_out"

# An ACK with NOP NOP TS (as Linux sends): doff 8, checksums computed by
# trafgen (the source port is dynamic).
trafgen_cfg() { # CONFIG: path of that chain's trafgen configuration
	local cfgfile=/tmp/bench-tcp.$1
	[ -f "$cfgfile" ] || cat >"$cfgfile" <<EOF
{
  eth(da=${RMAC[$1]}, sa=${CMAC[$1]}),
  ipv4(saddr=10.1.0.2, daddr=10.2.0.2, ttl=64, df),
  tcp(sp=dinc($SPORT0, $((SPORT0 + FLOWS - 1))), dp=5001, seq=1000, aseq=1, doff=8, ack, window=512),
  0x01, 0x01, 0x08, 0x0a, c32(1234), c32(5678)
}
EOF
	echo "$cfgfile"
}

# gen_tcp CONFIG COUNT [untimed]: sets G_sent and, timed, G_usec and G_win,
# and G_t0, G_t1 (CLOCK_REALTIME us).  trafgen's own timing leaves out the
# last ring it fills, so the rate is measured on the router's receive
# counter while 10% to 90% of COUNT go through (polled every 20 ms): G_win
# packets between G_t0 and G_t1.
gen_tcp() {
	local c=$1 n=$2 timed=${3:-1} cfg pid lo hi now t0='' c0='' t1='' c1=
	cfg=$(trafgen_cfg "$c")
	read_rx0 "$c"
	lo=$((R_rx0 + n / 10))
	hi=$((R_rx0 + n * 9 / 10))
	ip netns exec "${CLI[$c]}" trafgen -i "$cfg" -o eth0 -n "$n" -P 1 --no-sock-mem -Q \
		</dev/null >"$tg_out" 2>&1 &
	pid=$!
	while [ "$timed" = 1 ]; do
		tick
		read_rx0 "$c"
		now=${EPOCHREALTIME//[!0-9]/}
		if [ -z "$t0" ] && [ "$R_rx0" -ge "$lo" ]; then
			t0=$now c0=$R_rx0
		elif [ -n "$t0" ] && [ "$R_rx0" -ge "$hi" ]; then
			t1=$now c1=$R_rx0
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
	done
	wait "$pid" || { echo "# trafgen failed: $(tr -d '\r' <"$tg_out")"; return 1; }
	G_sent='' G_usec='' G_win=''
	[[ $(<"$tg_out") =~ ([0-9]+)\ packets\ outgoing ]] && G_sent=${BASH_REMATCH[1]}
	[ -n "$G_sent" ] || { echo "# trafgen: $(tr -d '\r' <"$tg_out")"; return 1; }
	[ "$timed" = 1 ] || return 0
	# (the guest's shell may have slept through the whole window: then
	# the first sample is past 90% already and the burst has no timing)
	if [ -z "$t1" ] || [ "$t1" -le "$t0" ] || [ "$c1" -le "$c0" ]; then
		echo "# trafgen: no timing window (10%..90% not seen apart): burst not timed"
		return 2
	fi
	G_usec=$((t1 - t0))
	G_win=$((c1 - c0))
	G_t0=$t0 G_t1=$t1
}

# ---- checks ----------------------------------------------------------------

# check_run WORKLOAD CONFIG ROUND PKTS: compares B_* (before the burst) and
# S_* (after) with what CONFIG claims.
# shellcheck disable=SC2154 # B_* are set by snap_save B
check_run() {
	local w=$1 c=$2 r=$3 n=$4 ctwant veer=0 ok=1 d
	local rx=$((S_rx0 - B_rx0)) tx=$((S_tx1 - B_tx1)) vp=$((S_vpkts - B_vpkts))

	chk() { # CONDITION... REASON (last argument)
		local why=${*: -1}
		if ! eval "${*:1:$#-1}"; then
			fail "$w $c $r $why"
			ok=0
		fi
	}
	case $c in veer0 | veer3) veer=1 ;; esac
	case $c in gen | none) ctwant=0 ;; *) ctwant=$FLOWS ;; esac

	if [ "$w" = iperf ]; then
		case $c in
		none) chk '[ "$S_ct" = 0 ]' "conntrack has $S_ct entries" ;;
		*) chk '[ "$S_ct" -ge "$IPERF_STREAMS" ]' "conntrack has $S_ct entries" ;;
		esac
		if [ "$veer" = 1 ]; then
			chk '[ "$S_flows" -ge "$IPERF_STREAMS" ]' "veer has $S_flows flows"
			chk '[ "$vp" -gt 0 ]' "veer saw no packet"
			if [ "$c" = veer0 ]; then
				chk '[ "$S_l0" = "$S_flows" ]' "level0 $S_l0 of $S_flows flows"
			else
				chk '[ "$S_l3" = "$S_flows" ]' "level3 $S_l3 of $S_flows flows"
			fi
		else
			chk '[ "$vp" = 0 ]' "veer saw $vp packets"
		fi
		return $((!ok))
	fi

	chk '[ "$G_sent" = "$n" ]' "generator sent $G_sent of $n"
	chk '[ "$rx" -ge "$n" ]' "router eth0 received $rx of $n"
	if [ "$c" = gen ]; then
		chk '[ "$tx" -lt 10 ]' "router forwarded $tx packets while dropping at ingress"
	else
		chk '[ "$tx" -ge "$n" ] && [ "$tx" -le $((n + 10)) ]' "router forwarded $tx of $n"
	fi
	chk '[ "$S_ct" = "$ctwant" ]' "conntrack has $S_ct entries, expected $ctwant"
	d=$((S_invalid - B_invalid))
	chk '[ "$d" = 0 ]' "conntrack counted $d invalid packets"
	case $c in
	hook)
		chk '[ "$vp" -ge "$n" ] && [ "$vp" -le $((n + 10)) ]' "veer saw $vp of $n packets"
		chk '[ "$S_flows" = 0 ]' "veer has $S_flows flows, expected none"
		;;
	veer0 | veer3)
		chk '[ "$vp" -ge "$n" ] && [ "$vp" -le $((n + 10)) ]' "veer saw $vp of $n packets"
		chk '[ "$S_flows" = "$FLOWS" ]' "veer has $S_flows flows, expected $FLOWS"
		# Every record lives through the burst: none made, replaced,
		# evicted, reaped, or refused for lack of memory.
		d="new $((S_fnew - B_fnew)) recycled $((S_recycled - B_recycled))"
		d+=" evicted $((S_evicted - B_evicted)) reaped $((S_reaped - B_reaped))"
		d+=" nomem $((S_nomem - B_nomem))"
		chk '[ "$d" = "new 0 recycled 0 evicted 0 reaped 0 nomem 0" ]' \
			"records changed during the burst: $d"
		if [ "$c" = veer0 ]; then
			chk '[ "$S_l0" = "$FLOWS" ] && [ "$S_l3" = 0 ]' "levels: level0 $S_l0 level3 $S_l3"
		else
			chk '[ "$S_l3" = "$FLOWS" ] && [ "$S_l0" = 0 ] && [ "$S_aggs" -ge 3 ]' \
				"levels: level0 $S_l0 level3 $S_l3 aggregates $S_aggs"
		fi
		;;
	*)
		chk '[ "$vp" = 0 ]' "veer saw $vp packets"
		;;
	esac
	return $((!ok))
}

# ---- runs ------------------------------------------------------------------

SEQ=0

# burst WORKLOAD CONFIG ROUND PKTS
burst() {
	local w=$1 c=$2 r=$3 n=$4 delivered

	snap "$c"
	snap_save B
	# The window, in the guest's CLOCK_REALTIME (us), for run.sh to map
	# onto the CPU time QEMU got meanwhile (cpuclock.py); the sync line
	# pins this clock to the host's.
	echo "BENCH sync ${EPOCHREALTIME//[!0-9]/}"
	"gen_$w" "$c" "$n"
	case $? in
	0) ;;
	2) return ;; # not timed: no figure, nothing wrong
	*) fail "$w $c $r generator failed"; return ;;
	esac
	snap "$c"
	if [ "$c" = gen ]; then
		delivered=$((S_rx0 - B_rx0))
	else
		delivered=$((S_tx1 - B_tx1))
	fi
	check_run "$w" "$c" "$r" "$n"
	# pktgen: every packet delivered over its time; trafgen: the window.
	SEQ=$((SEQ + 1))
	echo "BENCH run $w $c $r $((${G_win:-$delivered} * 1000000 / G_usec)) pps $G_usec $G_sent $delivered" \
		"ct=$S_ct flows=$S_flows level0=$S_l0 level3=$S_l3 aggs=$S_aggs" \
		"veer_pkts=$((S_vpkts - B_vpkts)) seq=$SEQ t0=$G_t0 t1=$G_t1 wpkts=${G_win:-$delivered}"
}

# run_iperf CONFIG ROUND
run_iperf() {
	local c=$1 r=$2 out bps

	snap "$c"
	snap_save B
	out=$(in_ns "${CLI[$c]}" iperf3 -c 10.2.0.2 -t "$IPERF_DUR" -P "$IPERF_STREAMS" -J 2>&1)
	snap "$c"
	bps=$(jq -r '.end.sum_received.bits_per_second // empty' <<<"$out" 2>/dev/null)
	if [ -z "$bps" ]; then
		fail "iperf $c $r iperf3 failed: $(jq -r '.error // empty' <<<"$out" 2>/dev/null)"
		return
	fi
	check_run iperf "$c" "$r" 0
	echo "BENCH run iperf $c $r ${bps%.*} bit/s $((IPERF_DUR * 1000000)) - -" \
		"ct=$S_ct flows=$S_flows level0=$S_l0 level3=$S_l3 aggs=$S_aggs" \
		"veer_pkts=$((S_vpkts - B_vpkts))"
}

# Round R's bursts: ct between any two others and at both ends, the others'
# order reversed every other round (or just that order without ct).
sequence() { # ROUND CONFIG...
	local r=$1 c have_ct=0
	shift
	for c in "$@"; do [ "$c" = ct ] && have_ct=1; done
	if [ "$have_ct" = 0 ]; then
		order "$r" "$@"
		return
	fi
	echo -n "ct"
	for c in $(order "$r" "$@"); do
		[ "$c" = ct ] && continue
		echo -n " $c ct"
	done
	echo
}

# The configurations in round R's order: reversed every other round.
order() { # ROUND CONFIG...
	local r=$1 i
	shift
	local -a l=("$@")
	if ((r % 2)); then
		echo "${l[@]}"
	else
		for ((i = ${#l[@]} - 1; i >= 0; i--)); do printf '%s ' "${l[i]}"; done
	fi
}

# ---- veer's GC: the time of its passes --------------------------------------
# gc_probe CONFIG: with only that chain holding veer records, GC_FLOWS of
# them (the other chains' conntrack flushed, their records reaped), trace
# veer_flow_gc for a few seconds (function_graph, one event per namespace a
# second).  Only veer_flow_gc itself is patched (set_ftrace_filter): with
# every function traced and the graph merely filtered, each function the
# pass calls (the rhashtable walk, the conntrack lookup, the locks) would
# go through the tracer's entry and exit hooks too, which under TCG more
# than doubled the figure.
gc_probe() {
	local c=$1 o n=0 sum=0 max=0 line us i secs=6 T

	T=/sys/kernel/tracing
	[ -e "$T/trace" ] || mount -t tracefs nodev "$T" 2>/dev/null
	[ -e "$T/trace" ] || T=/sys/kernel/debug/tracing
	if ! [ -w "$T/set_graph_function" ] ||
		! grep -q '^veer_flow_gc ' "$T/available_filter_functions" 2>/dev/null; then
		echo "# gc probe: no function_graph tracing of veer_flow_gc here"
		return 0
	fi
	for o in $CONFIGS; do
		case $o in veer0 | veer3) ;; *) continue ;; esac
		[ "$o" = "$c" ] && continue
		in_ns "${RTR[$o]}" conntrack -F >/dev/null 2>&1
	done
	pktgen_setup "$c" "$GC_FLOWS"
	gen_udp "$c" $((2 * GC_FLOWS)) || { fail "gc $c - generator failed"; return; }
	pktgen_setup "$c"
	for ((i = 0; i < 100; i++)); do
		n=0
		for o in $CONFIGS; do
			[ "$o" = "$c" ] && continue
			snap "$o"
			n=$((n + S_flows))
		done
		[ "$n" = 0 ] && break
		sleep 0.1
	done
	[ "$n" = 0 ] || { fail "gc $c - other chains still hold $n records"; return; }
	echo veer_flow_gc >"$T/set_ftrace_filter" &&
		echo veer_flow_gc >"$T/set_graph_function" &&
		echo 1 >"$T/max_graph_depth" &&
		echo function_graph >"$T/current_tracer" &&
		echo >"$T/trace" &&
		echo 1 >"$T/tracing_on" || { echo "# gc probe: cannot start the tracer"; return 0; }
	sleep "$secs"
	echo 0 >"$T/tracing_on"
	n=0
	while read -r line; do
		[[ $line =~ ([0-9]+)\.[0-9]+\ us\ +\|\ +veer_flow_gc ]] || continue
		us=${BASH_REMATCH[1]}
		n=$((n + 1))
		sum=$((sum + us))
		[ "$us" -gt "$max" ] && max=$us
	done <"$T/trace"
	echo nop >"$T/current_tracer"
	echo >"$T/set_graph_function"
	echo >"$T/set_ftrace_filter"
	snap "$c"
	echo "# gc probe $c: flows $S_flows, created $S_fnew, reaped $S_reaped, evicted $S_evicted," \
		"recycled $S_recycled, nomem $S_nomem, conntrack $S_ct (totals)"
	[ "$n" -gt 0 ] || { echo "# gc probe: no pass traced"; return 0; }
	echo "BENCH gc $c $S_flows $n $((sum / n)) $max $sum $secs"
	[ "$S_flows" = "$GC_FLOWS" ] || fail "gc $c - $S_flows records traced, expected $GC_FLOWS"
}

# ---- main ------------------------------------------------------------------

cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
echo "BENCH info kernel $(uname -r)"
ko=${VEER_BENCH_KO:-${VEER_KO:-}}
echo "BENCH info module ${ko:-veer} srcversion $(modinfo -F srcversion "${ko:-veer}" 2>/dev/null)"
echo "BENCH info cpus $(nproc)"
echo "BENCH info clocksource ${cs:-unknown}"
echo "BENCH info flows $FLOWS per chain (GC probe: $GC_FLOWS)"
echo "BENCH info packets udp $UDP_PKTS, tcp $TCP_PKTS per burst"
echo "BENCH info rounds $ROUNDS"
echo "BENCH info iperf $IPERF_ROUNDS x ${IPERF_DUR}s, $IPERF_STREAMS streams"
echo "BENCH info configs $CONFIGS"

for c in $CONFIGS; do make_chain "$c"; done

for w in $WORKLOADS; do
	case $w in
	udp | tcp)
		sink_on
		for c in $CONFIGS; do
			configure "$c" "$w"
			[ "$w" = udp ] && pktgen_setup "$c"
			# Warm-up: every flow created (conntrack, veer, aggregates).
			"gen_$w" "$c" $((2 * FLOWS)) untimed || die "chain $c: warm-up failed"
		done
		n=$UDP_PKTS
		[ "$w" = tcp ] && n=$TCP_PKTS
		for ((r = 1; r <= ROUNDS; r++)); do
			for c in $(sequence "$r" $CONFIGS); do
				burst "$w" "$c" "$r" "$n"
			done
		done
		if [ "$w" = udp ]; then
			for c in $CONFIGS; do
				case $c in veer0 | veer3) gc_probe "$c" ;; esac
			done
		fi
		;;
	iperf)
		sink_off
		for c in $CONFIGS; do
			case $c in gen | hook) continue ;; esac
			configure "$c" tcp
			in_ns "${SRV[$c]}" iperf3 -s -D || die "iperf3 server in chain $c"
			slowwait 10 in_ns "${SRV[$c]}" sh -c 'ss -ltn | grep -q ":5201 "' >/dev/null ||
				die "iperf3 server not listening in chain $c"
		done
		for ((r = 1; r <= IPERF_ROUNDS; r++)); do
			for c in $(order "$r" $CONFIGS); do
				case $c in gen | hook) continue ;; esac
				run_iperf "$c" "$r"
			done
		done
		;;
	*) die "unknown workload $w" ;;
	esac
done
exit "$failed"
