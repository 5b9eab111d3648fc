#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow-tracking forwarding benchmark: packets per second through a router
# namespace with no conntrack, conntrack alone, conntrack + veer at level 0
# and at level 3 (plus a generator-only calibration and veer's hooks without
# records, to split the cost), one namespace chain per configuration in one
# QEMU guest, measured in short interleaved bursts; prints the medians and
# the ratios against conntrack alone, and veer's GC time.  Under TCG only
# the ratios mean anything.  See tests/bench/flow/README.md for the method,
# guest.sh for the topology, workloads and checks, and Documentation/flows.md
# ("Benchmarks") for results.
#
# Usage: tests/bench/flow/run.sh [--kver KVER] [--tree] [--no-build]
#                                [--fresh | --report]
#
#   --kver      guest kernel: 6.1, 6.12 or a release in /lib/modules
#               (tests/vm/run.sh --kver; default 6.1)
#   --tree      measure the work tree's build/kmod/<release>/veer.ko (built
#               by `make modules` unless --no-build) instead of a module
#               built from a clean export of HEAD's kmod/ (the default, so
#               that the figures belong to a commit even while others edit
#               the tree)
#   --no-build  do not run make (the CLI, and with --tree the module, must
#               already be in build/)
#   --fresh     forget the runs kept from before (see Output)
#   --report    run no guest: report on the runs kept
#
# Environment (passed to the guest): VEER_BENCH_FLOWS (1000 per chain),
# VEER_BENCH_GC_FLOWS (10000, the GC probe's records), VEER_BENCH_PKTS
# (6000 UDP packets per burst), VEER_BENCH_TCP_PKTS (6000 TCP),
# VEER_BENCH_ROUNDS (40), VEER_BENCH_CONFIGS ("gen none ct hook veer0
# veer3"), VEER_BENCH_WORKLOADS ("udp tcp iperf"), VEER_BENCH_IPERF_ROUNDS
# (5), VEER_BENCH_IPERF_DUR (2 s).  About 25 minutes under TCG.
#
# Output: each guest run in build/bench/flow/runs/<time>/ (raw.txt: the
# guest's output; cpu.txt: each burst's CPU time, from cpuclock.py; vm.log;
# key: what must match to pool runs).  The report (build/bench/flow/
# report.txt, printed) pools every kept run with the same key (module,
# kernel, settings): a guest killed half way still counts for the bursts it
# finished.  Exit status: 0 when the guest ran and every burst passed its
# checks.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tests/bench/flow
out=$top/build/bench/flow
kver=6.1
build=1
tree=0
fresh=0
report_only=0

die() {
	echo "bench: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=${2:?--kver needs a value}; shift ;;
	--kver=*) kver=${1#*=} ;;
	--no-build) build=0 ;;
	--tree) tree=1 ;;
	--fresh) fresh=1 ;;
	--report) report_only=1 ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
	shift
done

mkdir -p "$out/runs"
[ "$fresh" = 1 ] && rm -rf "${out:?}/runs" && mkdir -p "$out/runs"
case $kver in
6.1 | 6.12)
	rel=$(find /lib/modules -mindepth 1 -maxdepth 1 -name "$kver.*" -printf '%f\n' |
		grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -n1 || true)
	;;
*) rel=$kver ;;
esac
{ [ -n "$rel" ] && [ -d "/lib/modules/$rel/build" ]; } ||
	die "no kernel headers for '$kver' in /lib/modules (for the debug kernel use --tree)"

if [ "$build" = 1 ] && [ "$report_only" = 0 ]; then
	echo "bench: building the CLI$([ "$tree" = 1 ] && echo " and the module")" >&2
	what=userspace
	[ "$tree" = 1 ] && what="modules userspace"
	# shellcheck disable=SC2086
	make -s -C "$top" $what >"$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "build failed (build/bench/flow/build.log)"; }
fi

rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$tree" = 1 ]; then
	ko=$top/build/kmod/$rel/veer.ko
	[ -f "$ko" ] || die "no $ko: build the module first (make modules)"
	dirty=$(git -C "$top" status --porcelain -- kmod uapi Kbuild 2>/dev/null | wc -l)
	modsrc="the work tree's build/kmod/$rel/veer.ko (at $rev"
	[ "$dirty" -gt 0 ] && modsrc+=" + $dirty uncommitted change(s) in kmod/ uapi/"
	modsrc+=")"
	unset VEER_BENCH_KO
elif [ "$report_only" = 1 ]; then
	ko=$out/src/veer.ko
	[ -f "$ko" ] || die "no module built yet: run without --report first"
	modsrc="veer.ko built from HEAD ($(cat "$out/src/REV" 2>/dev/null || echo '?'))"
else
	# HEAD's module sources, exported and built for this kernel alone.
	src=$out/src
	rm -rf "$src"
	mkdir -p "$src"
	git -C "$top" archive HEAD Kbuild kmod uapi | tar -x -C "$src" ||
		die "cannot export HEAD's kmod/ (not a git checkout?)"
	echo "$rev" >"$src/REV"
	echo "bench: building veer.ko from HEAD ($rev) for $rel" >&2
	make -C "/lib/modules/$rel/build" M="$src" modules >"$out/build-ko.log" 2>&1 ||
		{ tail -n 30 "$out/build-ko.log" >&2; die "module build failed (build/bench/flow/build-ko.log)"; }
	ko=$src/veer.ko
	modsrc="veer.ko built from HEAD ($rev)"
	export VEER_BENCH_KO=$ko
