#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest output of tests/bench/flow/guest.sh into the report.

Usage: report.py RAW [--cpu CPU] [HEADER_LINE...]

RAW holds the guest's output (indented with "# " by tests/selftests/run.sh
or not); the lines that matter are

    BENCH info KEY VALUE...
    BENCH run WORKLOAD CONFIG ROUND RATE UNIT USEC SENT DELIVERED k=v...
    BENCH gc CONFIG RECORDS PASSES AVG_US MAX_US SUM_US SECONDS
    BENCH fail WORKLOAD CONFIG ROUND REASON

CPU (cpuclock.py windows) gives, per burst (seq=), the CPU time QEMU's TCG
thread got during it: packets over that time is the rate used when present,
since the guest's own clock runs on while QEMU waits for a host CPU.

Each burst's rate is divided by that of the conntrack-alone bursts run just
before and after it (seq=; or by the ct burst of its round in older output),
and the median of these ratios is reported with their interquartile range.
Per-packet times are 1/rate, ct's median scaled by the ratios, in guest
nanoseconds under TCG (or TCG-thread CPU nanoseconds): only their ratios and
differences between configurations of the same run mean anything.

"router-only" subtracts the gen configuration's time per packet (generator,
veth hop, drop at the router's ingress) from every configuration's, so that
it compares the router's own work.  veer's GC (a pass over every record
once a second, traced separately) slows every chain of the run alike, so the
per-packet ratios leave it out; the "with GC" figures add back the veer0
chain's GC time, as a share of the CPU, scaled from the probe's record count
to the run's flows per chain.

