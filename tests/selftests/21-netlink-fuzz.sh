#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 21-netlink-fuzz.sh - a raw-netlink fuzz loop against the veer genl family.
#
# At least $VEER_FUZZ_COUNT (default 20000) messages, sent as root straight to
# the family (never to another genl family) from a netns, a tenth of them
# from a second netns: requests built from the attribute schema with random
# (often out-of-range) values, the same mutated (bit flips, bytes set to
# boundary values, truncation with and without fixing nlmsg_len, extension,
# corrupted nla_len and nlmsg_len, NLA_F_NESTED toggled, genl header fields),
# and pure garbage (random commands 0..255, random flags including NLM_F_DUMP,
# attribute soups with nested garbage); some datagrams carry several messages.
# The seed is printed; VEER_FUZZ_SEED=N replays the same sequence.
#
# For every message the kernel's answer is checked against the counters of
# /proc/net/veer/stats of its netns: nl_requests moves by 0 or 1 (a dump
# counts once), nl_rejects by 1 exactly when veer itself (not the genl core)
# refused it, and then an error came back; messages that cannot reach veer
# (bad header, other command, not a request) move nothing; replies and dump
# parts decode as veer objects.  Every 2000 messages the gauges (services,
# hosts, peers) are compared with dumps.
#
# After the loop: the module still answers (service add / get / dump / delete
# round trip, in the fuzzed netns and in a fresh one), the kernel log gained
# no splat, and once the namespaces are deleted the module's live object
# count (/sys/module/veer/parameters/objects) returns to its value before the
# test within a few seconds (objects are freed after an RCU grace period).
#
# Knobs: VEER_FUZZ_SEED, VEER_FUZZ_COUNT (default 20000), VEER_FUZZ_TIME
# (seconds; stop early past it, default 240: the loop takes about 55 s on
# an idle machine under TCG, 80 s on a loaded one; fewer than
# VEER_FUZZ_COUNT messages is then a failure).

source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/vm/splat.sh
source "$(dirname "$0")/../vm/splat.sh"

require_root
require_cmd ip python3 dmesg
require_veer

run_py_tap() {
	local cnt rc n=0 nfail=0

	cnt=$(mktemp /tmp/veer-tap.XXXXXX)
	VEER_TAP_START=$ksft_num VEER_TAP_COUNT=$cnt "$@"
	rc=$?
	read -r n nfail <"$cnt" 2>/dev/null
	rm -f "$cnt"
	ksft_num=$((ksft_num + ${n:-0}))
	if [ "$rc" -ne 0 ]; then
		EXIT_STATUS=$ksft_fail
		if [ "${nfail:-0}" -eq 0 ]; then
			ksft_num=$((ksft_num + 1))
			echo "not ok $ksft_num - python test program exited with status $rc"
		fi
	fi
}

export PYTHONPATH="$VEER_TOP/tests/selftests${PYTHONPATH:+:$PYTHONPATH}"

objects_before=$(cat /sys/module/veer/parameters/objects)
log_info "live veer objects before the test: $objects_before"
dmesg_mark="veer-fuzz-$$-$RANDOM"
echo "$dmesg_mark" >/dev/kmsg 2>/dev/null

: "${VEER_FUZZ_SEED:=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
export VEER_FUZZ_SEED
log_info "seed: $VEER_FUZZ_SEED (replay: VEER_FUZZ_SEED=$VEER_FUZZ_SEED $0)"

setup_ns NS NS2 NS3 || skip_test "cannot create namespaces"
export VEER_FUZZ_NS2=$NS2 VEER_FUZZ_NS3=$NS3

run_py_tap in_ns "$NS" python3 - <<'PY'
import errno as E
import os
import random
import struct
import time

import veer_nl as V
from veer_nl import (Genl, Tap, StatsFile, Attr, a_nest, a_raw, a_u32,
                     attrs_of, errno_name, decode_objects, parse_attrs,
                     split_msgs, genlmsg, NLMSG_HDR, NLMSG_HDRLEN,
                     GENL_HDRLEN, NLA_HDR, NLA_F_NESTED, NLA_F_NET_BYTEORDER,
                     NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP,
                     NLM_F_MULTI, NLMSG_ERROR, NLMSG_DONE, NLMSG_MIN_TYPE,
                     NLM_F_ACK_TLVS, NLM_F_CAPPED, SERVICE, HOST, PEER)

