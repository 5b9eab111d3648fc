#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forged handshakes against veer's SYN cookies (50-cookies.sh).

Runs in the client namespace and speaks to a service through the router
with scapy, as an attacker would:

  random N DST PORT      N ACKs with random sequence, cookie and TSecr
  synack DST PORT FILE   send a SYN with timestamps, save the SYN-ACK's
                         cookie and TSval to FILE (JSON), print them
  ack DST PORT FILE MODE send the ACK of a saved SYN-ACK: MODE "as-is",
                         "tamper-reason", "tamper-affinity", "tamper-clock"
                         (one bit of that TSval field flipped), "seq" (the
                         cookie plus one)

The client's kernel answers the SYN-ACKs scapy provokes with RSTs; the test
drops those with nft so that only what scapy sends reaches the router.
"""
import json
import random
import sys

from scapy.all import IP, IPv6, TCP, conf, send, sr1  # noqa: E402

conf.verb = 0

# Documentation/cookies.md: the TSval of a cookie SYN-ACK, from bit 0 up.
TS_REASON_BIT = 6
TS_EPOCH_BIT = 9
TS_AFF_BIT = 11


def l3(dst):
    return IPv6(dst=dst) if ":" in dst else IP(dst=dst)


def do_random(n, dst, port):
    rnd = random.SystemRandom()
    pkts = []
    for _ in range(n):
        # Below Linux's ephemeral ports: no tuple of a real connection.
        pkts.append(l3(dst) / TCP(
            sport=rnd.randint(1024, 32767), dport=port, flags="A",
            seq=rnd.getrandbits(32), ack=rnd.getrandbits(32),
            window=502,
            options=[("NOP", None), ("NOP", None),
                     ("Timestamp", (rnd.getrandbits(32),
                                    rnd.getrandbits(32)))]))
    send(pkts, inter=0)
    print(f"sent {n}")


def do_synack(dst, port, path):
    sport = random.randint(20000, 60000)
    isn = random.getrandbits(32)
    tsval = random.getrandbits(31)
    syn = l3(dst) / TCP(sport=sport, dport=port, flags="S", seq=isn,
                        window=64240,
                        options=[("MSS", 1460), ("SAckOK", b""),
                                 ("Timestamp", (tsval, 0)),
                                 ("NOP", None), ("WScale", 7)])
    ans = sr1(syn, timeout=5, retry=2)
    if ans is None or TCP not in ans or ans[TCP].flags != "SA":
        print("no SYN-ACK", file=sys.stderr)
        return 1
    opts = dict(o for o in ans[TCP].options if isinstance(o, tuple))
    ts = opts.get("Timestamp")
    rec = {"dst": dst, "port": port, "sport": sport, "isn": isn,
           "cookie": ans[TCP].seq, "tsval": tsval + 10,
           "synack_tsval": ts[0] if ts else None,
           "synack_tsecr": ts[1] if ts else None}
    with open(path, "w") as f:
        json.dump(rec, f)
    print(json.dumps(rec))
    return 0


def do_ack(path, mode):
    with open(path) as f:
        r = json.load(f)
    tsecr = r["synack_tsval"]
    ack = (r["cookie"] + 1) & 0xffffffff
    if mode == "tamper-reason":
        tsecr ^= 1 << TS_REASON_BIT
    elif mode == "tamper-affinity":
        tsecr ^= 1 << TS_AFF_BIT
    elif mode == "tamper-clock":
        tsecr ^= 1 << 30
    elif mode == "seq":
        ack = (ack + 1) & 0xffffffff
    elif mode != "as-is":
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    pkt = l3(r["dst"]) / TCP(sport=r["sport"], dport=r["port"], flags="A",
                             seq=(r["isn"] + 1) & 0xffffffff, ack=ack,
                             window=502,
                             options=[("NOP", None), ("NOP", None),
                                      ("Timestamp", (r["tsval"], tsecr))])
    send(pkt)
    print(f"ack {mode} tsecr={tsecr:#x}")
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "random":
        do_random(int(argv[2]), argv[3], int(argv[4]))
        return 0
    if cmd == "synack":
        return do_synack(argv[2], int(argv[3]), argv[4])
    if cmd == "ack":
        return do_ack(argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