Exit status: 0 when every run passed its checks and the report is complete,
1 otherwise (the report is still printed).
"""
import re
import statistics
import sys

GOAL_PCT = 15.0
ORDER = ("gen", "none", "ct", "hook", "veer0", "veer3")
DESC = {
    "gen": "generator + drop at router ingress (calibration)",
    "none": "forwarding, no conntrack",
    "ct": "forwarding + conntrack (nft ct rule)",
    "hook": "conntrack + veer's hooks, no record (service elsewhere)",
    "veer0": "conntrack + veer, level 0",
    "veer3": "conntrack + veer, level 3 (aggregated)",
}
WDESC = {
    "udp": "UDP, pktgen, 60-byte frames, one flow per packet in turn",
    "tcp": "TCP ACKs with timestamps, trafgen, 66-byte frames, one flow per packet in turn",
    "iperf": "iperf3 TCP, 4 streams (GSO-sized packets: per-byte cost)",
}

LINE = re.compile(r"^(?:#\s+)?BENCH (info|run|gc|fail) (.*)$")


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def iqr(xs):
    if len(xs) < 2:
        return (xs[0], xs[0]) if xs else (float("nan"), float("nan"))
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def median_ci(xs):
    """A distribution-free 95% confidence interval of the median: the order
    statistics around n/2 +- 0.98 sqrt(n) (the binomial approximation)."""
    n = len(xs)
    if n < 6:
        return float("nan"), float("nan")
    v = sorted(xs)
    h = 0.98 * n ** 0.5
    lo = max(int(n / 2 - h), 0)
    hi = min(int(n / 2 + 1 + h), n - 1)
    return v[lo], v[hi]


def ratio_samples(rw, seq):
    """Each configuration's rate relative to conntrack alone, one sample per
    burst: against the ct bursts right before and after it (geometric mean)
    when the run interleaves them (seq), else against the ct burst of the
    same round."""
    out = {c: [] for c in rw}
    if seq:
        by_seq = {s: (c, rate) for s, c, rate in seq}
        for s, c, rate in seq:
            if c == "ct":
                out[c].append(1.0)
                continue
            ri, k = s
            refs = [by_seq[n][1] for n in ((ri, k - 1), (ri, k + 1))
                    if n in by_seq and by_seq[n][0] == "ct"]
            if refs:
                ref = 1.0
                for x in refs:
                    ref *= x
                out[c].append(rate / ref ** (1 / len(refs)))
        return out
    for c in rw:
        for r, rate in rw[c].items():
            ct = rw["ct"].get(r)
            if ct:
                out[c].append(rate / ct)
    return out


def workload(pr, w, rw, unit, seq, info, gc, clock):
    """Prints one workload's section; returns (judged %, met) or None."""
    pr(f"== {w}: {WDESC.get(w, w)}" + (f"  [rates in {clock}]" if unit == "pps" else ""))
    if "ct" not in rw:
        pr("   no conntrack-alone runs: no ratios")
        pr("")
        return None
    per_pkt = unit == "pps"
    samples = ratio_samples(rw, seq)
    R = {c: med(v) for c, v in samples.items() if v}
    t_ct = 1e9 / med(list(rw["ct"].values()))

    def t(c, g=0.0):             # ns per packet: ct's median scaled by the ratio
        return t_ct / (R[c] * (1 - g))

    def cost(x, g=0.0):          # extra time per packet over ct, %
        return 100.0 * (1 / (x * (1 - g)) - 1)

    def router_cost(x, g=0.0):   # the same, generator and drop subtracted
        if "gen" not in R:
            return None
        tg = 1 / R["gen"]
        return 100.0 * ((1 / (x * (1 - g)) - tg) / (1 - tg) - 1) if tg < 1 else None

    hdr = f"   {'config':7} {'runs':>4} {'median ' + unit:>16}"
    if per_pkt:
        hdr += f" {'ns/pkt':>7}  {'rate vs ct':>21}  {'time/pkt vs ct':>22}  {'router-only vs ct':>22}"
    else:
        hdr += f"  {'rate vs ct':>21}"
    pr(hdr)
    for c in ORDER:
        if c not in rw or c not in R:
            continue
        vals = list(rw[c].values())
        lo, hi = iqr(samples[c])
        line = f"   {c:7} {len(vals):4} {med(vals):16,.0f}"
        rs = f"{R[c]:.3f} [{lo:.3f}..{hi:.3f}]"
        if per_pkt:
            line += f" {t(c):7.0f}  {rs:>21}"
            if c == "gen":
                line += f"  {'-':>22}  {'-':>22}"
            else:
                # (the cost falls as the ratio rises: the quartiles swap)
                line += f"  {f'{cost(R[c]):+6.1f}% [{cost(hi):+.1f}..{cost(lo):+.1f}]':>22}"
                rc = router_cost(R[c])
                line += "  " + (f"{rc:+6.1f}% [{router_cost(hi):+.1f}..{router_cost(lo):+.1f}]"
                                if rc is not None else "-").rjust(22)
        else:
            line += f"  {rs:>21}"
        pr(line + f"   {DESC.get(c, '')}")

    if not per_pkt or not all(k in R for k in ("none", "ct", "veer0")):
        pr("")
        return None
    pr(f"   per packet (ns): conntrack {t('ct') - t('none'):.0f}, "
       f"veer level 0 {t('veer0') - t('ct'):.0f}"
       + (f", veer level 3 {t('veer3') - t('ct'):.0f}" if "veer3" in R else "")
       + (f"; forwarding without conntrack {t('none') - t('gen'):.0f}" if "gen" in R else ""))
    if "hook" in R:
        pr(f"   veer level 0 split: hooks, parsing, key, hash, empty lookup {t('hook') - t('ct'):.0f}; "
           f"record lookup and update {t('veer0') - t('hook'):.0f}"
           + (f" (the level-0 profile alone: {t('veer0') - t('veer3'):.0f})" if "veer3" in R else ""))
    e2e = cost(R["veer0"])
    ro = router_cost(R["veer0"])
    ci_lo, ci_hi = median_ci(samples["veer0"])
    have_ci = ci_lo == ci_lo

    def band(fn, g=0.0):         # 95% CI of the cost (the ratio's bounds swap)
        return (fn(ci_hi, g), fn(ci_lo, g)) if have_ci else (fn(R["veer0"], g),) * 2

    pr(f"   veer level 0 over conntrack alone, per packet: {e2e:+.1f}% end to end"
       + (f" (95% CI {band(cost)[0]:+.1f}%..{band(cost)[1]:+.1f}%)" if have_ci else "")
       + (f"; {ro:+.1f}% of the router's own work (95% CI {band(router_cost)[0]:+.1f}%.."
          f"{band(router_cost)[1]:+.1f}%)" if ro is not None and have_ci else ""))
    g0 = gc.get("veer0")
    try:
        nflows = int(info.get("flows", "0").split()[0])
    except ValueError:
        nflows = 0
    if g0 and nflows:
        # The GC's share of the CPU grows with the records: scale the
        # probe's to this run's flows per chain.
        g = g0[2] * nflows / g0[0]
        e2e_g = cost(R["veer0"], g)
        ro_g = router_cost(R["veer0"], g)
        pr(f"   with veer's GC at {nflows} records ({100 * g:.2f}% of the CPU, from the probe): "
           f"{e2e_g:+.1f}% end to end"
           + (f", {ro_g:+.1f}% of the router's own work" if ro_g is not None else ""))

    def verdict(b):
        if b[1] <= GOAL_PCT:
            return "MET"
        if b[0] > GOAL_PCT:
            return "NOT MET"
        return "NOT SETTLED (the confidence interval straddles the goal)"

    # The measure: packets per second through the router, end to
    # end.  The router-only figure is the stricter reading, shown beside it.
    judged, v = e2e, verdict(band(cost))
    pr(f"   -> goal (at most {GOAL_PCT:.0f}% over conntrack alone, packets per second end to end): "
       f"{v} ({judged:+.1f}%, 95% CI {band(cost)[0]:+.1f}%..{band(cost)[1]:+.1f}%)")
    if ro is not None:
        pr(f"      on the router's own work alone: {verdict(band(router_cost))} "
           f"({ro:+.1f}%, 95% CI {band(router_cost)[0]:+.1f}%..{band(router_cost)[1]:+.1f}%)")
    verdict = v
    pr("")
    return judged, verdict