tap = Tap()
seed = int(os.environ["VEER_FUZZ_SEED"])
count = int(os.environ.get("VEER_FUZZ_COUNT", "20000"))
budget = float(os.environ.get("VEER_FUZZ_TIME", "240"))
ns2 = os.environ["VEER_FUZZ_NS2"]
rng = random.Random(seed)

g1 = Genl()
g2 = Genl(netns=ns2)
st1 = StatsFile()
st2 = StatsFile(ns2)
FID = g1.fid
if g2.fid != FID:
    raise SystemExit("family id differs between namespaces")
for g in (g1, g2):
    g.sock.setblocking(False)

VALID_CMDS = sorted(g1.family.ops)
DUMP_CMDS = [c for c, f in g1.family.ops.items() if f & V.GENL_CMD_CAP_DUMP]

# ---------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------

NAMES = ["a", "b", "c", "web", "svc-1", "s:2", "x.y", "", "a b",
         "n" * 31, "n" * 32]
V4 = ["10.0.0.1", "10.0.0.2", "10.0.0.0", "10.0.1.0", "192.0.2.1",
      "0.0.0.0", "224.0.0.1", "255.255.255.255", "127.0.0.1"]
V6 = ["2001:db8::1", "2001:db8::2", "2001:db8::", "::", "ff02::1",
      "fe80::1", "::1"]
U8 = [0, 1, 2, 3, 6, 17, 24, 32, 33, 50, 51, 64, 127, 128, 129, 255]
U32 = [0, 1, 2, 7, 15, 16, 100, 251, 1000, 65535, 65536, 65537, 65539,
       1 << 24, (1 << 24) + 1, 60000000, 60000001, 0x7fffffff, 0x80000000,
       0xffffffff]
BE16 = [0, 1, 80, 443, 6080, 65535]


def rand_bytes(n):
    return rng.randbytes(n)


# Valid values, for requests that should succeed and build up state.
CLEAN = {
    "veer_svc_attr": {
        "name": ["a", "b", "c", "web", "svc-1", "s:2", "x.y"],
        "addr4": ["10.0.0.1", "10.0.0.2", "192.0.2.1", "10.0.1.0"],
        "addr6": ["2001:db8::1", "2001:db8::2"], "proto": [6, 17],
        "port": [0, 80, 443], "flags": [0, 1, 2, 3], "sched": [0, 1],
        "table_size": [7, 251, 65537], "cookie_mode": [0, 1, 2],
        "syn_thresh": [0, 1000], "conn_thresh": [0, 5],
        "latency_thresh": [0, 1000], "shift_pct": [0, 10, 50]},
    "veer_host_attr": {
        "addr4": ["10.1.0.1", "10.1.0.2", "10.1.0.3"],
        "addr6": ["2001:db8:1::1", "2001:db8:1::2"], "port": [0, 8080],
        "weight": [0, 1, 65535], "state": [0, 1, 2], "encap": [0, 1, 1],
        "encap_port": [1, 6080]},
    "veer_peer_attr": {
        "addr4": ["10.2.0.1", "10.2.0.2", "10.2.0.3"],
        "addr6": ["2001:db8:2::1"], "role": [0, 1], "port": [1, 6080],
        "weight": [1, 100]},
    "veer_cfg_attr": {
        "flow_max": [16, 65536], "track_all": [0, 1], "gue_port": [6080],
        "event_rate": [1, 1000], "node_id": [0, 7]},
}
clean = False

# Everything pre-encoded: Python is slow under TCG, the generator must be
# cheap.  ITEMS[set]: (name, type, wire type, encoded valid values or None).
PACK = {"u8": struct.Struct("=B").pack, "u16": struct.Struct("=H").pack,
        "u32": struct.Struct("=I").pack, "u64": struct.Struct("=Q").pack,
        "be16": struct.Struct("!H").pack, "be32": struct.Struct("!I").pack}
V4_ENC = [V.encode_value("in4", a) for a in V4]
V6_ENC = [V.encode_value("in6", a) for a in V6]
NAMES_ENC = [n.encode() + b"\0" for n in NAMES]
U8_ENC = [PACK["u8"](v) for v in U8]
U32_ENC = [PACK["u32"](v) for v in U32]
BE16_ENC = [PACK["be16"](v) for v in BE16]
ITEMS = {}
for _set, _attrs in V.ATTR_BY_NAME.items():
    ITEMS[_set] = [(n, t, wt, [V.encode_value(wt, v) for v in
                               CLEAN[_set][n]] if n in CLEAN.get(_set, {})
                    else None)
                   for n, (t, wt) in _attrs.items() if wt != "pad"]
