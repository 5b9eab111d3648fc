# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - helpers for veer selftests, in the style of the kernel's
# tools/testing/selftests/net/lib.sh.  Source it from a test:
#
#     source "$(dirname "$0")/lib.sh"
#
# Tests run as root, normally inside the QEMU guest (tests/vm/run.sh sets
# VEER_GUEST=1), driven by tests/selftests/run.sh, which indents their output
# and reads their exit status: 0 pass, 1 fail, 4 ($ksft_skip) skip.
#
# Results inside a test (TAP-style subtests):
#     RET=0                         start a subtest
#     ...; check_err $? "msg"       record a failure if $? != 0
#     ...; check_fail $? "msg"      record a failure if $? == 0
#     log_test "description"        print "ok N - description" or
#                                   "not ok N - description" (+ "# msg")
#     log_test_skip "desc" "why"    print "ok N - desc # SKIP why"
#     ksft_exit                     print the plan "1..N" and exit with 1 if
#                                   any subtest failed, 4 if all were
#                                   skipped, else 0
#
# Preconditions (exit $ksft_skip with a reason when unmet):
#     require_root, require_guest, require_cmd CMD..., require_module MOD...,
#     require_veer [PARAM=VAL...] (loads veer.ko or skips)
#
# Cleanup registry, run in reverse order on exit (also on error or signal):
#     defer CMD [ARGS...]           register CMD to run at exit
#     defer_scope_push / defer_scope_pop   nested scopes; pop runs the
#                                   commands registered since the push
#
# Network namespaces and links:
#     setup_ns VAR...               create netns "VAR-XXXXXX" (unique), set
#                                   $VAR to its name, bring lo up, register
#                                   its removal
#     cleanup_ns NS...              kill its processes and delete it
#     cleanup_all_ns                delete every netns setup_ns created
#     add_veth NS1 IF1 ADDR1 NS2 IF2 ADDR2
#                                   veth pair NS1/IF1 <-> NS2/IF2, up, with
#                                   addresses (CIDR; IPv4 or IPv6, "" for none;
#                                   several may be given separated by commas)
#     in_ns NS CMD...               ip netns exec NS CMD...
#     ping_ok NS ADDR [COUNT]       ping (v4 or v6) from NS succeeds
#
# Waiting:
#     busywait TIMEOUT_MS CMD...    retry CMD every 10 ms until it succeeds
#     slowwait TIMEOUT_S CMD...     retry CMD every 100 ms until it succeeds
#     (both return CMD's last status; the last output is printed)
#
# veer:
#     veer_ko_loaded                veer.ko is loaded
#     veer_debug_kernel             the guest runs the KASAN/lockdep kernel
#     veer_load [PARAM=VAL...]      modprobe veer (or insmod $VEER_KO)
#     veer_unload                   modprobe -r veer
#     veer_cli                      path of the veer CLI ($VEER_CLI, the
#                                   build tree, or PATH); "" if none
#     veer_proc NS FILE             cat /proc/net/veer/FILE inside NS
#
# Misc: log_info MSG (a "# MSG" comment line), VEER_TOP (repository top).

# shellcheck disable=SC2034 # used by the tests that source this file
ksft_pass=0
ksft_fail=1
ksft_xfail=2
ksft_skip=4

