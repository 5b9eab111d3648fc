#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
How predictable are a trace's breaches at all?  A clairvoyant reference
for the forecasting bench (Documentation/veerd-forecasting.md, 9).

    bound.py TRACE STEP WARMUP [--horizon S] [--lead S] [--width N]

The "oracle" knows the trace's level in advance: a centred running median
of N values (default 9) over the whole trace, the future included; a
median, so that a one-bin spike does not leak into it.  At each decision t
it alarms when that level, anywhere in the window a prediction targets
(t + lead + 1 .. t + horizon steps), reaches c.  For every c it is scored
with veerd-replay's definitions (threshold: the 95th percentile of the
whole trace, nearest rank; episodes merged within the horizon; recall:
an alarm with y[t] under the threshold, lead >= --lead and T - t <=
horizon; precision per decision).  Printed: the best precision at recall
>= 0.8, the best recall at precision >= 0.9, and how far each episode's
onset value lies above the oracle level there.  If even this reference
misses a goal, no forecaster that sees only the past meets it.
"""
import math
import sys


def main():
    a = sys.argv[1:]
    if len(a) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, step, warm_s = a[0], float(a[1]), float(a[2])
    hor_s, lead_s, width = 120.0, 10.0, 9
    i = 3
    while i < len(a):
        if a[i] == "--horizon":
            hor_s = float(a[i + 1])
        elif a[i] == "--lead":
            lead_s = float(a[i + 1])
        elif a[i] == "--width":
            width = int(a[i + 1])
        i += 2
    y = [float(l) for l in open(path) if l.strip() and l[0] != "#"]
    n = len(y)
    steps = lambda s: max(1, math.ceil(s / step - 1e-9))
    H, L = steps(hor_s), steps(lead_s)
    H = max(H, L + 1)
    warm = int(warm_s / step)
    v = sorted(y)
    thr = v[max(0, math.ceil(0.95 * n) - 1)]
    half = width // 2
    med = []
    for t in range(n):
        w = sorted(y[max(0, t - half):t + half + 1])
        med.append(w[len(w) // 2])
    # Episodes, merged within the horizon, scored as veerd-replay does.
    eps = []
    for t in range(n):
        if y[t] > thr:
            if eps and t - eps[-1][1] < H:
                eps[-1][1] = t + 1
            else:
                eps.append([t, t + 1])
    eps = [e for e in eps if e[0] >= warm + H]
    over_next = [False] * n     # a value over thr within t+1..t+H
    nxt = None
    for t in range(n - 1, -1, -1):
        over_next[t] = nxt is not None and nxt - t <= H
        if y[t] > thr:
            nxt = t
    # Oracle feature: the highest level over the targeted window.
    feat = [max(med[t + L + 1:t + H + 1] or [0]) for t in range(n)]
    cands = sorted(set(round(f, 6) for f in feat[warm:]))
    best_p, best_r = (0, 0, None), (0, 0, None)
    for c in cands[::max(1, len(cands) // 400)]:
        al = [feat[t] >= c and y[t] <= thr for t in range(n)]
        dec = [t for t in range(warm, n - H) if al[t]]
        if not dec:
            continue
        prec = sum(over_next[t] for t in dec) / len(dec)
        hit = sum(any(al[t] for t in range(e[0] - H, e[0] - L))
                  for e in eps)
        rec = hit / len(eps) if eps else 0
        if rec >= 0.8 and prec > best_p[0]:
            best_p = (prec, rec, c)
        if prec >= 0.9 and rec > best_r[0]:
            best_r = (rec, prec, c)
    ratios = sorted(y[e[0]] / med[e[0]] if med[e[0]] > 0 else math.inf
                    for e in eps)
    m = len(ratios)
    print("%s: %d values, step %g s, threshold %g, horizon %d steps, "
          "lead %d steps, %d episodes, oracle level: running median of %d"
          % (path, n, step, thr, H, L, m, width))
    print("  best precision at recall >= 0.8: %s" %
          ("%.3f (recall %.3f, level >= %g)" % best_p if best_p[2] is not
           None else "none reaches recall 0.8"))
    print("  best recall at precision >= 0.9: %s" %
          ("%.3f (precision %.3f, level >= %g)" % best_r if best_r[2] is
           not None else "none reaches precision 0.9"))
    seen = sorted(y[e[0] - L - 1] / thr for e in eps)
    if seen:
        k = len(seen)
        print("  last value a decision %d steps ahead sees, / threshold: "
              "median %.2f, quartiles %.2f %.2f, highest %.2f"
              % (L + 1, seen[k // 2], seen[k // 4], seen[3 * k // 4],
                 seen[-1]))
    if m:
        print("  onset value / oracle level: median %.2f, quartiles %.2f "
              "%.2f; %d of %d onsets over 1.3x the level"
              % (ratios[m // 2], ratios[m // 4], ratios[3 * m // 4],
                 sum(r > 1.3 for r in ratios), m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
