#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""veer_flows.py - flow-tracking helpers for the 3x-flow-* selftests.

Built on veer_nl.py (raw generic netlink, standard library only), so the
tests do not depend on the CLI's flow/aggregate commands.

    veer_flows.py [--netns NS] flows [FILTER...]
        dump the flow table (VEER_CMD_FLOW_GET, NLM_F_DUMP) and print it as a
        JSON list; each flow is the decoded VEER_ATTR_FLOW nest, with "orig"
        and "reply" sub-objects (packets, bytes, seq, ack, win, wscale, mss,
        opts, tsval).  FILTER: KEY=VAL on the decoded flow (sport=40000,
        proto=6, daddr4=10.2.0.2): only matching flows are printed.
    veer_flows.py [--netns NS] aggs
        dump the aggregates as a JSON list of VEER_ATTR_AGG nests.
    veer_flows.py [--netns NS] config KEY=VAL...
        VEER_CMD_CONFIG_SET with the named VEER_CFG_* attributes (lower-case
        names without the prefix: gran_max_level=3 gran_bw=1000 ...); exit
        status 0 iff the kernel accepted it (the extack is printed if not).
    veer_flows.py [--netns NS] counts PROTO:SPORT:DPORT...
        veer's (/proc/net/veer/flows) and conntrack's (conntrack -L -o
        extended) per-direction packets and bytes of each connection, read
        until two snapshots agree; one line per tuple:
        "T vpkts vbytes vrpkts vrbytes cpkts cbytes crpkts crbytes k=v..."
    veer_flows.py pingpong DST PORT SPORT SECONDS HOLD [SIZE [PAUSE_MS]]
        (run it in the client's netns) a light request/response TCP flow:
        SIZE (32) bytes out, their echo back, again at once, for SECONDS,
        acknowledging at once what it reads; prints "rounds N median_us M
        min_us M connect_us M srtt_us M" (srtt_us: the round trips
        smoothed 7/8 old + 1/8 new; connect_us: the median handshake time of
        this and 4 short connections from SPORT+1..SPORT+4 before it),
        keeps the connection open HOLD
        seconds more, closes.  PAUSE_MS: a pause between rounds.  The
        rounds also end when the file $VEER_PP_STOP (if set) exists.
    veer_flows.py echo-server PORT [6]
        (in the server's netns) a TCP echo server, IPv4 (or IPv6 only),
        that acknowledges at once what it reads and answers without Nagle.
    veer_flows.py conns DST PORT N INTERVAL_MS SIZE SPORT_BASE [BIND_ADDR]
        (in the client's netns) N short TCP connections, one every
        INTERVAL_MS, from ports SPORT_BASE..: SIZE bytes out, the echo back,
        close; prints "done N".
    veer_flows.py [--netns NS] aggs-wait ADDR LEVELS TIMEOUT [FACTOR]
        wait until the aggregates of client ADDR at LEVELS (e.g. 1,2,3)
        qualify as kmod/agg.c judges (rate per connection < gran_bw,
        duration >= FACTOR x gran_duration, frequency < gran_freq); prints
        them as JSON; exit status 1 on timeout.
    veer_flows.py [--netns NS] wait-gone [--cmd CMD] [--ready FILE] TIMEOUT FILTER...
        wait for the flow matching FILTER to appear, run CMD in NS, wait
        for the flow to leave the table; prints "gone_ms G
        since_last_packet_ms L polls N" (G: after CMD; L: after the flow's
        last packet).  FILE is created once polling has started.
    veer_flows.py [--netns NS] watch-level TIMEOUT FILTER...
        poll the matching flow every 50 ms (until TIMEOUT or the file
        $VEER_SAMPLE_STOP) and print the levels it went through ("3 0").
    veer_flows.py [--netns NS] ctsum KEY=VAL...
        "entries packets bytes" summed (both directions) over the conntrack
        entries whose original tuple matches (src, dst, sport, dport, proto).
    veer_flows.py [--netns NS] sample-stats SECONDS INTERVAL_MS NAME...
        read /proc/net/veer/stats every INTERVAL_MS for SECONDS (or until
        the file STOP given as $VEER_SAMPLE_STOP exists) and print, as JSON,
        for each NAME its min, max, first, last and the number of samples.
        NAME "slab:CACHE" samples active_objs of CACHE in /proc/slabinfo.
        $VEER_SAMPLE_READY, if set, names a file created after the first
        sample.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import veer_nl  # noqa: E402


def _match(flow, filters):
    for k, v in filters:
        got = flow.get(k)
        if got is None or str(got) != v:
            return False
    return True


def dump_flows(g, filters=()):
    d = g.dump(veer_nl.VEER_CMD_FLOW_GET)
    if d.errno:
        raise veer_nl.NetlinkError("flow dump failed: %s" % d.describe())
    out = []
    for o in d.objects():
        f = o.get("flow", {})
        if _match(f, filters):
            out.append(f)
    return out


def dump_aggs(g):
    d = g.dump(veer_nl.VEER_CMD_AGG_GET)
    if d.errno:
        raise veer_nl.NetlinkError("aggregate dump failed: %s" % d.describe())
    return [o.get("agg", {}) for o in d.objects()]


def config_set(g, pairs):
    names = veer_nl.ATTR_BY_NAME["veer_cfg_attr"]
    kw = {}
    for k, v in pairs:
        if k not in names:
            raise SystemExit("unknown config attribute %r (known: %s)" %
                             (k, ", ".join(sorted(names))))
        kw[k] = int(v, 0)
    r = g.request(veer_nl.VEER_CMD_CONFIG_SET, [veer_nl.CONFIG(**kw)])
    if r.errno:
        print("config set: %s" % r.describe(), file=sys.stderr)
        return 1
    return 0


def sample_stats(netns, seconds, interval_ms, names):
    sf = veer_nl.StatsFile(netns)
    stop = os.environ.get("VEER_SAMPLE_STOP")
    ready = os.environ.get("VEER_SAMPLE_READY")
    res = {n: None for n in names}
    n = 0
    end = time.monotonic() + seconds
    slabs = [k[5:] for k in names if k.startswith("slab:")]

    def read_slabs(s):
        with open("/proc/slabinfo") as f:
            for line in f:
                w = line.split()
                if w and w[0] in slabs:
                    s["slab:" + w[0]] = int(w[1])	# active_objs
    try:
        while time.monotonic() < end:
            s = sf.read()
            if slabs:
                read_slabs(s)
            n += 1
            if n == 1 and ready:
                open(ready, "w").close()
            for k in names:
                v = s.get(k)
                if v is None:
                    continue
                r = res[k]
                if r is None:
                    res[k] = {"min": v, "max": v, "first": v, "last": v}
                else:
                    r["min"] = min(r["min"], v)
                    r["max"] = max(r["max"], v)
                    r["last"] = v
            if stop and os.path.exists(stop):
                break
            time.sleep(interval_ms / 1000.0)
    finally:
        sf.close()
    res["samples"] = n
    print(json.dumps(res))
    return 0


def proc_flows(netns=None):
    """/proc/net/veer/flows of @netns as a list of {key: value} (strings),
    plus "family" and "proto" from the first two words."""
    with veer_nl.in_netns(netns):
        with open("/proc/self/net/veer/flows") as f:
            text = f.read()
    out = []
    for line in text.splitlines():
        w = line.split()
        if len(w) < 2:
            continue
        d = {"family": w[0], "proto": w[1]}
        for kv in w[2:]:
            if "=" in kv:
                k, v = kv.split("=", 1)
                d[k] = v
        out.append(d)
    return out


def conntrack_entries(netns=None):
    """conntrack -L -o extended in @netns: a list of dicts with proto,
    orig (src dst sport dport packets bytes) and reply (same)."""
    import subprocess
    with veer_nl.in_netns(netns):
        r = subprocess.run(["conntrack", "-L", "-o", "extended"],
                           capture_output=True, text=True)
    out = []
    for line in r.stdout.splitlines():
        w = line.split()
        if len(w) < 4:
            continue
        e = {"proto": w[2], "orig": {}, "reply": {}}
        side = None
        for kv in w:
            if "=" not in kv:
                continue
            k, v = kv.split("=", 1)
            if k == "src":
                side = "orig" if side is None else "reply"
            if side:
                e[side].setdefault(k, v)
        out.append(e)
    return out


def counts(netns, tuples, tries=30):
    """For each PROTO:SPORT:DPORT, veer's and conntrack's per-direction
    packets and bytes, read until two snapshots agree (the connection is
    quiet).  Prints one line per tuple:
        PROTO:SPORT:DPORT vop vob vrp vrb cop cob crp crb [extra k=v...]
    with "-" for what is missing; exit status 1 if never stable."""
    def snap():
        fl = proc_flows(netns)
        ct = conntrack_entries(netns)
        res = {}
        for t in tuples:
            proto, sport, dport = t.split(":")
            v = next((f for f in fl if f["proto"] == proto and
                      f.get("sport") == sport and f.get("dport") == dport),
                     None)
            c = next((e for e in ct if e["proto"] == proto and
                      e["orig"].get("sport") == sport and
                      e["orig"].get("dport") == dport), None)
            vv = [v.get(k, "-") if v else "-"
                  for k in ("packets", "bytes", "rpackets", "rbytes")]
            cc = [c[s].get(k, "-") if c else "-"
                  for s in ("orig", "reply") for k in ("packets", "bytes")]
            extra = ["%s=%s" % (k, v[k]) for k in
                     ("level", "state", "rtt_syn", "rtt", "mss", "wscale",
                      "opts") if v and k in v]
            res[t] = " ".join([t] + vv + cc + extra)
        return res
    prev = snap()
    for _ in range(tries):
        time.sleep(0.3)
        cur = snap()
        if cur == prev and all("-" not in l.split()[1:9]
                               for l in cur.values()):
            break
        prev = cur
    else:
        for t in tuples:
            print(prev[t])
        return 1
    for t in tuples:
        print(cur[t])
    return 0


def pingpong(dst, port, sport, seconds, hold, size=32, pause_ms=0):
    """A light request/response TCP flow from our netns: connect from
    @sport, then send @size bytes, wait for the echo, send again at once,
    for @seconds; print "rounds N median_us M min_us M" and keep the
    connection open for @hold seconds more (so that its record can be read
    while it is established), then close."""
    import socket
    import statistics
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.bind(("", sport))
    # The handshake time: the median of a few connections (this one, and
    # short ones from ports SPORT+1..SPORT+4 before it): one is noisy.
    conn = []
    for i in range(4):
        p = socket.socket(fam, socket.SOCK_STREAM)
        p.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        p.bind(("", sport + 1 + i))
        t = time.perf_counter()
        p.connect((dst, port))
        conn.append((time.perf_counter() - t) * 1e6)
        p.close()
    t = time.perf_counter()
    s.connect((dst, port))
    conn.append((time.perf_counter() - t) * 1e6)
    connect_us = statistics.median(conn)
    msg = b"p" * size
    rtts = []
    stop = os.environ.get("VEER_PP_STOP")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if stop and os.path.exists(stop):
            break
        if pause_ms and rtts:
            time.sleep(pause_ms / 1000.0)
        t = time.perf_counter()
        s.sendall(msg)
        got = 0
        while got < size:
            # Acknowledge at once what we read (no delayed ACK), so that a
            # timestamp echo is never held back by our own turnaround.
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            b = s.recv(size - got)
            if not b:
                raise SystemExit("pingpong: connection closed by the peer")
            got += len(b)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        rtts.append((time.perf_counter() - t) * 1e6)
    # Smoothed as TCP (and veer) do: 7/8 old, 1/8 new, the first alone.
    srtt = 0
    for r in rtts:
        srtt = r if not srtt else srtt - srtt / 8 + r / 8
    print("rounds %d median_us %d min_us %d connect_us %d srtt_us %d" %
          (len(rtts), statistics.median(rtts), min(rtts), connect_us, srtt),
          flush=True)
    time.sleep(hold)
    s.close()
    return 0


def conns(dst, port, n, interval_ms, size, sport_base, bind=None):
    """@n short TCP connections from our netns, one every @interval_ms:
    connect from sport_base + i, send @size bytes, read their echo, close.
    Prints "done N"."""
    import socket
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    done = 0
    for i in range(n):
        t = time.monotonic()
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((bind or "", sport_base + i))
        s.connect((dst, port))
        s.sendall(b"c" * size)
        got = 0
        while got < size:
            b = s.recv(size - got)
            if not b:
                break
            got += len(b)
        s.close()
        done += 1
        left = interval_ms / 1000.0 - (time.monotonic() - t)
        if left > 0:
            time.sleep(left)
    print("done %d" % done, flush=True)
    return 0 if done == n else 1


def _cfg(g):
    r = g.request(veer_nl.VEER_CMD_CONFIG_GET)
    if r.errno or not r.msgs:
        raise veer_nl.NetlinkError("config get failed: %s" % r)
    return veer_nl.decode_objects(r.msgs[0][1]).get("config", {})


def agg_qualifies(cfg, a):
    """veer_agg_qualifies() of kmod/agg.c, on a dumped aggregate."""
    active = max(a.get("active", 0), 1)
    return (a.get("rate", 0) // active < cfg["gran_bw"] and
            a.get("avg_duration", 0) >= cfg["gran_duration"] and
            a.get("freq", 0) < cfg["gran_freq"])


def aggs_wait(netns, addr, levels, timeout, dur_factor=1.0):
    """Waits until the aggregates of client @addr at each of @levels
    (level 3: the aggregate whose prefix holds @addr) qualify, with an
    expected duration of at least dur_factor x gran_duration; prints them
    as JSON.  Exit status 1 on timeout."""
    import ipaddress
    ip = ipaddress.ip_address(addr)
    end = time.monotonic() + timeout
    with veer_nl.Genl(netns=netns) as g:
        cfg = _cfg(g)
        while True:
            found = {}
            for a in dump_aggs(g):
                lvl = a.get("level")
                pre = a.get("addr4") or a.get("addr6")
                if lvl not in levels or pre is None:
                    continue
                net = ipaddress.ip_network("%s/%d" % (pre, a["prefix_len"]),
                                           strict=False)
                if ip in net:
                    found[lvl] = a
            ok = all(l in found and agg_qualifies(cfg, found[l]) and
                     found[l].get("avg_duration", 0) >=
                     dur_factor * cfg["gran_duration"] for l in levels)
            if ok or time.monotonic() > end:
                print(json.dumps({str(k): v for k, v in found.items()},
                                 default=str))
                return 0 if ok else 1
            time.sleep(0.2)


def ctsum(netns, filters):
    """Sum of conntrack's packets and bytes (both directions) over the
    entries whose original-direction fields match KEY=VAL filters (src,
    dst, sport, dport, and proto).  Prints "entries packets bytes"."""
    n = p = b = 0
    for e in conntrack_entries(netns):
        ok = True
        for k, v in filters:
            got = e["proto"] if k == "proto" else e["orig"].get(k)
            if got != v:
                ok = False
                break
        if not ok:
            continue
        n += 1
        for side in ("orig", "reply"):
            p += int(e[side].get("packets", 0))
            b += int(e[side].get("bytes", 0))
    print("%d %d %d" % (n, p, b))
    return 0


def echo_server(port, v6=False):
    """A TCP echo server in our netns (a thread per connection) that
    acknowledges what it reads at once (TCP_QUICKACK) and answers without
    Nagle: the far end of pingpong."""
    import socket
    import threading
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6:
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    ls.bind(("", port))
    ls.listen(128)

    def serve(c):
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                b = c.recv(65536)
                if not b:
                    break
                c.sendall(b)
        except OSError:
            pass
        c.close()
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def wait_gone(netns, timeout, filters, cmd=None, ready=None):
    """Waits for a flow matching @filters to appear (up to @timeout s),
    then runs @cmd (a shell command) in @netns if given, then waits until
    the flow is gone from the table, polling the netlink dump every 50 ms.
    Prints "gone_ms G since_last_packet_ms L polls N": G from the command
    (or from the first sighting), L from the flow's last packet (its
    IDLE_MS at the last sighting).  @ready: a file created once polling
    has started.  Exit status 1 if the flow never appeared or never went."""
    import subprocess
    with veer_nl.Genl(netns=netns) as g:
        if ready:
            dump_flows(g, filters)
            open(ready, "w").close()
        end = time.monotonic() + timeout
        while not dump_flows(g, filters):
            if time.monotonic() > end:
                print("never appeared")
                return 1
            time.sleep(0.05)
        if cmd:
            with veer_nl.in_netns(netns):
                subprocess.run(cmd, shell=True, check=True,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        t0 = time.monotonic()
        end = t0 + timeout
        last = None
        polls = 0
        while True:
            fl = dump_flows(g, filters)
            now = time.monotonic()
            if not fl:
                break
            polls += 1
            last = now - fl[0].get("idle_ms", 0) / 1000.0
            if now > end:
                print("gone_ms -1 since_last_packet_ms -1 polls %d" % polls)
                return 1
            time.sleep(0.05)
        print("gone_ms %d since_last_packet_ms %d polls %d" %
              ((now - t0) * 1000, (now - last) * 1000 if last else -1, polls))
    return 0


def watch_level(netns, timeout, filters):
    """Polls the flow matching @filters every 50 ms for up to @timeout s
    (or until the file $VEER_SAMPLE_STOP exists; $VEER_SAMPLE_READY is
    created once polling has started) and prints the levels it went
    through, in order, without repeats: e.g. "3 0"."""
    stop = os.environ.get("VEER_SAMPLE_STOP")
    ready = os.environ.get("VEER_SAMPLE_READY")
    seen = []
    end = time.monotonic() + timeout
    with veer_nl.Genl(netns=netns) as g:
        while time.monotonic() < end:
            for f in dump_flows(g, filters):
                if not seen or seen[-1] != f.get("level"):
                    seen.append(f.get("level"))
            if ready and not os.path.exists(ready):
                open(ready, "w").close()
            if stop and os.path.exists(stop):
                break
            time.sleep(0.05)
    print(" ".join(str(x) for x in seen))
    return 0


def main(argv):
    netns = None
    if len(argv) >= 2 and argv[0] == "--netns":
        netns, argv = argv[1], argv[2:]
    if not argv:
        print(__doc__)
        return 2
    sub, args = argv[0], argv[1:]
    if sub == "sample-stats":
        return sample_stats(netns, float(args[0]), float(args[1]), args[2:])
    if sub == "counts":
        return counts(netns, args)
    if sub == "echo-server":
        return echo_server(int(args[0]), len(args) > 1 and args[1] == "6")
    if sub == "wait-gone":
        cmd = ready = None
        while args and args[0] in ("--cmd", "--ready"):
            if args[0] == "--cmd":
                cmd = args[1]
            else:
                ready = args[1]
            args = args[2:]
        return wait_gone(netns, float(args[0]),
                         [a.split("=", 1) for a in args[1:]], cmd, ready)
    if sub == "watch-level":
        return watch_level(netns, float(args[0]),
                           [a.split("=", 1) for a in args[1:]])
    if sub == "conns":
        return conns(args[0], int(args[1]), int(args[2]), float(args[3]),
                     int(args[4]), int(args[5]),
                     args[6] if len(args) > 6 else None)
    if sub == "aggs-wait":
        return aggs_wait(netns, args[0], [int(x) for x in args[1].split(",")],
                         float(args[2]),
                         float(args[3]) if len(args) > 3 else 1.0)
    if sub == "ctsum":
        return ctsum(netns, [a.split("=", 1) for a in args])
    if sub == "pingpong":
        return pingpong(args[0], int(args[1]), int(args[2]), float(args[3]),
                        float(args[4]), int(args[5]) if len(args) > 5 else 32,
                        float(args[6]) if len(args) > 6 else 0)
    pairs = [a.split("=", 1) for a in args]
    with veer_nl.Genl(netns=netns) as g:
        if sub == "flows":
            print(json.dumps(dump_flows(g, pairs), default=str))
            return 0
        if sub == "aggs":
            print(json.dumps(dump_aggs(g), default=str))
            return 0
        if sub == "config":
            return config_set(g, pairs)
    raise SystemExit("unknown sub-command %r" % sub)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
