#!/bin/bash
# Flow-tracking forwarding benchmark: packets per second through a router
# namespace without conntrack, with conntrack, with veer at level 0 and at
# level 3, interleaved in one guest run; prints the medians and the ratios
# against conntrack alone.  Under TCG only the ratios mean anything.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
kver=${1:-6.1}
make -s -C "$top" modules userspace >/dev/null
"$top/tests/vm/stage-depmod.sh" "$top"/build/kmod/*/veer.ko
out=$top/build/bench/flow
mkdir -p "$out"
"$top/tests/vm/run.sh" --kver "$kver" --timeout 1800 -- \
	"$top/tests/selftests/run-in-guest.sh" "$top/tests/bench/flow/guest.sh" |
	tee "$out/raw.txt"
python3 - "$out/raw.txt" <<'PY' | tee "$out/report.txt"
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"^#\s+(none|ct|veer0|veer3) (\d+) (\d+)$", line.strip())
    if m:
        runs.setdefault(m.group(1), []).append(int(m.group(3)))
if "ct" not in runs:
    sys.exit("no results")
base = statistics.median(runs["ct"])
print("config  runs  median_pps  ratio_vs_conntrack")
for c in ("none", "ct", "veer0", "veer3"):
    if c in runs:
        med = statistics.median(runs[c])
        print(f"{c:7} {len(runs[c]):4}  {med:10.0f}  {med / base:6.3f}")
v0 = statistics.median(runs.get("veer0", [0]))
print(f"veer level 0 cost over conntrack alone: {100 * (1 - v0 / base):.1f}% (goal: at most 15%)")
PY
