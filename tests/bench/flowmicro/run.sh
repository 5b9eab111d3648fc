#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow-table microbenchmark, on the host: ns/op of veer's record lookup
# (hit, miss) and lookup+update (veer_flow_packet) at a million records,
# against an open-addressing baseline in the same process; then the same
# operations under callgrind (instructions and simulated last-level cache
# misses per operation: stable on a shared machine).  See README.md.
#
# Usage: tests/bench/flowmicro/run.sh [-n RECORDS] [-r RUNS] [-o CG_OPS]
#                                     [--tree | --rev REV] [--no-callgrind]
#
#   -n      records in the table (default 1000000)
#   -r      timed runs, interleaved, medians reported (default 7)
#   -o      operations per callgrind measurement (default 200000)
#   --tree  compile the work tree's kmod/ instead of a clean export of
#           HEAD's (the default, so that the figures belong to a commit
#           even while others edit the tree)
#   --rev   export that commit's kmod/ instead of HEAD's (before/after)
#
# Output: build/bench/flowmicro/report.txt (printed), native.txt, cg/.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tests/bench/flowmicro
out=$top/build/bench/flowmicro
records=1000000
runs=7
cg_ops=200000
callgrind=1
tree=0
rev=HEAD

die() {
	echo "flowmicro: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	-n) records=${2:?-n needs a value}; shift ;;
	-r) runs=${2:?-r needs a value}; shift ;;
	-o) cg_ops=${2:?-o needs a value}; shift ;;
	--no-callgrind) callgrind=0 ;;
	--tree) tree=1 ;;
	--rev) rev=${2:?--rev needs a commit}; shift ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
	shift
done
case $records$runs$cg_ops in *[!0-9]*) die "-n, -r and -o take integers" ;; esac

# What it needs from Debian, installed when missing (as scripts/install-deps.sh
# does for the rest of the project): a compiler, python3, the kernel's
# sources (ksrc.sh takes rhashtable and SipHash from them, unless KSRC is
# set) and valgrind (callgrind, and its client-request header).
need=()
command -v gcc >/dev/null && command -v make >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v xz >/dev/null || need+=(xz-utils)
[ -n "${KSRC:-}" ] || [ -r /usr/src/linux-source-6.1.tar.xz ] || need+=(linux-source-6.1)
[ "$callgrind" = 0 ] || { command -v valgrind >/dev/null && [ -r /usr/include/valgrind/callgrind.h ]; } ||
	need+=(valgrind)
if [ "${#need[@]}" -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing Debian packages: ${need[*]} (apt-get install them as root)"
	echo "flowmicro: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } >&2 ||
		die "apt-get install ${need[*]} failed"
fi

mkdir -p "$out"
short=$(git -C "$top" rev-parse --short "$rev" 2>/dev/null) || die "no commit $rev"
if [ "$tree" = 1 ]; then
	vsrc=$top
	dirty=$(git -C "$top" status --porcelain -- kmod uapi 2>/dev/null | wc -l)
	code="the work tree's kmod/ at $short"
	[ "$dirty" -gt 0 ] && code+=" + $dirty uncommitted change(s) in kmod/ uapi/"
else
	vsrc=$out/src
	rm -rf "$vsrc"
	mkdir -p "$vsrc"
	git -C "$top" archive "$rev" kmod uapi | tar -x -C "$vsrc" ||
		die "cannot export $rev's kmod/ (not a git checkout?)"
	code="kmod/ of $rev ($short)"
fi
rm -f "$out/flowmicro.o"
make -s -C "$here" VSRC="$vsrc" >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; die "build failed (build/bench/flowmicro/build.log)"; }
bin=$out/flowmicro

echo "flowmicro: $runs timed runs at $records records" >&2
"$bin" -n "$records" -r "$runs" >"$out/native.txt" ||
	die "the benchmark failed (build/bench/flowmicro/native.txt)"