CLEAN_ITEMS = {k: [i for i in v if i[3]] for k, v in ITEMS.items()}


def rand_value(name, wt):
    """An encoded value for an attribute of wire type @wt: often a boundary
    or out-of-range one, sometimes of the wrong size."""
    if rng.random() < 0.04:
        return rand_bytes(rng.choice([0, 1, 2, 3, 5, 8, 15, 17, 33]))
    if wt == "u8":
        if name == "proto":
            return PACK["u8"](rng.choice([6, 6, 17, 17, 1, 0, 255]))
        return rng.choice(U8_ENC) if rng.random() < 0.7 else \
            PACK["u8"](rng.randrange(4))
    if wt in ("u16", "be16"):
        return rng.choice(BE16_ENC) if rng.random() < 0.8 else \
            PACK[wt](rng.randrange(65536))
    if wt in ("u32", "be32"):
        if name == "flags":
            return PACK["u32"](rng.choice([0, 1, 2, 3, 4, 0x80,
                                           0xffffffff]))
        return rng.choice(U32_ENC) if rng.random() < 0.8 else \
            PACK[wt](rng.getrandbits(32))
    if wt == "u64":
        return PACK["u64"](rng.getrandbits(64))
    if wt == "in4":
        return rng.choice(V4_ENC) if rng.random() < 0.9 else rand_bytes(4)
    if wt == "in6":
        return rng.choice(V6_ENC)
    if wt == "str":
        if rng.random() < 0.9:
            return rng.choice(NAMES_ENC)
        return rand_bytes(rng.randrange(0, 40))
    if wt.startswith("nest:"):
        return b""
    return rand_bytes(4)


def enc_attr(t, payload, flags=0):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t | flags) + payload + \
        b"\0" * ((-n) % 4)


def rand_obj(aset, must=(), p=0.35):
    """Encoded attributes of set @aset: those in @must and a random subset
    of the others (about a share @p), sometimes an unknown one."""
    items = CLEAN_ITEMS[aset] if clean else ITEMS[aset]
    if not items:
        return b""
    k = min(len(items), rng.randrange(int(2 * p * len(items)) + 1))
    chosen = rng.sample(items, k)
    names = {i[0] for i in chosen}
    chosen += [i for i in items if i[0] in must and i[0] not in names]
    names |= set(must)
    if "addr4" in names and "addr6" in names and rng.random() < 0.8:
        drop = rng.choice(["addr4", "addr6"])
        chosen = [i for i in chosen if i[0] != drop]
    rng.shuffle(chosen)
    out = []
    for name, t, wt, good in chosen:
        if clean:
            v = rng.choice(good)
        else:
            v = rand_value(name, wt)
        out.append(enc_attr(t, v, NLA_F_NESTED if wt.startswith("nest:")
                            else 0))
    if not clean and rng.random() < 0.05:
        out.append(enc_attr(rng.choice([0, len(V.ATTR_BY_NUM[aset]) + 2,
                                        rng.randrange(64)]),
                            rand_bytes(rng.randrange(9))))
    return b"".join(out)


def nest(t, body):
    return enc_attr(t, body, NLA_F_NESTED if rng.random() > 0.02 else 0)