fi
[ "$report_only" = 1 ] || [ -x "$top/build/userspace/veer" ] || die "no build/userspace/veer: build the CLI first"

# Runs pool when they measured the same module the same way.
envs=$(env | grep -E '^VEER_BENCH_' | grep -v -e '^VEER_BENCH_KO=' -e '^VEER_BENCH_ROUNDS=' \
	-e '^VEER_BENCH_IPERF_ROUNDS=' | sort | tr '\n' ' ' || true)
# (veer.ko has no srcversion: its digest says which module it is.)
key="$(sha256sum "$ko" | cut -c1-16) $rel $envs"

if [ "$report_only" = 0 ]; then
	"$top/tests/vm/stage-depmod.sh" "$ko" >"$out/depmod.log" 2>&1 ||
		{ cat "$out/depmod.log" >&2; die "stage-depmod failed"; }

	# The guest's own test runner applies a per-test timeout: make it the
	# guest's, with room for boot.
	rounds=${VEER_BENCH_ROUNDS:-40}
	vm_timeout=$((1800 + rounds * 60))
	export VEER_TEST_TIMEOUT=$((vm_timeout - 120))

	# The guest's QEMU (tests/vm/run.sh -> timeout -> qemu), once it has a slot.
	qemu_of() { # PID of tests/vm/run.sh
		local t q
		for t in $(ps -o pid= --ppid "$1" 2>/dev/null); do
			for q in $(ps -o pid= --ppid "$t" 2>/dev/null); do
				case $(cat "/proc/$q/comm" 2>/dev/null) in
				qemu-system-*) echo "$q"; return 0 ;;
				esac
			done
		done
		return 1
	}

	run=$out/runs/$(date -u +%Y%m%dT%H%M%SZ)
	mkdir -p "$run"
	echo "$key" >"$run/key"
	echo "bench: running the guest (kernel $rel; may wait for a VM slot); output in ${run#"$top"/}/raw.txt" >&2
	set +e
	"$top/tests/vm/run.sh" --kver "$rel" --timeout "$vm_timeout" -- \
		"$top/tests/selftests/run-in-guest.sh" "$here/guest.sh" >"$run/raw.txt" 2>"$run/vm.log" &
	vm_pid=$!
	# On the host, the CPU time QEMU's TCG thread gets (cpuclock.py): the
	# guest's clock runs on while QEMU waits for a CPU of this shared machine.
	sampler=
	while kill -0 "$vm_pid" 2>/dev/null; do
		if q=$(qemu_of "$vm_pid"); then
			python3 "$here/cpuclock.py" sample "$q" "$run/cpu.samples" 2>"$run/cpuclock.log" &
			sampler=$!
			break
		fi
		sleep 1
	done
	wait "$vm_pid"
	vm_rc=$?
	[ -n "$sampler" ] && wait "$sampler"
	set -e
	grep -E '^vm: (kernel splat|guest timed out|waiting|got a VM slot)' "$run/vm.log" >&2 || true
	if ! { [ -f "$run/cpu.samples.t" ] &&
		python3 "$here/cpuclock.py" windows "$run/cpu.samples" "$run/raw.txt" >"$run/cpu.txt" 2>>"$run/cpuclock.log"; }; then
		rm -f "$run/cpu.txt"
		echo "bench: no host CPU-time samples (${run#"$top"/}/cpuclock.log): rates in the guest's clock" >&2
	fi
	rm -f "$run"/cpu.samples.*
	[ "$vm_rc" = 0 ] || echo "bench: the guest run failed (status $vm_rc); its finished bursts still count" >&2
fi

# Every kept run of this module and these settings.
runs=()
for d in "$out"/runs/*/; do
	d=${d%/}
	[ -f "$d/raw.txt" ] && [ "$(cat "$d/key" 2>/dev/null)" = "$key" ] &&
		grep -q 'BENCH run' "$d/raw.txt" && runs+=("$d")
done
[ "${#runs[@]}" -gt 0 ] || die "no finished bursts to report on"

args="--kver $kver"
[ "$tree" = 1 ] && args+=" --tree"
rep_rc=0
python3 "$here/report.py" "${runs[@]}" -- \
	"command: ${envs}tests/bench/flow/run.sh $args (runs of ${VEER_BENCH_ROUNDS:-40} rounds pooled)" \
	"module: $modsrc; kernel $rel; host: $(nproc) CPUs, load average now $(cut -d' ' -f1-3 /proc/loadavg)" \
	>"$out/report.txt" || rep_rc=$?
cat "$out/report.txt"
[ "$report_only" = 1 ] || [ "$vm_rc" = 0 ] || die "the guest run failed (status $vm_rc): see ${run#"$top"/}/vm.log"
[ "$rep_rc" -eq 0 ] || die "some bursts failed their checks (see the report)"