rm -rf "$out/cg"
if [ "$callgrind" = 1 ]; then
	echo "flowmicro: callgrind, $cg_ops operations each" >&2
	mkdir -p "$out/cg"
	valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes \
		--callgrind-out-file="$out/cg/callgrind.out" \
		"$bin" -n "$records" -o "$cg_ops" --callgrind >"$out/cg/stdout.txt" 2>"$out/cg/valgrind.log" ||
		die "callgrind run failed (build/bench/flowmicro/cg/valgrind.log)"
	# One dump per operation: its name, and the totals of its events.
	for f in "$out"/cg/callgrind.out.*; do
		awk '/^desc: Trigger: Client Request: / { name = $5 }
		     /^events: / { $1 = ""; ev = $0 }
		     /^totals: / { $1 = ""; print "cg", name, ev, "|", $0 }' "$f"
	done >"$out/cg/totals.txt"
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
python3 - "$out" "$records" "$runs" "$cg_ops" "$code" "$tree" "$cpu" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$rev" <<'PY' | tee "$out/report.txt"
import os, sys
out, records, runs, cg_ops, code, tree, cpu, load, ncpu, rev = sys.argv[1:11]
info, ops = {}, []
for line in open(os.path.join(out, "native.txt")):
    p = line.split()
    if not p:
        continue
    if p[0] == "op":
        ops.append((p[1], p[2], p[3], p[4], " ".join(p[5:])))
    else:
        info[p[0]] = p[1]
cg = {}
tf = os.path.join(out, "cg", "totals.txt")
if os.path.exists(tf):
    for line in open(tf):
        left, _, right = line.partition("|")
        p = left.split()
        ev = dict(zip(p[2:], (int(x) for x in right.split())))
        cg[p[1]] = ev
try:
    src = open(os.path.join(out, "ksrc", "SOURCE")).read().strip()
except OSError:
    src = "KSRC"
n = int(info["records"])
print("veer flow table microbenchmark (tests/bench/flowmicro)")
print(f"command: tests/bench/flowmicro/run.sh -n {records} -r {runs} -o {cg_ops}"
      + (" --tree" if tree == "1" else f" --rev {rev}" if rev != "HEAD" else ""))
print(f"code: flow.c and veer.h from {code}; the kernel's lib/rhashtable.c and lib/siphash.c"
      f" from {src}; shims in tests/bench/flowmicro/shim")
print(f"host: {cpu}, {ncpu} CPUs, load average {load} (shared: ns vary with the load, callgrind counts do not)")
print(f"table: {n} records ({info['record_bytes']} bytes each, level 0); rhashtable {info['rht_buckets']} buckets "
      f"(load {n / int(info['rht_buckets']):.2f}); open addressing {info['oa_slots']} slots "
      f"(load {n / int(info['oa_slots']):.2f})")
print(f"each operation on every record once per run, in a random order; ns/op: the thread's CPU time,"
      f" median of {info['runs']} runs; ratio: median of per-run rhashtable/open-addr")
print()
hdr = f"{'operation':18} {'rhashtable':>10} {'open-addr':>10} {'ratio':>6}"
if cg:
    hdr += f"   {'Ir/op rht':>9} {'Ir/op oa':>9} {'ratio':>6}   {'LLmiss/op rht':>13} {'oa':>5}"
print(hdr + "   (ns/op; callgrind: instructions and simulated last-level data misses per op)")
co = int(cg_ops)
for name, rht, oa, ratio, what in ops:
    line = f"{name:18} {float(rht):10.1f} " + (f"{float(oa):10.1f} {float(ratio):6.3f}" if oa != "-" else f"{'-':>10} {'-':>6}")
    if cg:
        a = cg.get(f"{name}/rhashtable") or cg.get(f"{name}/-")
        b = cg.get(f"{name}/open-addr")
        if a:
            ir_a = a["Ir"] / co
            line += f"   {ir_a:9.0f} "
            if b:
                ir_b = b["Ir"] / co
                line += f"{ir_b:9.0f} {ir_a / ir_b:6.3f}   {(a['DLmr'] + a['DLmw']) / co:13.2f} {(b['DLmr'] + b['DLmw']) / co:5.2f}"
            else:
                line += f"{'-':>9} {'-':>6}   {(a['DLmr'] + a['DLmw']) / co:13.2f} {'-':>5}"
    print(line)
print()
for name, rht, oa, ratio, what in ops:
    print(f"  {name}: {what}")
print(f"  insert (the first packet of each flow, with the table growing): {float(info['insert_ns']):.0f} ns/op, once")
PY