def parse_run(raw_path, cpu_path, ri, info, fails, gc, runs):
    """Adds one guest run's lines; its seq= numbers become (ri, seq).  A
    burst that failed a check (its "BENCH fail" lines come first) is left
    out of the figures."""
    failed = set()
    with open(raw_path, errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.strip())
            if not m:
                continue
            kind, rest = m.groups()
            p = rest.split()
            if kind == "info":
                k, _, v = rest.partition(" ")
                info.setdefault(k, v)
            elif kind == "fail":
                fails.append(rest)
                failed.add(tuple(p[:3]))
            elif kind == "gc":
                if len(p) >= 7:
                    # records, longest pass (us), share of the CPU
                    gc.setdefault(p[0], []).append(
                        (int(p[1]), int(p[4]), int(p[5]) / (float(p[6]) * 1e6)))
            elif len(p) >= 8:
                if tuple(p[:3]) in failed:
                    failed.discard(tuple(p[:3]))
                    continue
                kv = dict(x.split("=", 1) for x in p[8:] if "=" in x)
                seq = (ri, int(kv["seq"])) if "seq" in kv else None
                # Packets in the timed window (wpkts=), else all of them.
                delivered = int(kv["wpkts"]) if kv.get("wpkts", "").isdigit() else (
                    int(p[7]) if p[7].isdigit() else None)
                runs.append((p[0], p[1], seq if seq is not None else (ri, int(p[2])),
                             float(p[3]), p[4], delivered, seq))
    cpu, note = {}, None
    if cpu_path:
        try:
            with open(cpu_path) as f:
                for line in f:
                    if line.startswith("#"):
                        note = line[1:].strip()
                        continue
                    s, c_ns, _ = line.split()
                    cpu[(ri, int(s))] = int(c_ns)
        except OSError:
            cpu = {}
    return cpu, note


