#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""veerd_load.py: a connection-rate load generator for the veerd selftests.

Opens short HTTP/1.0 connections (connect, "GET /", read to EOF, close) at
a rate that follows a piecewise-linear profile, from one process and one
selector, so that the rate is what the profile says even in a slow guest
(no fork per connection).  Optionally holds LONG idle connections open for
the whole run (long-lived flows, for leases).

    veerd_load.py --dst 10.2.0.2 --port 8080 --profile 0:2,10:2,40:30 [--long 2]

--profile T:R,...  rate R connections/s at T seconds, linear in between;
                   the run ends at the last T.
Prints one line at the end: "started N completed N failed N late N long N"
(late: connections dropped from the schedule because the generator fell
behind; it never catches up in a burst).
"""
import argparse
import selectors
import socket
import sys
import time


def rate_at(profile, t):
    for (t0, r0), (t1, r1) in zip(profile, profile[1:]):
        if t0 <= t <= t1:
            return r0 + (r1 - r0) * (t - t0) / (t1 - t0) if t1 > t0 else r1
    return profile[-1][1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--long", type=int, default=0)
    ap.add_argument("--long-sport", type=int, default=0,
                    help="first source port of the long connections")
    a = ap.parse_args()
    try:
        profile = [tuple(float(x) for x in p.split(":"))
                   for p in a.profile.split(",")]
    except ValueError:
        print("bad --profile", file=sys.stderr)
        return 1
    if len(profile) < 2 or any(r < 0 for _, r in profile):
        print("--profile needs two points and rates >= 0", file=sys.stderr)
        return 1
    fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
    sel = selectors.DefaultSelector()
    longs = []
    for i in range(a.long):
        s = socket.socket(fam, socket.SOCK_STREAM)
        if a.long_sport:
            s.bind(("", a.long_sport + i))
        s.connect((a.dst, a.port))
        longs.append(s)

    started = completed = failed = late = 0
    start = time.monotonic()
    end = profile[-1][0]
    credit = 0.0
    last = start
    req = b"GET / HTTP/1.0\r\n\r\n"

    def finish(s, ok):
        nonlocal completed, failed
        sel.unregister(s)
        s.close()
        if ok:
            completed += 1
        else:
            failed += 1

    while True:
        now = time.monotonic()
        t = now - start
        if t >= end and not sel.get_map():
            break
        if t < end:
            credit += rate_at(profile, t) * (now - last)
        last = now
        # Behind schedule (a slow guest): drop the backlog rather than
        # catch up in a burst the profile does not have.
        if credit > 2:
            late += int(credit) - 2
            credit -= int(credit) - 2
        while credit >= 1 and t < end:
            credit -= 1
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((a.dst, a.port))
            sel.register(s, selectors.EVENT_WRITE, [now, False])
            started += 1
        for key, ev in sel.select(timeout=0.01):
            s, st = key.fileobj, key.data
            try:
                if not st[1]:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        finish(s, False)
                        continue
                    s.send(req)
                    st[1] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                elif not s.recv(4096):
                    finish(s, True)
            except OSError:
                finish(s, False)
        for key in list(sel.get_map().values()):
            if now - key.data[0] > 10:
                finish(key.fileobj, False)
    for s in longs:
        s.close()
    print(f"started {started} completed {completed} failed {failed} "
          f"late {late} long {len(longs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
