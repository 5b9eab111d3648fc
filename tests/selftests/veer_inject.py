#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""veer_inject.py - malformed and unusual packets for 37-flow-malformed.sh.

Run it in the client's netns (scapy builds the packets there); frames go
out through AF_PACKET sockets on eth0 of the client namespace (toward the
router), or of the server namespace (--srv-ns) for the few reply-direction
segments, so that nothing depends on scapy's view of routes or interfaces.

    veer_inject.py --rtr-ns NS --cli-mac M --rtr-mac M --srv-ns NS
                   --srv-mac M --rtr-srv-mac M --legit-sport P

Every packet crosses the router's PRE_ROUTING hook.  Client-side source
ports are in 50000..50099, which the test drops at both ends (no RST from
either kernel); the legitimate flow's tuple (10.1.0.2:P -> 10.2.0.2:8080) is
reused only by packets that conntrack rejects.

The packets go in groups; around each group the router's counters are read
(/proc/net/veer/stats of --rtr-ns).  Prints, as JSON, per group: what each
of bad_header, no_conntrack, zero_window, out_of_window and ipv6_exthdr
must move by (worked out from kmod/hooks.c and kmod/flow.c for each packet
sent; unlisted counters must not move) and what they moved by; plus the
records the test checks.
"""

import argparse
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import veer_nl  # noqa: E402

from scapy.all import (Ether, IP, IPv6, TCP, UDP, Raw,  # noqa: E402
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrRouting, PadN)

C4, S4 = "10.1.0.2", "10.2.0.2"
C6, S6 = "2001:db8:1::2", "2001:db8:2::2"


class Wire:
    def __init__(self, netns, src_mac, dst_mac):
        with veer_nl.in_netns(netns):
            self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            self.s.bind(("eth0", 0))
        self.src, self.dst = src_mac, dst_mac
        self.sent = 0

    def send(self, l3, count=1):
        fr = bytes(Ether(src=self.src, dst=self.dst) / l3)
        for _ in range(count):
            self.s.send(fr)
            self.sent += 1


def inet_cksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def tcp_bytes(**kw):
    return bytes(TCP(**kw))


COUNTERS = ("bad_header", "no_conntrack", "zero_window", "out_of_window",
            "ipv6_exthdr")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtr-ns", required=True)
    ap.add_argument("--cli-mac", required=True)
    ap.add_argument("--rtr-mac", required=True)
    ap.add_argument("--srv-ns", required=True)
    ap.add_argument("--srv-mac", required=True)
    ap.add_argument("--rtr-srv-mac", required=True)
    ap.add_argument("--legit-sport", type=int, required=True)
    a = ap.parse_args()

    cli = Wire(None, a.cli_mac, a.rtr_mac)
    srv = Wire(a.srv_ns, a.srv_mac, a.rtr_srv_mac)
    stats = veer_nl.StatsFile(a.rtr_ns)
    groups = []

    def group(name, expect, send):
        before = stats.read()
        send()
        # The frames are handed over synchronously; give the router's
        # softirq a moment, then wait until the counters stop moving.
        # (Only these counters: the legitimate flow moves the others.)
        time.sleep(0.2)
        after = stats.read()
        for _ in range(50):
            time.sleep(0.2)
            again = stats.read()
            if all(again[c] == after[c] for c in COUNTERS):
                break
            after = again
        got = {c: after[c] - before[c] for c in COUNTERS}
        want = {c: expect.get(c, 0) for c in COUNTERS}
        groups.append({"group": name, "expect": want, "got": got})

    def tcp4(sport, **kw):
        return IP(src=C4, dst=S4) / TCP(sport=sport, dport=8080, **kw)

    def tcp4r(dport, **kw):
        return IP(src=S4, dst=C4) / TCP(sport=8080, dport=dport, **kw)

    # TCP cut to 2 bytes, UDP cut to 3: veer cannot read the ports
    # (hooks.c) -> bad_header (conntrack rejects them too, but veer's
    # parser returns first).
    group("truncated before the ports", {"bad_header": 10}, lambda: (
        cli.send(IP(src=C4, dst=S4, proto=6) / Raw(b"\xc3\x50"), 5),
        cli.send(IP(src=C4, dst=S4, proto=17) / Raw(b"\xc3\x51\x14"), 5)))
    # TCP header cut to 12 bytes (ports readable), TCP data offset 3:
    # conntrack marks them invalid (no ct attached) before veer sees them,
    # which counts them as no_conntrack.
    group("TCP header cut short, data offset < 5", {"no_conntrack": 10},
          lambda: (
              cli.send(IP(src=C4, dst=S4, proto=6) /
                       Raw(tcp_bytes(sport=50003, dport=8080,
                                     flags="S")[:12]), 5),
              cli.send(tcp4(50004, flags="S", dataofs=3), 5)))
    # The legitimate flow's own tuple, broken (header cut to 16 bytes, data
    # offset 2): conntrack refuses them, they must not touch its record.
    group("the legitimate flow's tuple, broken", {"no_conntrack": 6},
          lambda: (
              cli.send(IP(src=C4, dst=S4, proto=6) /
                       Raw(tcp_bytes(sport=a.legit_sport, dport=8080,
                                     flags="A")[:16]), 3),
              cli.send(tcp4(a.legit_sport, flags="A", dataofs=2), 3)))

    # SYNs with bad option lengths (conntrack accepts them: its own option
    # parser stops at the bad one): a record each, whose profile must hold
    # only what was well-formed before the bad option.
    #  a) MSS with length 0, then a window scale: nothing usable;
    #  b) MSS 1234 (good), then a timestamp claiming 30 bytes (past the
    #     end): MSS 1234 kept, no timestamps;
    #  c) SACK-permitted with length 3 (must be 2): skipped by its length;
    #     the window scale 5 after it is well-formed and kept.
    def bad_opts():
        for sport, opt in ((50006, b"\x02\x00\x03\x03\x07\x00\x00\x00"),
                           (50007, b"\x02\x04\x04\xd2\x08\x1e\x00\x00"),
                           (50008, b"\x04\x03\x01\x03\x03\x05\x00\x00")):
            # Built by hand (scapy would re-encode the options it parses).
            th = bytearray(struct.pack("!HHIIBBHHH", sport, 8080, 1000, 0,
                                       7 << 4, 0x02, 1000, 0, 0) + opt)
            csum = inet_cksum(socket.inet_aton(C4) + socket.inet_aton(S4) +
                              struct.pack("!BBH", 0, 6, len(th)) + bytes(th))
            th[16:18] = struct.pack("!H", csum)
            cli.send(IP(src=C4, dst=S4, proto=6) / Raw(bytes(th)))
    group("SYNs with bad option lengths", {}, bad_opts)
    checks = {"bad_options": {
        "50006": {"mss": 0, "opts": 0, "wscale": 0},
        "50007": {"mss": 1234, "opts": 0, "wscale": 0},
        "50008": {"mss": 0, "opts": 4, "wscale": 5}}}

    # Zero windows: a connection picked up mid-stream (conntrack's
    # nf_conntrack_tcp_loose; liberal window checks), 3 ACKs advertising
    # window 0.
    group("zero windows", {"zero_window": 3}, lambda: [
        cli.send(tcp4(50010, flags="A", seq=7000 + i, ack=9000, window=0))
        for i in range(3)])

    # Out of window, another picked-up connection (window scale unknown
    # without a SYN: 0).  Client seq 1000 ack 5000 win 100; server (reply)
    # ack 1000 win 10, so the client may send up to 1010; client segments
    # at 1005 (inside), 1010 (the edge itself: allowed), 1011 and 2000
    # (beyond): 2.
    group("out of window", {"out_of_window": 2}, lambda: (
        cli.send(tcp4(50011, flags="A", seq=1000, ack=5000, window=100)),
        srv.send(tcp4r(50011, flags="A", seq=5000, ack=1000, window=10)),
        [cli.send(tcp4(50011, flags="A", seq=q, ack=5000, window=100))
         for q in (1005, 1010, 1011, 2000)]))

    # An ACK that arrives late (reordered: sent before a newer one) must not
    # shrink the window.  Server: ack 1000 win 10 (edge 1010); client 10
    # bytes at 1000; server: ack 1010 win 100 (edge 1110); then the stale
    # copy of the first ACK (edge 1010); client 50 bytes at 1010 and 50 at
    # 1060, both inside the newest edge: 0 out of window.
    group("a reordered older ACK", {}, lambda: (
        cli.send(tcp4(50012, flags="A", seq=900, ack=5000, window=100)),
        srv.send(tcp4r(50012, flags="A", seq=5000, ack=1000, window=10)),
        cli.send(tcp4(50012, flags="PA", seq=1000, ack=5000, window=100) /
                 Raw(b"d" * 10)),
        srv.send(tcp4r(50012, flags="A", seq=5000, ack=1010, window=100)),
        srv.send(tcp4r(50012, flags="A", seq=5000, ack=1000, window=10)),
        cli.send(tcp4(50012, flags="PA", seq=1010, ack=5000, window=100) /
                 Raw(b"d" * 50)),
        cli.send(tcp4(50012, flags="PA", seq=1060, ack=5000, window=100) /
                 Raw(b"d" * 50))))

    # A RST's window field means nothing (Linux sends bare resets with
    # window 0): segments the peer had already sent inside the window it
    # last advertised are not out of window.  Server: ack 1010 win 100
    # (edge 1110); bare RST; client segments at 1010 and 1060 (in flight
    # when the RST left): 0 out of window.
    group("segments in flight after a RST", {}, lambda: (
        cli.send(tcp4(50013, flags="PA", seq=1000, ack=5000, window=100) /
                 Raw(b"d" * 10)),
        srv.send(tcp4r(50013, flags="A", seq=5000, ack=1010, window=100)),
        srv.send(tcp4r(50013, flags="R", seq=5000, ack=0, window=0)),
        cli.send(tcp4(50013, flags="PA", seq=1010, ack=5000, window=100) /
                 Raw(b"d" * 50)),
        cli.send(tcp4(50013, flags="PA", seq=1060, ack=5000, window=100) /
                 Raw(b"d" * 50))))

    # IPv6 with extension headers before TCP/UDP, to the IPv6 service:
    # hop-by-hop, destination options, routing (type 0, no segment left),
    # hop-by-hop + destination options: ipv6_exthdr once each.
    def v6_ext():
        pad = [PadN(optdata=b"\x00" * 4)]
        for sport, ext, l4 in (
                (50020, IPv6ExtHdrHopByHop(options=pad),
                 TCP(dport=8080, flags="S")),
                (50021, IPv6ExtHdrDestOpt(options=pad),
                 UDP(dport=5353) / Raw(b"q")),
                (50022, IPv6ExtHdrRouting(type=0, segleft=0, addresses=[]),
                 TCP(dport=8080, flags="S")),
                (50023, IPv6ExtHdrHopByHop(options=pad) /
                 IPv6ExtHdrDestOpt(options=pad),
                 TCP(dport=8080, flags="S"))):
            l4.sport = sport
            cli.send(IPv6(src=C6, dst=S6) / ext / l4)
    group("IPv6 extension headers", {"ipv6_exthdr": 4}, v6_ext)
    # IPv6 whose chain of extension headers runs past the packet's end (a
    # destination options header announcing another that is not there):
    # ipv6_skip_exthdr fails -> bad_header, not ipv6_exthdr.  (A broken
    # hop-by-hop header never reaches PRE_ROUTING: ipv6_rcv drops it.)
    group("IPv6 header chain cut short", {"bad_header": 1}, lambda:
          cli.send(IPv6(src=C6, dst=S6, nh=60) /
                   Raw(b"\x3c\x00" + b"\x00" * 6)))

    stats.close()
    print(json.dumps({"groups": groups, "checks": checks,
                      "sent": cli.sent + srv.sent}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