def valid_ish():
    """A request of a random command with the nests it takes, random
    settings, mostly plausible (valid only, half the time): it creates,
    changes and deletes objects."""
    global clean
    clean = rng.random() < 0.5
    cmd = rng.choice(VALID_CMDS)
    kind = V.CMD_NAMES[cmd].split("_")[0]
    attrs = []
    if kind == "service":
        must = ("name",) if rng.random() < 0.9 else ()
        if cmd == V.VEER_CMD_SERVICE_NEW and rng.random() < 0.8:
            must += (rng.choice(["addr4", "addr4", "addr6"]), "proto")
        attrs.append(nest(V.VEER_ATTR_SERVICE,
                          rand_obj("veer_svc_attr", must,
                                   0.3 if cmd != V.VEER_CMD_SERVICE_NEW
                                   else 0.2)))
    elif kind == "host":
        if rng.random() < 0.95:
            attrs.append(nest(V.VEER_ATTR_SERVICE,
                              rand_obj("veer_svc_attr", ("name",), 0.01)))
        if rng.random() < 0.95:
            attrs.append(nest(V.VEER_ATTR_HOST, rand_obj(
                "veer_host_attr", (rng.choice(["addr4", "addr4",
                                               "addr6"]),), 0.3)))
    elif kind == "peer":
        if rng.random() < 0.95:
            attrs.append(nest(V.VEER_ATTR_PEER, rand_obj(
                "veer_peer_attr", (rng.choice(["addr4", "addr6"]),), 0.4)))
    elif kind in ("flow", "agg") and "veer_%s_attr" % kind in V.ATTR_BY_NAME:
        if rng.random() < 0.9:
            attrs.append(nest(V.ATTR_BY_NAME["veer_attr"][kind][0],
                              rand_obj("veer_%s_attr" % kind, (), 0.3)))
    elif kind == "config":
        if cmd == V.VEER_CMD_CONFIG_SET or rng.random() < 0.05:
            attrs.append(nest(V.VEER_ATTR_CONFIG,
                              rand_obj("veer_cfg_attr", (), 0.4)))
    if not clean and rng.random() < 0.03:   # a nest it does not take
        attrs.append(nest(rng.randrange(1, V.VEER_ATTR_MAX + 2),
                          rand_obj("veer_peer_attr", ("addr4",))))
    rng.shuffle(attrs)
    flags = NLM_F_REQUEST | NLM_F_ACK
    r = rng.random()
    if r < 0.25 and cmd in DUMP_CMDS:
        flags = NLM_F_REQUEST | NLM_F_DUMP | (NLM_F_ACK if r < 0.1 else 0)
    elif r < 0.35:
        flags = NLM_F_REQUEST
    elif r < 0.38:
        flags |= NLM_F_ECHO
    return cmd, attrs, flags