def main():
    """report.py RUN... [-- HEADER_LINE...]: RUN a directory holding raw.txt
    (and cpu.txt); or the older form report.py RAW [--cpu CPU] [HEADER...]."""
    args = sys.argv[1:]
    pairs, headers = [], []
    if "--" in args:
        i = args.index("--")
        headers = args[i + 1:]
        for d in args[:i]:
            raw = f"{d}/raw.txt" if not d.endswith(".txt") else d
            cpu = f"{d}/cpu.txt" if not d.endswith(".txt") else None
            pairs.append((raw, cpu))
    else:
        cpu_path = None
        if "--cpu" in args:
            i = args.index("--cpu")
            cpu_path = args[i + 1] if i + 1 < len(args) else None
            del args[i:i + 2]
        if not args:
            sys.exit("usage: report.py RUN_DIR... [-- HEADER_LINE...] | RAW [--cpu CPU] [HEADER_LINE...]")
        pairs, headers = [(args[0], cpu_path)], args[1:]
    info, fails, gc_runs, runs, cpu, notes = {}, [], {}, [], {}, []
    for ri, (raw, cpu_path) in enumerate(pairs):
        c, note = parse_run(raw, cpu_path, ri, info, fails, gc_runs, runs)
        cpu.update(c)
        if note:
            notes.append(note)
    # The GC probe of several runs: the median share, the longest pass.
    gc = {}
    for c, v in gc_runs.items():
        gc[c] = (v[0][0], max(x[1] for x in v), med([x[2] for x in v]))
    cpu_note = notes[0] if len(notes) == 1 else (f"{len(notes)} runs" if notes else None)
    args = [None] + headers

    out = []
    pr = out.append
    pr("veer flow tracking: forwarding benchmark (tests/bench/flow)")
    for h in args[1:]:
        pr(h)
    if len(pairs) > 1:
        pr(f"pooled: {len(pairs)} guest runs of the same module ("
           + ", ".join(r.split("/")[-2] if r.endswith("/raw.txt") else r for r, _ in pairs) + ")")
    pr(f"guest: kernel {info.get('kernel', '?')}, {info.get('cpus', '?')} vCPUs "
       f"(QEMU TCG, one host thread), clocksource {info.get('clocksource', '?')}")
    pr(f"flows {info.get('flows', '?')}; packets {info.get('packets', '?')}; "
       f"rounds {info.get('rounds', '?')}; iperf {info.get('iperf', '?')}")
    pr("one chain of namespaces per configuration, set up and warmed up once; short bursts,")
    pr("conntrack-alone (ct) between any two others; ratios: median over the bursts of")
    pr("rate / rate of the ct bursts around it [interquartile range]")
    if cpu:
        pr("rates: packets per second of CPU time of QEMU's TCG thread during the burst "
           f"(host-sampled; {cpu_note or 'clock offset from sync lines'})")
    pr("")

    verdicts = []
    for w in ("udp", "tcp", "iperf"):
        mine = [r for r in runs if r[0] == w]
        if not mine:
            continue
        unit = mine[0][4]
        use_cpu = unit == "pps" and cpu and all(r[6] in cpu for r in mine if r[6] is not None)
        rw, seq = {}, []
        for _, c, key, rate, _, delivered, s in mine:
            if use_cpu and s is not None and delivered:
                rate = delivered / (cpu[s] / 1e9)
            if rate <= 0:
                continue        # an untimed burst (older guest.sh output)
            rw.setdefault(c, {})[key] = rate
            if s is not None:
                seq.append((s, c, rate))
        v = workload(pr, w, rw, unit, seq, info, gc,
                     "CPU time of QEMU's TCG thread" if use_cpu else "the guest's wall clock")
        if v:
            verdicts.append((w, *v))
        if use_cpu:
            # The same bursts in the guest's clock, for comparison.
            rw2, seq2 = {}, []
            for _, c, key, rate, _, _, s in mine:
                if rate <= 0:
                    continue
                rw2.setdefault(c, {})[key] = rate
                if s is not None:
                    seq2.append((s, c, rate))
            sm = ratio_samples(rw2, seq2)
            if sm.get("veer0"):
                lo, hi = iqr(sm["veer0"])
                pr(f"   (in the guest's wall clock instead: veer0 rate vs ct {med(sm['veer0']):.3f} "
                   f"[{lo:.3f}..{hi:.3f}])")
                pr("")

    if gc:
        pr("veer GC (traced, guest time under TCG; one chain holding records at a time):")
        for c in ("veer0", "veer3"):
            if c in gc:
                n, mx, share = gc[c]
                pr(f"   {c}: {n} records, {1000 * share:.1f} ms per second ({100 * share:.1f}% of a CPU), "
                   f"longest pass {mx / 1000:.1f} ms; {1e9 * share / n:.0f} guest ns per record per second")
        pr("")
    if verdicts:
        vs = {v[2] for v in verdicts}
        overall = "MET" if vs == {"MET"} else "NOT MET" if "NOT MET" in vs else "NOT SETTLED"
        pr("goal (veer level 0 costs at most 15% over conntrack alone, in packets per second"
           " through the router, end to end): " + overall + " ("
           + ", ".join(f"{w} {j:+.1f}% {v}" for w, j, v in verdicts) + ")")
    if not runs:
        pr("NO RESULTS: the guest produced no BENCH run line")
    if fails:
        pr("")
        pr(f"CHECKS FAILED ({len(fails)}): these bursts are not what they claim (left out above):")
        for f in fails:
            pr(f"   {f}")
    elif runs:
        pr("checks: every run passed (packets delivered, conntrack entries, veer records"
           " and levels as claimed)")
    print("\n".join(out))
    return 0 if runs and not fails else 1


if __name__ == "__main__":
    sys.exit(main())