# (Builtins only: under TCG every fork and exec costs tens of milliseconds.)
if [ -z "${VEER_TOP:-}" ]; then
	_veer_here=${BASH_SOURCE[0]%/*}
	[ "$_veer_here" = "${BASH_SOURCE[0]}" ] && _veer_here=.
	_veer_old=$PWD
	cd -- "$_veer_here/../.." && VEER_TOP=$PWD
	cd -- "$_veer_old" || true
	unset _veer_here _veer_old
fi
export VEER_TOP

# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------

RET=0
retmsg=
EXIT_STATUS=0
ksft_num=0
ksft_nskip=0

log_info() {
	echo "# $*"
}

# check_err ERR MSG: a non-zero ERR fails the current subtest (first wins).
check_err() {
	local err=$1 msg=$2

	if [ "$RET" -eq 0 ] && [ "$err" -ne 0 ]; then
		RET=$err
		retmsg=$msg
	fi
}

# check_fail ERR MSG: a zero ERR (the command was expected to fail) fails it.
check_fail() {
	local err=$1 msg=$2

	if [ "$RET" -eq 0 ] && [ "$err" -eq 0 ]; then
		RET=$ksft_fail
		retmsg=$msg
	fi
}

log_test() {
	local desc=$1

	ksft_num=$((ksft_num + 1))
	if [ "$RET" -eq 0 ]; then
		echo "ok $ksft_num - $desc"
	else
		echo "not ok $ksft_num - $desc"
		[ -n "$retmsg" ] && echo "# $retmsg"
		EXIT_STATUS=$ksft_fail
	fi
	RET=0
	retmsg=
	return 0
}

log_test_skip() {
	local desc=$1 why=${2:-}

	ksft_num=$((ksft_num + 1))
	ksft_nskip=$((ksft_nskip + 1))
	echo "ok $ksft_num - $desc # SKIP${why:+ $why}"
	RET=0
	retmsg=
	return 0
}

ksft_exit() {
	echo "1..$ksft_num"
	if [ "$EXIT_STATUS" -ne 0 ]; then
		exit "$EXIT_STATUS"
	fi
	if [ "$ksft_num" -gt 0 ] && [ "$ksft_nskip" -eq "$ksft_num" ]; then
		exit "$ksft_skip"
	fi
	exit "$ksft_pass"
}

# skip_test REASON: skip the whole test now.
skip_test() {
	echo "SKIP: $*"
	exit "$ksft_skip"
}

# ---------------------------------------------------------------------------
# Preconditions
# ---------------------------------------------------------------------------

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_test "must run as root"
}

require_guest() {
	[ "${VEER_GUEST:-0}" = 1 ] || skip_test "must run inside the test VM (tests/vm/run.sh)"
}

require_cmd() {
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_test "$c not installed"
	done
}

require_module() {
	local m

	for m in "$@"; do
		modprobe -q "$m" 2>/dev/null || skip_test "module $m not available"
	done
}

# ---------------------------------------------------------------------------
# Cleanup registry
# ---------------------------------------------------------------------------

# Commands are stored as one shell-quoted string each; scopes are indices.
_defer_cmds=()
_defer_scopes=()

defer() {
	local q

	printf -v q '%q ' "$@"
	_defer_cmds+=("$q")
}

_defer_run_from() {
	local from=$1 i

	for ((i = ${#_defer_cmds[@]} - 1; i >= from; i--)); do
		eval "${_defer_cmds[i]}" || true
		unset '_defer_cmds[i]'
	done
	_defer_cmds=("${_defer_cmds[@]}")
}

defer_scope_push() {
	_defer_scopes+=("${#_defer_cmds[@]}")
}

defer_scope_pop() {
	local n=${#_defer_scopes[@]}

	[ "$n" -gt 0 ] || return 0
	_defer_run_from "${_defer_scopes[n - 1]}"
	unset '_defer_scopes[n - 1]'
}

defer_cleanup_all() {
	_defer_run_from 0
	_defer_scopes=()
}

_lib_exit() {
	local rc=$?

	trap - EXIT
	set +e
	defer_cleanup_all >/dev/null 2>&1
	cleanup_all_ns >/dev/null 2>&1
	exit "$rc"
}
trap _lib_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# Network namespaces
# ---------------------------------------------------------------------------

NS_LIST=()

cleanup_ns() {
	local ns pids i

	for ns in "$@"; do
		[ -n "$ns" ] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		for i in "${!NS_LIST[@]}"; do
			[ "${NS_LIST[i]}" = "$ns" ] && unset 'NS_LIST[i]'
		done
	done
	NS_LIST=("${NS_LIST[@]}")
	return 0
}

cleanup_all_ns() {
	cleanup_ns "${NS_LIST[@]}"
}

setup_ns() {
	local _sn_var _sn_ns

	for _sn_var in "$@"; do
		_sn_ns="$_sn_var-$(mktemp -u XXXXXX)"
		if ! ip netns add "$_sn_ns"; then
			echo "# setup_ns: cannot create netns $_sn_ns" >&2
			return "$ksft_skip"
		fi
		ip -n "$_sn_ns" link set lo up
		NS_LIST+=("$_sn_ns")
		printf -v "$_sn_var" '%s' "$_sn_ns"
	done
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

_ns_add_addrs() {
	local ns=$1 dev=$2 addrs=$3 a
	local IFS=,

	for a in $addrs; do
		[ -n "$a" ] || continue
		case $a in
		*:*) ip -n "$ns" -6 addr add "$a" dev "$dev" nodad || return 1 ;;
		*) ip -n "$ns" addr add "$a" dev "$dev" || return 1 ;;
		esac
	done
}

add_veth() {
	local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6

	ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2" || return 1
	_ns_add_addrs "$ns1" "$if1" "$a1" || return 1
	_ns_add_addrs "$ns2" "$if2" "$a2" || return 1
	ip -n "$ns1" link set "$if1" up && ip -n "$ns2" link set "$if2" up
}

ping_ok() {
	local ns=$1 addr=$2 count=${3:-1} six=

	case $addr in *:*) six=-6 ;; esac
	ip netns exec "$ns" ping $six -q -c "$count" -i 0.2 -W 2 "$addr" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# Waiting
# ---------------------------------------------------------------------------

_loop_until() {
	local sleep=$1 timeout_ms=$2 start now out rc
	shift 2

	start=$(date +%s%3N)
	while :; do
		out=$("$@")
		rc=$?
		if [ "$rc" -eq 0 ]; then
			[ -n "$out" ] && echo "$out"
			return 0
		fi
		now=$(date +%s%3N)
		if [ $((now - start)) -ge "$timeout_ms" ]; then
			[ -n "$out" ] && echo "$out"
			return "$rc"
		fi
		sleep "$sleep"
	done
}

busywait() {
	local timeout_ms=$1
	shift
	_loop_until 0.01 "$timeout_ms" "$@"
}

slowwait() {
	local timeout_s=$1
	shift
	_loop_until 0.1 $((timeout_s * 1000)) "$@"
}

# ---------------------------------------------------------------------------
# veer
# ---------------------------------------------------------------------------

# The KASAN + lockdep + kmemleak guest kernel (tests/vm/build-debug-kernel.sh):
# for tests that scale their load down there.
veer_debug_kernel() {
	case $(uname -r) in *-veer-debug*) return 0 ;; esac
	return 1
}

veer_ko_loaded() {
	[ -d /sys/module/veer ] && grep -q '^veer ' /proc/modules
}

veer_load() {
	veer_ko_loaded && return 0
	modprobe veer "$@" 2>/dev/null && return 0
	# insmod does not load dependencies: bring them in first.
	modprobe nf_conntrack 2>/dev/null
	modprobe nf_synproxy_core 2>/dev/null
	[ -n "${VEER_KO:-}" ] && [ -f "$VEER_KO" ] && insmod "$VEER_KO" "$@"
}

veer_unload() {
	veer_ko_loaded || return 0
	modprobe -r veer 2>/dev/null || rmmod veer
}

require_veer() {
	veer_load "$@" || skip_test "veer.ko not available (set VEER_KO or install it)"
}

veer_cli() {
	local c

	for c in "${VEER_CLI:-}" "$VEER_TOP/build/userspace/veer"; do
		[ -n "$c" ] && [ -f "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
	done
	command -v veer 2>/dev/null || true
}

veer_proc() {
	local ns=$1 file=$2
	ip netns exec "$ns" cat "/proc/net/veer/$file"
}