def garbage_attrs(depth=0, budget=256):
    out = b""
    for _ in range(rng.randrange(0, 6)):
        t = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, rng.randrange(64),
                        rng.getrandbits(16)])
        if depth < 4 and rng.random() < 0.3:
            body = garbage_attrs(depth + 1, budget // 2)
            t |= NLA_F_NESTED if rng.random() < 0.7 else 0
        else:
            body = rand_bytes(rng.choice([0, 1, 2, 3, 4, 8, 16, 17,
                                          rng.randrange(40)]))
        out += Attr(t & 0xffff, body, nested=False,
                    pad=rng.random() > 0.05).encode()
        if len(out) > budget:
            break
    return out


def garbage():
    cmd = rng.randrange(256) if rng.random() < 0.5 else \
        rng.choice(VALID_CMDS)
    flags = rng.getrandbits(16) if rng.random() < 0.3 else \
        rng.choice([NLM_F_REQUEST, NLM_F_REQUEST | NLM_F_ACK,
                    NLM_F_REQUEST | NLM_F_DUMP,
                    NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP])
    version = rng.choice([1, 1, 1, 0, 2, 255])
    reserved = 0 if rng.random() < 0.9 else rng.getrandbits(16)
    return genlmsg(FID, cmd, [garbage_attrs()], flags=flags, seq=0,
                   version=version, reserved=reserved)


def attr_offsets(m):
    """Offsets of every attribute header in message @m (nested too)."""
    out = []

    def walk(start, end, depth):
        for _, _, p, off in parse_attrs(m, start, end):
            out.append(off)
            alen = NLA_HDR.unpack_from(m, off)[0]
            if depth < 4 and alen >= 8:
                walk(off + 4, off + alen, depth + 1)
    walk(NLMSG_HDRLEN + GENL_HDRLEN, len(m), 0)
    return out


def mutate(m):
    m = bytearray(m)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        k = rng.randrange(9)
        if k == 0 and m:                        # bit flips
            for _ in range(rng.randrange(1, 5)):
                i = rng.randrange(len(m))
                m[i] ^= 1 << rng.randrange(8)
        elif k == 1 and m:                      # a byte set
            m[rng.randrange(len(m))] = rng.choice([0, 0xff, 0x7f, 0x80,
                                                   rng.getrandbits(8)])
        elif k == 2:                            # truncation
            n = rng.randrange(len(m) + 1)
            del m[n:]
            if rng.random() < 0.6 and n >= 4:
                struct.pack_into("=I", m, 0, n)
        elif k == 3:                            # extension
            m += rand_bytes(rng.randrange(1, 64))
            if rng.random() < 0.6 and len(m) >= 4:
                struct.pack_into("=I", m, 0, len(m))
        elif k == 4:                            # nla_len
            offs = attr_offsets(bytes(m))
            if offs:
                o = rng.choice(offs)
                old = NLA_HDR.unpack_from(m, o)[0]
                struct.pack_into("=H", m, o, rng.choice(
                    [0, 1, 3, 4, 5, old - 1, old + 1, old + 4, old + 8,
                     0xffff, rng.getrandbits(16)]) & 0xffff)
        elif k == 5 and len(m) >= 4:            # nlmsg_len
            struct.pack_into("=I", m, 0, rng.choice(
                [0, 15, 16, 17, 19, 20, len(m) - 1, len(m) + 1,
                 len(m) + 100, 0xffffffff, rng.getrandbits(32)]) &
                0xffffffff)
        elif k == 6:                            # attribute type flags
            offs = attr_offsets(bytes(m))
            if offs:
                o = rng.choice(offs) + 2
                t = struct.unpack_from("=H", m, o)[0]
                t ^= rng.choice([NLA_F_NESTED, NLA_F_NET_BYTEORDER])
                struct.pack_into("=H", m, o, t)
        elif k == 7 and len(m) >= 20:           # genl header
            i = rng.choice([16, 17, 18, 19])
            m[i] = rng.getrandbits(8)
        elif k == 8 and len(m) >= 8:            # nlmsg_flags
            struct.pack_into("=H", m, 6, rng.getrandbits(16)
                             if rng.random() < 0.3 else
                             rng.choice([NLM_F_REQUEST, NLM_F_DUMP | 1,
                                         NLM_F_ACK | 1, NLM_F_ACK, 0]))
    return bytes(m)


def fix_type(m):
    """Keeps every message on the veer family (or a control type < 16,
    which the netlink core skips): the fuzz never reaches other families."""
    m = bytearray(m)
    if len(m) >= 6:
        t = FID if rng.random() > 0.01 else rng.randrange(NLMSG_MIN_TYPE)
        struct.pack_into("=H", m, 4, t)
    return bytes(m)


def set_seq(m, seq):
    m = bytearray(m)
    if len(m) >= 12:
        struct.pack_into("=I", m, 8, seq)
    return bytes(m)


def one_message(seq):
    r = rng.random()
    if r < 0.40:
        cmd, attrs, flags = valid_ish()
        m = genlmsg(FID, cmd, attrs, flags=flags, seq=seq)
    elif r < 0.85:
        cmd, attrs, flags = valid_ish()
        m = mutate(genlmsg(FID, cmd, attrs, flags=flags, seq=seq))
    else:
        m = garbage()
        if rng.random() < 0.3:
            m = mutate(m)
    if r >= 0.40 and rng.random() < 0.5:
        m = set_seq(m, seq)
    return fix_type(m)


# ---------------------------------------------------------------------------
# What reaches veer: the header checks of the netlink and genl cores
# ---------------------------------------------------------------------------

def visible_messages(d):
    """Walks datagram @d as netlink_rcv_skb() does and forces the type of
    every message the kernel will process to the veer family (or leaves a
    control type < 16): bytes left after a truncated or shortened message
    must not become a request to another family.  Returns the datagram and
    the (offset, length) of each message the kernel processes."""
    d = bytearray(d)
    out = []
    off = 0
    while len(d) - off >= NLMSG_HDRLEN:
        n, t = struct.unpack_from("=IH", d, off)
        if n < NLMSG_HDRLEN or n > len(d) - off:
            break
        if t >= NLMSG_MIN_TYPE and t != FID:
            struct.pack_into("=H", d, off + 4, FID)
        out.append((off, n))
        off += (n + 3) & ~3
    return bytes(d), out


def header_of(m):
    """(reaches_genl, nlmsg fields) of a single-message datagram @m:
    netlink_rcv_skb() drops a message whose nlmsg_len is below 16 or past
    the datagram, skips non-requests and control types."""
    if len(m) < NLMSG_HDRLEN:
        return "short", None
    n, t, fl, seq, pid = NLMSG_HDR.unpack_from(m, 0)
    if n < NLMSG_HDRLEN or n > len(m):
        return "dropped", None
    if not fl & NLM_F_REQUEST or t < NLMSG_MIN_TYPE:
        return "not-request", (n, t, fl)
    return "genl", (n, t, fl)


def may_reach_veer(m):
    kind, h = header_of(m)
    if kind != "genl":
        return False
    n, t, fl = h
    if t != FID or n < NLMSG_HDRLEN + GENL_HDRLEN:
        return False
    return m[NLMSG_HDRLEN] in g1.family.ops


# ---------------------------------------------------------------------------
# Receiving: everything queued after a send belongs to it (the kernel
# answers genl requests synchronously; we are in no multicast group).
# ---------------------------------------------------------------------------

class Outcome:
    def __init__(self):
        self.errors = []        # errnos of NLMSG_ERROR with errno != 0
        self.acks = 0           # NLMSG_ERROR with 0
        self.data = 0           # veer messages (replies, dump parts)
        self.done = []          # errno of each NLMSG_DONE
        self.bad = []           # malformed answers
        self.multi_open = False


def collect(g, out, wait_dump):
    """Reads what is queued; with @wait_dump, also waits (up to 10 s) for
    the rest of a dump in progress."""
    while True:
        try:
            data = g.sock.recv(65536)
        except BlockingIOError:
            if out.multi_open and wait_dump:
                import select
                r, _, _ = select.select([g.sock], [], [], 10)
                if not r:
                    out.bad.append("dump never finished")
                    return
                continue
            return
        try:
            msgs = split_msgs(data)
        except ValueError as e:
            out.bad.append(str(e))
            return
        for t, fl, s, pid, p, raw in msgs:
            if t == NLMSG_ERROR:
                r = V.Reply(b"")
                try:
                    V.parse_error(p, fl, r)
                except Exception as e:
                    out.bad.append("NLMSG_ERROR: %s" % e)
                    continue
                if r.errno:
                    out.errors.append(r.errno)
                else:
                    out.acks += 1
                out.multi_open = False
            elif t == NLMSG_DONE:
                r = V.Reply(b"")
                V.parse_done(p, fl, r)
                out.done.append(r.errno)
                out.multi_open = False
            elif t == FID:
                out.data += 1
                if fl & NLM_F_MULTI:
                    out.multi_open = True
                try:
                    o = decode_objects(p[GENL_HDRLEN:])
                    unknown = [k for k in o if k.startswith("attr")]
                    for v in o.values():
                        if isinstance(v, dict):
                            unknown += [k for k in v if k.startswith("attr")]
                    if unknown:
                        out.bad.append("unknown attributes %s" % unknown)
                except ValueError as e:
                    out.bad.append("undecodable reply: %s" % e)
            else:
                out.bad.append("unexpected message type %d" % t)


# ---------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------

sides = [(g1, st1, st1.read()), (g2, st2, st2.read())]
sides = [list(s) for s in sides]
stats_start = [s[2] for s in sides]
failures = []
hist = {}
sent = [0, 0]
reached = [0, 0]
rejected = [0, 0]
kinds = {}
t0 = time.monotonic()
seq = 1000
i = 0
cmd_time = {}


def note(k):
    hist[k] = hist.get(k, 0) + 1


def gauges_match(si):
    g, st, _ = sides[si]
    c = {"services": len(g.objects("service")),
         "hosts": len(g.objects("host")),
         "peers": len(g.objects("peer"))}
    s = st.read()
    sides[si][2] = s
    return c, {k: s[k] for k in c}


while i < count:
    if time.monotonic() - t0 > budget:
        break
    si = 1 if rng.random() < 0.1 else 0
    g, st, before = sides[si]
    nmsg = 1 if rng.random() > 0.03 else rng.randrange(2, 4)
    msgs = []
    for _ in range(nmsg):
        seq += 1
        msgs.append(one_message(seq))
    dgram = b"".join(m + b"\0" * ((-len(m)) % 4) if k < nmsg - 1 else m
                     for k, m in enumerate(msgs))
    if not dgram:
        dgram = b"\0"
    dgram, vis = visible_messages(dgram)
    t_send = time.monotonic()
    try:
        g.sock.send(dgram)
    except OSError as e:
        note("send:" + errno_name(e.errno))
    out = Outcome()
    collect(g, out, wait_dump=True)
    after = st.read()
    sides[si][2] = after
    cmdkey = V.CMD_NAMES.get(dgram[16], "?") if len(dgram) > 16 else "-"
    cmd_time[cmdkey] = cmd_time.get(cmdkey, 0) + time.monotonic() - t_send
    dreq = after["nl_requests"] - before["nl_requests"]
    drej = after["nl_rejects"] - before["nl_rejects"]
    sent[si] += nmsg
    reached[si] += dreq
    rejected[si] += drej
    i += nmsg
    nvis = len(vis)
    for e in out.errors:
        note(errno_name(e))
    for e in out.done:
        note("done:" + errno_name(e))
    if out.acks:
        note("ack")
    if not out.errors and not out.acks and not out.done and not out.data:
        note("silent")
    problems = list(out.bad)
    if nvis == 0:
        if dreq or drej or out.errors or out.acks or out.data or out.done:
            problems.append("an answer to a datagram without a message")
    elif nvis == 1:
        off, n = vis[0]
        m = dgram[off:off + n]
        failed = bool(out.errors) or any(out.done)
        if dreq not in (0, 1) or drej not in (0, 1):
            problems.append("counters moved by %d/%d" % (dreq, drej))
        if drej > dreq:
            problems.append("rejects moved without a request")
        if drej and not failed:
            problems.append("counted as rejected, but no error came back")
        if dreq and failed and not drej:
            problems.append("reached veer and failed, not counted")
        if dreq and not may_reach_veer(m):
            problems.append("counted a message that cannot reach veer")
        if len(out.errors) + out.acks + len(out.done) > 1:
            problems.append("several final answers")
    else:
        if drej > dreq or dreq > nvis:
            problems.append("counters moved by %d/%d for %d messages" %
                            (dreq, drej, nvis))
        if drej > len(out.errors) + sum(1 for e in out.done if e):
            problems.append("more rejects counted than errors returned")
    if problems and len(failures) < 20:
        failures.append("message %d (netns %d): %s; sent %s" %
                        (i, si + 1, "; ".join(problems),
                         b"|".join(msgs).hex()))
    if i % 2000 < nmsg:
        for k in (0, 1):
            c, s = gauges_match(k)
            if c != s and len(failures) < 20:
                failures.append("after %d messages, netns %d: dumps %s, "
                                "gauges %s" % (i, k + 1, c, s))
    if i % 2500 < nmsg:
        tap.info("%d messages, %.0f s" % (i, time.monotonic() - t0))

elapsed = time.monotonic() - t0
tap.info("seed %d: %d messages (%d from the second netns) in %.1f s, "
         "%.0f/s" % (seed, sum(sent), sent[1], elapsed, sum(sent) / elapsed))
tap.info("veer counted %d requests, %d rejected; outcomes: %s" %
         (sum(reached), sum(rejected),
          ", ".join("%s %d" % kv for kv in sorted(hist.items(),
                                                   key=lambda x: -x[1]))))

tap.info("slowest commands (send to answers read): %s" % ", ".join(
    "%s %.1f s" % kv for kv in sorted(cmd_time.items(),
                                      key=lambda x: -x[1])[:5]))
with tap.subtest("fuzz: %d messages sent (want %d)" % (sum(sent), count)) as t:
    t.check(sum(sent) >= count, "stopped after %.0f s (VEER_FUZZ_TIME=%g)"
            % (elapsed, budget))
    t.check(sent[1] > 0, "nothing sent from the second netns")
with tap.subtest("fuzz: every answer consistent with nl_requests and "
                 "nl_rejects") as t:
    for f in failures:
        t.fail(f)
with tap.subtest("fuzz: the fuzz reached veer's handlers and their "
                 "rejections") as t:
    t.check(sum(reached) > count // 4, "only %d requests reached veer"
            % sum(reached))
    t.check(sum(rejected) > count // 10, "only %d rejections by veer"
            % sum(rejected))
    t.check(sum(reached) - sum(rejected) > count // 20,
            "only %d successful requests" % (sum(reached) - sum(rejected)))
with tap.subtest("fuzz: counters add up (stats vs per-message sums)") as t:
    for k in (0, 1):
        s = sides[k][1].read()
        # The gauge dumps every 2000 messages were requests too.
        t.check(s["nl_requests"] - stats_start[k]["nl_requests"] >=
                reached[k], "netns %d nl_requests" % (k + 1))
        t.check(s["nl_rejects"] - stats_start[k]["nl_rejects"] ==
                rejected[k], "netns %d nl_rejects: %d, summed %d" %
                (k + 1, s["nl_rejects"] - stats_start[k]["nl_rejects"],
                 rejected[k]))
        t.check(s["nl_rejects"] <= s["nl_requests"], "rejects > requests")
with tap.subtest("fuzz: gauges match the dumps afterwards") as t:
    for k in (0, 1):
        c, s = gauges_match(k)
        t.eq(c, s, "netns %d dumps vs gauges" % (k + 1))
    tap.info("left by the fuzz: netns 1 %s, netns 2 %s" %
             (gauges_match(0)[0], gauges_match(1)[0]))
    tap.info("netns 1 counters: %s" % " ".join(
        "%s=%d" % kv for kv in sides[0][1].read().items() if kv[1]))

for g in (g1, g2):
    g.sock.setblocking(True)


def round_trip(g, t, where):
    name = "rt-check"
    svc = dict(name=name, addr4="192.0.2.77", proto=6, port=7777)
    g.request(V.VEER_CMD_SERVICE_DEL, [SERVICE(name=name)])
    r = g.request(V.VEER_CMD_SERVICE_NEW, [SERVICE(**svc)])
    t.eq(errno_name(r.errno), "0", "%s: add (%s)" % (where, r))
    r = g.request(V.VEER_CMD_SERVICE_GET, [SERVICE(name=name)])
    o = r.objects()[0]["service"] if r.msgs else {}
    t.eq((o.get("name"), o.get("addr4"), o.get("port"), o.get("proto")),
         (name, "192.0.2.77", 7777, 6), "%s: get" % where)
    t.check(any(s["name"] == name for s in g.objects("service")),
            "%s: not in the dump" % where)
    r = g.request(V.VEER_CMD_HOST_NEW, [SERVICE(name=name),
                                        HOST(addr4="192.0.2.78")])
    t.eq(errno_name(r.errno), "0", "%s: host add" % where)
    r = g.request(V.VEER_CMD_SERVICE_DEL, [SERVICE(name=name)])
    t.eq(errno_name(r.errno), "0", "%s: delete" % where)
    r = g.request(V.VEER_CMD_SERVICE_GET, [SERVICE(name=name)])
    t.eq(errno_name(r.errno), "ENOENT", "%s: get after delete" % where)


with tap.subtest("after the fuzz: service add/get/dump/delete round trip "
                 "in both fuzzed namespaces") as t:
    round_trip(g1, t, "netns 1")
    round_trip(g2, t, "netns 2")
with tap.subtest("after the fuzz: a fresh netns works") as t:
    round_trip(Genl(netns=os.environ["VEER_FUZZ_NS3"]), t, "netns 3")
with tap.subtest("after the fuzz: every service name is of the allowed "
                 "characters (letters, digits, - _ . :), 1..31 long") as t:
    import re
    for k, g in ((1, g1), (2, g2)):
        for sv in g.objects("service"):
            n = sv.get("name", "")
            t.check(re.fullmatch(r"[A-Za-z0-9_.:-]{1,31}", n),
                    "netns %d: service named %r" % (k, n.encode(
                        "utf-8", errors="surrogateescape")))
with tap.subtest("after the fuzz: config and stats still answer") as t:
    c = g1.get_one("config")
    t.check("flow_max" in c and "gue_port" in c, "config: %s" % c)
    s = g1.get_one("stats")
    t.eq(s.get("nl_rejects"), st1.read()["nl_rejects"],
         "stats over netlink vs /proc")
tap.exit()
PY

RET=0
cleanup_ns "$NS" "$NS2" "$NS3"
# Namespaces die in a workqueue, objects after an RCU grace period.
objs_back() { [ "$(cat /sys/module/veer/parameters/objects)" -eq "$objects_before" ]; }
slowwait 15 objs_back
check_err $? "live objects: $(cat /sys/module/veer/parameters/objects), before: $objects_before"
log_test "namespaces deleted: live objects back to $objects_before"

RET=0
splats=$(dmesg | awk -v m="$dmesg_mark" 'f { print } index($0, m) { f = 1 }' |
	{ veer_splat_grep - || true; })
[ -z "$splats" ]
check_err $? "kernel splat: $(echo "$splats" | head -n 5)"
log_test "kernel log: no WARN/BUG/KASAN/lockdep splat"

ksft_exit
