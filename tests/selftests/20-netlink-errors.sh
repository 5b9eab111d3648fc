#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 20-netlink-errors.sh - every rejection of the veer genl family, with its
# exact errno and extack (message, offending attribute, missing attribute and
# nest, policy), sent raw (tests/selftests/veer_nl.py) in a fresh netns:
#
#   - missing required attributes (service name, address, protocol; host
#     service/address; peer address; the object nests themselves);
#   - wrong type or length (u8 for a u32, 3-byte ADDR4, 15/17-byte ADDR6,
#     names not NUL-terminated or too long), NLA_F_NESTED misuse;
#   - out-of-range values (prefix, shift, weight, table size, cookie mode,
#     scheduler, state, encap, role, ports 0, config knobs), non-prime table
#     sizes, protocols other than TCP/UDP, host bits beyond the prefix, both
#     ADDR4 and ADDR6, unknown flag bits, unknown and read-only attributes;
#   - EEXIST (by name, by endpoint), ENOENT (delete, change, get), family
#     mismatch without a tunnel (EAFNOSUPPORT), non-unicast hosts and peers,
#     the limits (ENOSPC for the 1025th service, 257th host, 65th peer);
#   - what the genl core rejects before veer sees it (unknown commands,
#     header flags, reserved field, short messages, top-level policy).
#
# After each rejection: nl_requests/nl_rejects of /proc/net/veer/stats moved
# by exactly what veer counts (1 and 1 when the request reached veer, 0 and 0
# when the genl core refused it first: unknown top-level attributes, header
# checks), and a dump of everything is unchanged (nothing half-created).
# Boundary values next to each limit are accepted (so the checks can fail).
#
# Then the dumps: the most services (1024), hosts of a service (256) plus 50
# and peers (64) come back exactly once each, with their attributes, over
# many parts; a filtered host dump returns
# one service's hosts; a dump interleaved with a change carries
# NLM_F_DUMP_INTR on the parts built after the change, and one without a
# change does not.

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip python3
require_veer

# run_py_tap CMD...: run a Python program using veer_nl.Tap and merge its
# subtests into this script's numbering and exit status.
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

setup_ns NS || skip_test "cannot create a netns"

run_py_tap in_ns "$NS" python3 - <<'PY'
import errno as E
import ipaddress
import json
import time

import veer_nl as V
from veer_nl import (Genl, Tap, a_nest, a_raw, a_str, a_u8, a_u32, a_be16,
                     attrs_of, errno_name, genlmsg, nlmsg, proc_stats,
                     SERVICE, HOST, PEER, CONFIG,
                     NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLM_F_CREATE,
                     NLM_F_EXCL, NLA_F_NESTED)

tap = Tap()
g = Genl()

S, H, P, C = (V.VEER_ATTR_SERVICE, V.VEER_ATTR_HOST, V.VEER_ATTR_PEER,
              V.VEER_ATTR_CONFIG)
NEW, DEL, SET, GET = (V.VEER_CMD_SERVICE_NEW, V.VEER_CMD_SERVICE_DEL,
                      V.VEER_CMD_SERVICE_SET, V.VEER_CMD_SERVICE_GET)
HNEW, HDEL, HSET, HGET = (V.VEER_CMD_HOST_NEW, V.VEER_CMD_HOST_DEL,
                          V.VEER_CMD_HOST_SET, V.VEER_CMD_HOST_GET)
PNEW, PDEL, PSET, PGET = (V.VEER_CMD_PEER_NEW, V.VEER_CMD_PEER_DEL,
                          V.VEER_CMD_PEER_SET, V.VEER_CMD_PEER_GET)
TCP, UDP, ICMP = 6, 17, 1
EMSG_RANGE = "integer out of range"
EMSG_LEN = "invalid attribute length"
EMSG_POLICY = "Attribute failed policy validation"
EMSG_UNKNOWN = "Unknown attribute type"
EMSG_UNSUPP = "Unsupported attribute"

expected_rejects = 0     # what veer should have counted, summed over cases
stats_start = proc_stats()


def must(r, what):
    if r.errno:
        raise RuntimeError("%s failed: %s" % (what, r))
    return r


def expect(desc, cmd, attrs=(), err=0, msg=None, bad=None, miss=None,
           miss_nest=None, counted=True, policy=None, flags=None,
           raw=None, snapshot=True, done_tlvs=False):
    """One request expected to fail with exactly @err and extack @msg, the
    bad attribute at path @bad, @miss / @miss_nest, a @policy subset;
    @counted: veer (not the genl core) rejected it.  @done_tlvs: an error
    ending a dump (NLMSG_DONE), which carries the offsets and the missing
    attribute only since Linux 6.x (6.12 does, 6.1 does not): each may be
    absent, and must be right when present."""
    global expected_rejects
    before = g.snapshot() if snapshot else None
    s0 = proc_stats()
    if raw is not None:
        seq = g.next_seq()
        r = g.raw_request(raw(seq), seq, timeout=5)
    elif flags is not None:
        r = g.request(cmd, attrs, flags=flags)
    else:
        r = g.request(cmd, attrs)
    s1 = proc_stats()
    after = g.snapshot() if snapshot else None
    with tap.subtest(desc) as t:
        t.eq(errno_name(r.errno), errno_name(err), "errno")
        t.eq(r.msg, msg, "extack message")
        for got, want, what in ((r.bad_path, bad, "offending attribute "
                                 "(path of types)"),
                                (r.miss_type, miss, "missing attribute type"),
                                (r.miss_nest_path, miss_nest,
                                 "nest missing the attribute")):
            if done_tlvs and got is None:
                continue
            t.eq(got, want, what)
        for k, v in (policy or {}).items():
            t.eq((r.policy or {}).get(k), v, "policy " + k)
        n = 1 if counted else 0
        t.eq(s1["nl_requests"] - s0["nl_requests"], n, "nl_requests delta")
        t.eq(s1["nl_rejects"] - s0["nl_rejects"], n, "nl_rejects delta")
        if snapshot and after != before:
            t.fail("objects changed by a rejected request: %s (undone)" %
                   ", ".join(restore(before, after)))
        t.check(raw is not None or r.acked or r.dump_done is not None,
                "no NLMSG_ERROR (or NLMSG_DONE) for the request")
    expected_rejects += 1 if counted else 0
    return r


def restore(before, after):
    """Undoes what a request that should have failed changed (so that one
    wrong acceptance does not fail the cases after it): deletes the
    services, hosts and peers it added, puts the config back; returns what
    it found changed."""
    changed = []
    old = {o["name"]: o for o in before["services"]}
    for o in after["services"]:
        if o["name"] not in old:
            changed.append("new service %r" % o["name"])
            g.request(DEL, [SERVICE(name=o["name"])])
        elif {k: v for k, v in o.items() if k != "hosts"} != \
                {k: v for k, v in old[o["name"]].items() if k != "hosts"}:
            changed.append("service %r now %s" % (o["name"], o))
    hkey = lambda o: (o["service"], o.get("addr4"), o.get("addr6"),
                      o["port"])
    old = {hkey(o) for o in before["hosts"]}
    for o in after["hosts"]:
        if hkey(o) not in old:
            changed.append("new host %s" % (hkey(o),))
            a = {k: o[k] for k in ("addr4", "addr6", "port") if k in o}
            g.request(HDEL, [SERVICE(name=o["service"]), HOST(**a)])
    pkey = lambda o: (o.get("addr4"), o.get("addr6"))
    old = {pkey(o) for o in before["peers"]}
    for o in after["peers"]:
        if pkey(o) not in old:
            changed.append("new peer %s" % (pkey(o),))
            g.request(PDEL, [PEER(**{k: o[k] for k in ("addr4", "addr6")
                                     if k in o})])
    if after["config"] != before["config"]:
        changed.append("config %s" % after["config"])
        g.request(V.VEER_CMD_CONFIG_SET, [CONFIG(**before["config"])])
    if g.snapshot() != before:
        changed.append("(could not undo all)")
    return changed


def accept(desc, cmd, attrs, undo=None, check=None):
    """A request at a boundary must succeed (and is undone)."""
    with tap.subtest(desc) as t:
        r = g.request(cmd, attrs)
        t.eq(errno_name(r.errno), "0", "errno (%s)" % r)
        if check and not r.errno:
            check(t)
        if undo and not r.errno:
            u = g.request(undo[0], undo[1])
            t.eq(errno_name(u.errno), "0", "undo (%s)" % u)


def rng(maximum=None, minimum=None):
    p = {}
    if maximum is not None:
        p["max_value_u"] = maximum
    if minimum is not None:
        p["min_value_u"] = minimum
    return p


# ---------------------------------------------------------------------------
# Base objects
# ---------------------------------------------------------------------------

with tap.subtest("setup: services web, web6, net24, a host, a peer") as t:
    must(g.request(NEW, [SERVICE(name="web", addr4="10.0.0.1", proto=TCP,
                                 port=80)]), "web")
    must(g.request(NEW, [SERVICE(name="web6", addr6="2001:db8::1",
                                 proto=TCP, port=443)]), "web6")
    must(g.request(NEW, [SERVICE(name="net24", addr4="10.9.0.0",
                                 prefix_len=24, proto=UDP)]), "net24")
    must(g.request(HNEW, [SERVICE(name="web"), HOST(addr4="10.1.0.1")]),
         "host")
    must(g.request(PNEW, [PEER(addr4="10.2.0.1")]), "peer")
    snap = g.snapshot()
    t.eq(len(snap["services"]), 3, "services")
    t.eq(len(snap["hosts"]), 1, "hosts")
    t.eq(len(snap["peers"]), 1, "peers")

svc = dict(name="x1", addr4="10.5.0.1", proto=TCP, port=80)
SVC_NAME = V.VEER_SVC_NAME

# ---------------------------------------------------------------------------
# SERVICE_NEW
# ---------------------------------------------------------------------------

expect("service add without the service nest: EINVAL", NEW, [],
       E.EINVAL, "service missing", miss=S)
expect("service add without a name: EINVAL", NEW,
       [SERVICE(addr4="10.5.0.1", proto=TCP, port=80)],
       E.EINVAL, "service name missing", bad=[S], miss=SVC_NAME,
       miss_nest=[S])
expect("service add without an address: EINVAL", NEW,
       [SERVICE(name="x1", proto=TCP, port=80)],
       E.EINVAL, "address missing", bad=[S], miss=V.VEER_SVC_ADDR4,
       miss_nest=[S])
expect("service add without a protocol: EINVAL", NEW,
       [SERVICE(name="x1", addr4="10.5.0.1", port=80)],
       E.EINVAL, "protocol missing", bad=[S], miss=V.VEER_SVC_PROTO,
       miss_nest=[S])
expect("service add with an empty name: EINVAL", NEW,
       [SERVICE(**{**svc, "name": ""})],
       E.EINVAL, "service name is empty", bad=[S, SVC_NAME])
expect("service add with a space in the name: EINVAL", NEW,
       [SERVICE(**{**svc, "name": "a b"})],
       E.EINVAL, "service name may hold only letters, digits and - _ . :",
       bad=[S, SVC_NAME])
# The kernel's isalnum() takes Latin-1 letters (0xc0-0xff) for letters.
expect("service add with a non-ASCII (Latin-1) letter in the name: EINVAL",
       NEW, [SERVICE(**{**svc, "name": a_raw(SVC_NAME, b"caf\xe9\0")})],
       E.EINVAL, "service name may hold only letters, digits and - _ . :",
       bad=[S, SVC_NAME])
expect("service add with a UTF-8 letter in the name: EINVAL", NEW,
       [SERVICE(**{**svc, "name": "café"})],
       E.EINVAL, "service name may hold only letters, digits and - _ . :",
       bad=[S, SVC_NAME])
expect("service add, name not NUL-terminated: EINVAL", NEW,
       [SERVICE(**{**svc, "name": a_str(SVC_NAME, "abc", nul=False)})],
       E.EINVAL, EMSG_POLICY, bad=[S, SVC_NAME],
       policy={"type": "nul-string", "max_length": V.VEER_NAME_LEN - 1})
expect("service add, name of 32 characters: EINVAL", NEW,
       [SERVICE(**{**svc, "name": "n" * V.VEER_NAME_LEN})],
       E.EINVAL, EMSG_POLICY, bad=[S, SVC_NAME])
expect("service add, 43-byte name attribute with a NUL inside: ERANGE", NEW,
       [SERVICE(**{**svc, "name": a_raw(SVC_NAME, b"ab\0" + b"x" * 40)})],
       E.ERANGE, EMSG_POLICY, bad=[S, SVC_NAME])
accept("service add, name of 31 characters (the longest) and : - _ .: ok",
       NEW, [SERVICE(**{**svc, "name": "A-b_c.d:" + "n" * 23})],
       undo=(DEL, [SERVICE(name="A-b_c.d:" + "n" * 23)]))
expect("service add, FLAGS as a u8 (u32 expected): EINVAL", NEW,
       [SERVICE(**svc, flags=a_u8(V.VEER_SVC_FLAGS, 1))],
       E.EINVAL, EMSG_LEN, bad=[S, V.VEER_SVC_FLAGS], policy={"type": "u32"})
expect("service add, PROTO as a u32 (u8 expected): EINVAL", NEW,
       [SERVICE(**{**svc, "proto": a_u32(V.VEER_SVC_PROTO, TCP)})],
       E.EINVAL, EMSG_LEN, bad=[S, V.VEER_SVC_PROTO])
expect("service add, PORT as a u32 (be16 expected): EINVAL", NEW,
       [SERVICE(**{**svc, "port": a_u32(V.VEER_SVC_PORT, 80)})],
       E.EINVAL, EMSG_LEN, bad=[S, V.VEER_SVC_PORT])
expect("service add, 3-byte ADDR4: EINVAL", NEW,
       [SERVICE(**{**svc, "addr4": a_raw(V.VEER_SVC_ADDR4, b"\x0a\0\0")})],
       E.EINVAL, EMSG_LEN, bad=[S, V.VEER_SVC_ADDR4])
expect("service add, 15-byte ADDR6: ERANGE", NEW,
       [SERVICE(name="x1", addr6=a_raw(V.VEER_SVC_ADDR6, b"\x20" * 15),
                proto=TCP)],
       E.ERANGE, "binary attribute size out of range",
       bad=[S, V.VEER_SVC_ADDR6], policy={"min_length": 16, "max_length": 16})
expect("service add, 17-byte ADDR6: ERANGE", NEW,
       [SERVICE(name="x1", addr6=a_raw(V.VEER_SVC_ADDR6, b"\x20" * 17),
                proto=TCP)],
       E.ERANGE, "binary attribute size out of range",
       bad=[S, V.VEER_SVC_ADDR6])
expect("service add, prefix 33 on IPv4: EINVAL", NEW,
       [SERVICE(**svc, prefix_len=33)],
       E.EINVAL, "prefix length longer than the address",
       bad=[S, V.VEER_SVC_PREFIX_LEN])
expect("service add, prefix 129 on IPv6: ERANGE", NEW,
       [SERVICE(name="x1", addr6="2001:db8::5", proto=TCP, prefix_len=129)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_PREFIX_LEN],
       policy=rng(128))
accept("service add, prefix 32 on IPv4 and 128 on IPv6: ok", NEW,
       [SERVICE(**svc, prefix_len=32)], undo=(DEL, [SERVICE(name="x1")]))
accept("service add, prefix 0 (everything) with address 0.0.0.0: ok", NEW,
       [SERVICE(name="all", addr4="0.0.0.0", prefix_len=0, proto=UDP)],
       undo=(DEL, [SERVICE(name="all")]))
expect("service add, host bits beyond the prefix (10.5.0.1/24): EINVAL", NEW,
       [SERVICE(**svc, prefix_len=24)],
       E.EINVAL, "address has bits set beyond the prefix length",
       bad=[S, V.VEER_SVC_PREFIX_LEN])
expect("service add, host bits beyond the prefix (2001:db8::1/64): EINVAL",
       NEW, [SERVICE(name="x1", addr6="2001:db8::1", proto=TCP,
                     prefix_len=64)],
       E.EINVAL, "address has bits set beyond the prefix length",
       bad=[S, V.VEER_SVC_PREFIX_LEN])
expect("service add, host bits beyond prefix 0: EINVAL", NEW,
       [SERVICE(**svc, prefix_len=0)],
       E.EINVAL, "address has bits set beyond the prefix length",
       bad=[S, V.VEER_SVC_PREFIX_LEN])
expect("service add with both ADDR4 and ADDR6: EINVAL", NEW,
       [SERVICE(**svc, addr6="2001:db8::5")],
       E.EINVAL, "give an IPv4 or an IPv6 address, not both",
       bad=[S, V.VEER_SVC_ADDR6])
expect("service add, protocol ICMP: EPROTONOSUPPORT", NEW,
       [SERVICE(**{**svc, "proto": ICMP})],
       E.EPROTONOSUPPORT, "protocol must be TCP or UDP",
       bad=[S, V.VEER_SVC_PROTO])
expect("service add, shift 51%: ERANGE", NEW,
       [SERVICE(**svc, shift_pct=V.VEER_SHIFT_PCT_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_SHIFT_PCT],
       policy=rng(V.VEER_SHIFT_PCT_MAX))
expect("service add, table size 100 (not a prime): EINVAL", NEW,
       [SERVICE(**svc, table_size=100)],
       E.EINVAL, "Maglev table size must be a prime",
       bad=[S, V.VEER_SVC_TABLE_SIZE])
expect("service add, table size 5 (below 7): ERANGE", NEW,
       [SERVICE(**svc, table_size=5)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_TABLE_SIZE],
       policy=rng(V.VEER_TABLE_SIZE_MAX, V.VEER_TABLE_SIZE_MIN))
expect("service add, table size 65539 (prime above 65537): ERANGE", NEW,
       [SERVICE(**svc, table_size=65539)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_TABLE_SIZE])
expect("service add, cookie mode 3: ERANGE", NEW,
       [SERVICE(**svc, cookie_mode=V.VEER_COOKIE_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_COOKIE_MODE],
       policy=rng(V.VEER_COOKIE_MAX))
expect("service add, scheduler 2: ERANGE", NEW,
       [SERVICE(**svc, sched=V.VEER_SCHED_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_SCHED])
expect("service add, latency threshold 60000001 us: ERANGE", NEW,
       [SERVICE(**svc, latency_thresh=60000001)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_LATENCY_THRESH])


def check_x1_settings(t):
    o = [s for s in g.objects("service") if s["name"] == "x1"]
    t.eq(len(o), 1, "x1 in the dump")
    if o:
        s = o[0]
        t.eq((s["shift_pct"], s["table_size"], s["cookie_mode"], s["sched"],
              s["flags"], s["latency_thresh"]),
             (50, 65537, 2, 1, 3, 60000000), "settings")


accept("service add, every setting at its maximum (shift 50, table 65537, "
       "cookie 2, sched 1, flags 3, latency 60 s): ok", NEW,
       [SERVICE(**svc, shift_pct=50, table_size=65537, cookie_mode=2,
                sched=1, flags=V.VEER_SVC_F_ALL, latency_thresh=60000000)],
       undo=(DEL, [SERVICE(name="x1")]), check=check_x1_settings)
accept("service add, table size 7 (the smallest): ok", NEW,
       [SERVICE(**svc, table_size=7)], undo=(DEL, [SERVICE(name="x1")]))
expect("service add, unknown flag bit 0x80: EINVAL", NEW,
       [SERVICE(**svc, flags=0x80)],
       E.EINVAL, "reserved bit set", bad=[S, V.VEER_SVC_FLAGS])
expect("service add, unknown nested attribute %d: EINVAL" %
       (V.VEER_SVC_MAX + 1), NEW,
       [a_nest(S, attrs_of("veer_svc_attr", **svc),
               a_u32(V.VEER_SVC_MAX + 1, 0))],
       E.EINVAL, EMSG_UNKNOWN, bad=[S, V.VEER_SVC_MAX + 1])
expect("service add, nested attribute type 0: EINVAL", NEW,
       [a_nest(S, attrs_of("veer_svc_attr", **svc), a_u32(0, 0))],
       E.EINVAL, EMSG_UNKNOWN, bad=[S, 0])
expect("service add, nested VEER_SVC_PAD: EINVAL", NEW,
       [a_nest(S, attrs_of("veer_svc_attr", **svc),
               a_u32(V.VEER_SVC_PAD, 0))],
       E.EINVAL, EMSG_UNSUPP, bad=[S, V.VEER_SVC_PAD])
expect("service add, NLA_F_NESTED on a u8: EINVAL", NEW,
       [SERVICE(**{**svc, "proto": a_u8(V.VEER_SVC_PROTO, TCP,
                                         nested=True)})],
       E.EINVAL, "NLA_F_NESTED not expected", bad=[S, V.VEER_SVC_PROTO])
expect("service add, 2 garbage bytes after the nested attributes: EINVAL",
       NEW, [a_nest(S, attrs_of("veer_svc_attr", **svc), b"\xff\xff")],
       E.EINVAL, "bytes leftover after parsing attributes")
expect("service add, read-only VEER_SVC_ID: EINVAL", NEW,
       [SERVICE(**svc, id=7)],
       E.EINVAL, "service id is read only", bad=[S, V.VEER_SVC_ID])
expect("service add, read-only VEER_SVC_HOSTS: EINVAL", NEW,
       [SERVICE(**svc, hosts=0)],
       E.EINVAL, "host count is read only", bad=[S, V.VEER_SVC_HOSTS])
expect("service add, read-only VEER_SVC_STATS: EINVAL", NEW,
       [SERVICE(**svc, stats=a_nest(V.VEER_SVC_STATS, nested=False))],
       E.EINVAL, "statistics are read only", bad=[S, V.VEER_SVC_STATS])
# As a dump carries it (nla_nest_start sets NLA_F_NESTED): the strict
# NLA_F_NESTED check runs before NLA_REJECT and answers first.
expect("service add, read-only VEER_SVC_STATS as a nest: EINVAL", NEW,
       [SERVICE(**svc, stats=a_nest(V.VEER_SVC_STATS,
                                    attrs_of("veer_svc_stat", packets=1)))],
       E.EINVAL, "NLA_F_NESTED not expected", bad=[S, V.VEER_SVC_STATS])
expect("service add, duplicate name: EEXIST", NEW,
       [SERVICE(name="web", addr4="10.5.5.5", proto=TCP, port=80)],
       E.EEXIST, "a service with this name exists", bad=[S, SVC_NAME])
expect("service add, duplicate endpoint (other name): EEXIST", NEW,
       [SERVICE(name="web-2", addr4="10.0.0.1", proto=TCP, port=80)],
       E.EEXIST, "a service with this address, prefix, protocol and port "
       "exists", bad=[S])
expect("service add, duplicate endpoint with explicit /32: EEXIST", NEW,
       [SERVICE(name="web-2", addr4="10.0.0.1", prefix_len=32, proto=TCP,
                port=80)],
       E.EEXIST, "a service with this address, prefix, protocol and port "
       "exists", bad=[S])
accept("service add, same address and port over UDP: ok", NEW,
       [SERVICE(name="web-udp", addr4="10.0.0.1", proto=UDP, port=80)],
       undo=(DEL, [SERVICE(name="web-udp")]))

# Top level: the genl core parses it with the operation's policy (strict)
# before veer runs: refused there, these are not counted by veer.
expect("service add, unknown top-level attribute %d: EINVAL (genl core)" %
       (V.VEER_ATTR_MAX + 1), NEW,
       [SERVICE(**svc), a_u32(V.VEER_ATTR_MAX + 1, 0)],
       E.EINVAL, EMSG_UNKNOWN, bad=[V.VEER_ATTR_MAX + 1], counted=False)
expect("service add with a host nest: EINVAL (genl core)", NEW,
       [SERVICE(**svc), HOST(addr4="10.1.0.9")],
       E.EINVAL, EMSG_UNSUPP, bad=[H], counted=False)
expect("service add with a top-level VEER_ATTR_STATS: EINVAL (genl core)",
       NEW, [SERVICE(**svc), a_nest(V.VEER_ATTR_STATS)],
       E.EINVAL, EMSG_UNSUPP, bad=[V.VEER_ATTR_STATS], counted=False)
expect("service add, nest without NLA_F_NESTED: EINVAL (genl core)", NEW,
       [a_nest(S, attrs_of("veer_svc_attr", **svc), nested=False)],
       E.EINVAL, "NLA_F_NESTED is missing", bad=[S], counted=False)
expect("service add, 2-byte service nest: ERANGE (genl core)", NEW,
       [a_raw(S, b"\0\0", nested=True)],
       E.ERANGE, EMSG_POLICY, bad=[S], counted=False)
expect("service add, 2 garbage bytes after the attributes: EINVAL "
       "(genl core)", NEW, [SERVICE(**svc), b"\xff\xff"],
       E.EINVAL, "bytes leftover after parsing attributes", counted=False)

# ---------------------------------------------------------------------------
# SERVICE_DEL / SET / GET
# ---------------------------------------------------------------------------

for cmd, name in ((DEL, "delete"), (SET, "change"), (GET, "get")):
    expect("service %s of a name that does not exist: ENOENT" % name, cmd,
           [SERVICE(name="nosuch")],
           E.ENOENT, "no such service", bad=[S, SVC_NAME])
    expect("service %s without the service nest: EINVAL" % name, cmd, [],
           E.EINVAL, "service missing", miss=S)
    expect("service %s without a name: EINVAL" % name, cmd,
           [SERVICE(shift_pct=1)],
           E.EINVAL, "service name missing", bad=[S], miss=SVC_NAME,
           miss_nest=[S])
expect("service change of the address: EINVAL", SET,
       [SERVICE(name="web", addr4="10.0.0.2", proto=TCP, port=80)],
       E.EINVAL, "a service's address, prefix, protocol and port cannot "
       "change: delete and add it", bad=[S, V.VEER_SVC_ADDR4])
expect("service change of the port: EINVAL", SET,
       [SERVICE(name="web", addr4="10.0.0.1", proto=TCP, port=81)],
       E.EINVAL, "a service's address, prefix, protocol and port cannot "
       "change: delete and add it", bad=[S, V.VEER_SVC_PORT])
expect("service change of the protocol alone: EINVAL", SET,
       [SERVICE(name="web", proto=UDP)],
       E.EINVAL, "a service's address, prefix, protocol and port cannot "
       "change: delete and add it", bad=[S, V.VEER_SVC_PROTO])
expect("service change of the prefix alone: EINVAL", SET,
       [SERVICE(name="net24", prefix_len=16)],
       E.EINVAL, "a service's address, prefix, protocol and port cannot "
       "change: delete and add it", bad=[S, V.VEER_SVC_PREFIX_LEN])
expect("service change to an IPv6 address: EINVAL", SET,
       [SERVICE(name="web", addr6="2001:db8::1")],
       E.EINVAL, "a service's address, prefix, protocol and port cannot "
       "change: delete and add it", bad=[S, V.VEER_SVC_ADDR6])
expect("service change, shift 51%: ERANGE", SET,
       [SERVICE(name="web", shift_pct=51)],
       E.ERANGE, EMSG_RANGE, bad=[S, V.VEER_SVC_SHIFT_PCT])
expect("service change, table size 1000 (not a prime): EINVAL", SET,
       [SERVICE(name="web", shift_pct=10, table_size=1000)],
       E.EINVAL, "Maglev table size must be a prime",
       bad=[S, V.VEER_SVC_TABLE_SIZE])
expect("service change, unknown flag bit 0x4: EINVAL", SET,
       [SERVICE(name="web", flags=0x4)],
       E.EINVAL, "reserved bit set", bad=[S, V.VEER_SVC_FLAGS])
expect("service change, read-only VEER_SVC_ID: EINVAL", SET,
       [SERVICE(name="web", id=1)],
       E.EINVAL, "service id is read only", bad=[S, V.VEER_SVC_ID])


def check_web_shift(t):
    o = [s for s in g.objects("service") if s["name"] == "web"]
    t.eq(o and o[0]["shift_pct"], 50, "web shift after the change")


accept("service change, shift 1% with the unchanged port alone: ok", SET,
       [SERVICE(name="web", port=80, shift_pct=1)],
       undo=(SET, [SERVICE(name="web", shift_pct=0)]))
accept("service change, shift 50% with the unchanged endpoint: ok", SET,
       [SERVICE(name="web", addr4="10.0.0.1", proto=TCP, port=80,
                shift_pct=50)],
       undo=(SET, [SERVICE(name="web", shift_pct=0)]), check=check_web_shift)

# ---------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------

WEB = SERVICE(name="web")
HA4 = V.VEER_HOST_ADDR4
expect("host add without the service nest: EINVAL", HNEW,
       [HOST(addr4="10.1.0.2")], E.EINVAL, "service missing", miss=S)
expect("host add without the host nest: EINVAL", HNEW, [WEB],
       E.EINVAL, "host missing", miss=H)
expect("host add, service nest without a name: EINVAL", HNEW,
       [a_nest(S), HOST(addr4="10.1.0.2")],
       E.EINVAL, "service name missing", bad=[S], miss=SVC_NAME,
       miss_nest=[S])
expect("host add to a service that does not exist: ENOENT", HNEW,
       [SERVICE(name="nosuch"), HOST(addr4="10.1.0.2")],
       E.ENOENT, "no such service", bad=[S, SVC_NAME])
expect("host add, service named with an address too: EINVAL", HNEW,
       [SERVICE(name="web", addr4="10.0.0.1"), HOST(addr4="10.1.0.2")],
       E.EINVAL, EMSG_UNSUPP, bad=[S, V.VEER_SVC_ADDR4])
expect("host add without an address: EINVAL", HNEW,
       [WEB, HOST(weight=1)],
       E.EINVAL, "address missing", bad=[H], miss=HA4, miss_nest=[H])
expect("host add with both ADDR4 and ADDR6: EINVAL", HNEW,
       [WEB, HOST(addr4="10.1.0.2", addr6="2001:db8::2")],
       E.EINVAL, "give an IPv4 or an IPv6 address, not both",
       bad=[H, V.VEER_HOST_ADDR6])
expect("host add, 3-byte ADDR4: EINVAL", HNEW,
       [WEB, HOST(addr4=a_raw(HA4, b"\x0a\x01\x00"))],
       E.EINVAL, EMSG_LEN, bad=[H, HA4])
expect("host add, 15-byte ADDR6: ERANGE", HNEW,
       [WEB, HOST(addr6=a_raw(V.VEER_HOST_ADDR6, b"\x20" * 15), encap=1)],
       E.ERANGE, "binary attribute size out of range",
       bad=[H, V.VEER_HOST_ADDR6])
expect("host add, WEIGHT as a u8: EINVAL", HNEW,
       [WEB, HOST(addr4="10.1.0.2", weight=a_u8(V.VEER_HOST_WEIGHT, 1))],
       E.EINVAL, EMSG_LEN, bad=[H, V.VEER_HOST_WEIGHT])
expect("host add, weight 65536: ERANGE", HNEW,
       [WEB, HOST(addr4="10.1.0.2", weight=V.VEER_WEIGHT_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[H, V.VEER_HOST_WEIGHT],
       policy=rng(V.VEER_WEIGHT_MAX))
expect("host add, state 3: ERANGE", HNEW,
       [WEB, HOST(addr4="10.1.0.2", state=V.VEER_HOST_STATE_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[H, V.VEER_HOST_STATE],
       policy=rng(V.VEER_HOST_STATE_MAX))
expect("host add, encap 2: ERANGE", HNEW,
       [WEB, HOST(addr4="10.1.0.2", encap=V.VEER_ENCAP_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[H, V.VEER_HOST_ENCAP])
expect("host add, encap port 0: ERANGE", HNEW,
       [WEB, HOST(addr4="10.1.0.2", encap=1, encap_port=0)],
       E.ERANGE, EMSG_RANGE, bad=[H, V.VEER_HOST_ENCAP_PORT])
expect("host add, read-only VEER_HOST_STATS: EINVAL", HNEW,
       [WEB, HOST(addr4="10.1.0.2",
                  stats=a_nest(V.VEER_HOST_STATS, nested=False))],
       E.EINVAL, "statistics are read only", bad=[H, V.VEER_HOST_STATS])
expect("host add, unknown nested attribute %d: EINVAL" %
       (V.VEER_HOST_MAX + 1), HNEW,
       [WEB, a_nest(H, attrs_of("veer_host_attr", addr4="10.1.0.2"),
                    a_u32(V.VEER_HOST_MAX + 1, 1))],
       E.EINVAL, EMSG_UNKNOWN, bad=[H, V.VEER_HOST_MAX + 1])
expect("host add, IPv6 host to an IPv4 service without a tunnel: "
       "EAFNOSUPPORT", HNEW, [WEB, HOST(addr6="2001:db8::2")],
       E.EAFNOSUPPORT, "host and service address families differ: only a "
       "GUE tunnel can carry that")
expect("host add, IPv4 host to an IPv6 service without a tunnel: "
       "EAFNOSUPPORT", HNEW, [SERVICE(name="web6"), HOST(addr4="10.1.0.2")],
       E.EAFNOSUPPORT, "host and service address families differ: only a "
       "GUE tunnel can carry that")
# 0.0.0.0/8 other than 0.0.0.0 is unicast for Linux (ipv4_is_zeronet()).
for a in ("224.0.0.1", "239.255.255.255", "0.0.0.0", "255.255.255.255",
          "ff02::1", "::"):
    kw = {"addr4" if ":" not in a else "addr6": a}
    if ":" in a:
        kw["encap"] = 1
    expect("host add, address %s is not unicast: EINVAL" % a, HNEW,
           [WEB, HOST(**kw)], E.EINVAL, "address must be unicast", bad=[H])
expect("host add, duplicate (address and port 0): EEXIST", HNEW,
       [WEB, HOST(addr4="10.1.0.1")],
       E.EEXIST, "the service has this host already")
expect("host add, duplicate (different settings): EEXIST", HNEW,
       [WEB, HOST(addr4="10.1.0.1", weight=5, state=1)],
       E.EEXIST, "the service has this host already")
accept("host add, same address with port 8080: ok", HNEW,
       [WEB, HOST(addr4="10.1.0.1", port=8080)],
       undo=(HDEL, [WEB, HOST(addr4="10.1.0.1", port=8080)]))
accept("host add, weight 65535, state 2, encap port 1: ok", HNEW,
       [WEB, HOST(addr4="10.1.0.3", weight=65535, state=2, encap=1,
                  encap_port=1)],
       undo=(HDEL, [WEB, HOST(addr4="10.1.0.3")]))
for cmd, name in ((HDEL, "delete"), (HSET, "change"), (HGET, "get")):
    expect("host %s of a host that does not exist: ENOENT" % name, cmd,
           [WEB, HOST(addr4="10.1.0.99")],
           E.ENOENT, "the service has no such host")
    expect("host %s, same address, other port: ENOENT" % name, cmd,
           [WEB, HOST(addr4="10.1.0.1", port=81)],
           E.ENOENT, "the service has no such host")
    expect("host %s in a service that does not exist: ENOENT" % name, cmd,
           [SERVICE(name="nosuch"), HOST(addr4="10.1.0.1")],
           E.ENOENT, "no such service", bad=[S, SVC_NAME])
    expect("host %s without the host nest: EINVAL" % name, cmd, [WEB],
           E.EINVAL, "host missing", miss=H)

with tap.subtest("host add, IPv6 host to an IPv4 service over GUE: ok") as t:
    r = g.request(HNEW, [WEB, HOST(addr6="2001:db8::2", encap=1)])
    t.eq(errno_name(r.errno), "0", "errno (%s)" % r)
expect("host change of that host to no tunnel: EAFNOSUPPORT", HSET,
       [WEB, HOST(addr6="2001:db8::2", encap=0)],
       E.EAFNOSUPPORT, "host and service address families differ: only a "
       "GUE tunnel can carry that")
expect("host change, weight 65536: ERANGE", HSET,
       [WEB, HOST(addr4="10.1.0.1", weight=65536)],
       E.ERANGE, EMSG_RANGE, bad=[H, V.VEER_HOST_WEIGHT])
with tap.subtest("host delete of the GUE host: ok") as t:
    r = g.request(HDEL, [WEB, HOST(addr6="2001:db8::2")])
    t.eq(errno_name(r.errno), "0", "errno (%s)" % r)

# ---------------------------------------------------------------------------
# Peers
# ---------------------------------------------------------------------------

expect("peer add without the peer nest: EINVAL", PNEW, [],
       E.EINVAL, "peer missing", miss=P)
expect("peer add without an address: EINVAL", PNEW, [PEER(role=1)],
       E.EINVAL, "address missing", bad=[P], miss=V.VEER_PEER_ADDR4,
       miss_nest=[P])
expect("peer add with both ADDR4 and ADDR6: EINVAL", PNEW,
       [PEER(addr4="10.2.0.2", addr6="2001:db8::9")],
       E.EINVAL, "give an IPv4 or an IPv6 address, not both",
       bad=[P, V.VEER_PEER_ADDR6])
for a in ("239.1.1.1", "0.0.0.0", "255.255.255.255", "ff05::2", "::"):
    kw = {"addr4" if ":" not in a else "addr6": a}
    expect("peer add, address %s is not unicast: EINVAL" % a, PNEW,
           [PEER(**kw)], E.EINVAL, "address must be unicast", bad=[P])
expect("peer add, role 2: ERANGE", PNEW,
       [PEER(addr4="10.2.0.2", role=V.VEER_PEER_ROLE_MAX + 1)],
       E.ERANGE, EMSG_RANGE, bad=[P, V.VEER_PEER_ROLE])
expect("peer add, port 0: ERANGE", PNEW, [PEER(addr4="10.2.0.2", port=0)],
       E.ERANGE, EMSG_RANGE, bad=[P, V.VEER_PEER_PORT])
expect("peer add, weight 65536: ERANGE", PNEW,
       [PEER(addr4="10.2.0.2", weight=65536)],
       E.ERANGE, EMSG_RANGE, bad=[P, V.VEER_PEER_WEIGHT])
expect("peer add, unknown nested attribute %d: EINVAL" %
       (V.VEER_PEER_MAX + 1), PNEW,
       [a_nest(P, attrs_of("veer_peer_attr", addr4="10.2.0.2"),
               a_u8(V.VEER_PEER_MAX + 1, 0))],
       E.EINVAL, EMSG_UNKNOWN, bad=[P, V.VEER_PEER_MAX + 1])
expect("peer add, duplicate: EEXIST", PNEW, [PEER(addr4="10.2.0.1", role=1)],
       E.EEXIST, "a peer with this address exists")
for cmd, name in ((PDEL, "delete"), (PSET, "change"), (PGET, "get")):
    expect("peer %s of a peer that does not exist: ENOENT" % name, cmd,
           [PEER(addr4="10.2.0.99")], E.ENOENT, "no such peer")
    expect("peer %s without the peer nest: EINVAL" % name, cmd, [],
           E.EINVAL, "peer missing", miss=P)
expect("peer change, role 2: ERANGE", PSET,
       [PEER(addr4="10.2.0.1", role=2)],
       E.ERANGE, EMSG_RANGE, bad=[P, V.VEER_PEER_ROLE])
expect("peer add with a service nest: EINVAL (genl core)", PNEW,
       [PEER(addr4="10.2.0.2"), SERVICE(name="web")],
       E.EINVAL, EMSG_UNSUPP, bad=[S], counted=False)

# ---------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------

CS = V.VEER_CMD_CONFIG_SET
expect("config change without the config nest: EINVAL", CS, [],
       E.EINVAL, "config missing", miss=C)
expect("config change, flow max 15: ERANGE", CS, [CONFIG(flow_max=15)],
       E.ERANGE, EMSG_RANGE, bad=[C, V.VEER_CFG_FLOW_MAX],
       policy=rng(1 << 24, 16))
expect("config change, flow max 2^24+1: ERANGE", CS,
       [CONFIG(flow_max=(1 << 24) + 1)],
       E.ERANGE, EMSG_RANGE, bad=[C, V.VEER_CFG_FLOW_MAX])
expect("config change, track-all 2: ERANGE", CS, [CONFIG(track_all=2)],
       E.ERANGE, EMSG_RANGE, bad=[C, V.VEER_CFG_TRACK_ALL])
expect("config change, GUE port 0: ERANGE", CS, [CONFIG(gue_port=0)],
       E.ERANGE, EMSG_RANGE, bad=[C, V.VEER_CFG_GUE_PORT])
expect("config change, event rate 0: ERANGE", CS, [CONFIG(event_rate=0)],
       E.ERANGE, EMSG_RANGE, bad=[C, V.VEER_CFG_EVENT_RATE])
expect("config change, 3-byte NODE_ID: EINVAL", CS,
       [CONFIG(node_id=a_raw(V.VEER_CFG_NODE_ID, b"\1\2\3"))],
       E.EINVAL, EMSG_LEN, bad=[C, V.VEER_CFG_NODE_ID])
expect("config change, unknown nested attribute %d: EINVAL" %
       (V.VEER_CFG_MAX + 1), CS,
       [a_nest(C, a_u32(V.VEER_CFG_MAX + 1, 1))],
       E.EINVAL, EMSG_UNKNOWN, bad=[C, V.VEER_CFG_MAX + 1])
expect("config change, a valid knob next to an invalid one: ERANGE, "
       "nothing applied", CS, [CONFIG(node_id=42, event_rate=0)],
       E.ERANGE, EMSG_RANGE, bad=[C, V.VEER_CFG_EVENT_RATE])
expect("config change with a service nest: EINVAL (genl core)", CS,
       [CONFIG(node_id=1), SERVICE(name="web")],
       E.EINVAL, EMSG_UNSUPP, bad=[S], counted=False)
for cmd, name in ((V.VEER_CMD_CONFIG_GET, "config get"),
                  (V.VEER_CMD_STATS_GET, "stats get")):
    expect("%s with an attribute: EINVAL (genl core)" % name, cmd,
           [CONFIG(node_id=1)], E.EINVAL, EMSG_UNKNOWN, bad=[C],
           counted=False)
    expect("%s with attribute 1: EINVAL (genl core)" % name, cmd,
           [a_u32(1, 0)], E.EINVAL, EMSG_POLICY, bad=[1], counted=False)

# ---------------------------------------------------------------------------
# The genl core: header checks, unknown commands
# ---------------------------------------------------------------------------

for cmd in (0, V.VEER_CMD_MAX + 1, 255):
    expect("command %d does not exist: EOPNOTSUPP (genl core)" % cmd, cmd,
           [], E.EOPNOTSUPP, None, counted=False)
expect("genlmsghdr.reserved 1: EINVAL (genl core)", None,
       raw=lambda seq: genlmsg(g.fid, GET, [SERVICE(name="web")], seq=seq,
                               reserved=1),
       err=E.EINVAL, msg="genlmsghdr.reserved field is not 0", counted=False)
expect("NLM_F_CREATE|NLM_F_EXCL on a request: EINVAL (genl core)", NEW,
       [SERVICE(**svc)],
       flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
       err=E.EINVAL, msg="ambiguous or reserved bits set in nlmsg_flags",
       counted=False)
expect("NLM_F_DUMP on service add: EOPNOTSUPP (genl core)", NEW,
       [SERVICE(**svc)], flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
       err=E.EOPNOTSUPP, counted=False)
expect("message shorter than the genl header: EINVAL (genl core)", None,
       raw=lambda seq: nlmsg(g.fid, NLM_F_REQUEST | NLM_F_ACK, seq,
                             bytes([NEW, 1])),
       err=E.EINVAL, counted=False)

# ---------------------------------------------------------------------------
# Dumps that fail
# ---------------------------------------------------------------------------

DUMPF = NLM_F_REQUEST | NLM_F_DUMP
expect("service dump with an unknown attribute: EINVAL (genl core)", GET,
       [a_u32(V.VEER_ATTR_MAX + 1, 0)], flags=DUMPF,
       err=E.EINVAL, msg=EMSG_UNKNOWN, bad=[V.VEER_ATTR_MAX + 1],
       counted=False)
expect("peer dump with a service nest: EINVAL (genl core)", PGET,
       [SERVICE(name="web")], flags=DUMPF,
       err=E.EINVAL, msg=EMSG_UNSUPP, bad=[S], counted=False)
# Errors found by veer inside a dump end it with NLMSG_DONE carrying the
# errno and the message (no attribute offsets there).
r = expect("host dump of a service that does not exist: ENOENT", HGET,
           [SERVICE(name="nosuch")], flags=DUMPF, err=E.ENOENT,
           msg="no such service", bad=[S, SVC_NAME], done_tlvs=True)
with tap.subtest("... reported by NLMSG_DONE") as t:
    t.eq(r.dump_done, E.ENOENT, "NLMSG_DONE errno")
expect("host dump, service nest without a name: EINVAL", HGET,
       [a_nest(S)], flags=DUMPF, err=E.EINVAL, msg="service name missing",
       bad=[S], miss=SVC_NAME, miss_nest=[S], done_tlvs=True)
expect("host dump, service nest with an address: EINVAL", HGET,
       [SERVICE(name="web", addr4="10.0.0.1")], flags=DUMPF, err=E.EINVAL,
       msg=EMSG_UNSUPP, bad=[S, V.VEER_SVC_ADDR4], done_tlvs=True)

with tap.subtest("nl_rejects grew by exactly the rejections veer counted "
                 "(%d)" % expected_rejects) as t:
    s = proc_stats()
    t.eq(s["nl_rejects"] - stats_start["nl_rejects"], expected_rejects,
         "nl_rejects since the start")
    t.eq((s["services"], s["hosts"], s["peers"]), (3, 1, 1),
         "services, hosts, peers gauges")

# ---------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------

t0 = time.monotonic()
with tap.subtest("%d hosts in one service" % V.VEER_HOSTS_MAX) as t:
    for i in range(2, V.VEER_HOSTS_MAX + 1):
        must(g.request(HNEW, [WEB, HOST(addr4="10.1.%d.%d" % (i // 200,
                                                              i % 200 + 1))]),
             "host %d" % i)
    t.eq(len(g.objects("host", [WEB])), V.VEER_HOSTS_MAX, "hosts of web")
    t.eq(proc_stats()["hosts"], V.VEER_HOSTS_MAX, "hosts gauge")
r = expect("host add, one host too many: ENOSPC", HNEW,
           [WEB, HOST(addr4="10.1.9.9")], E.ENOSPC,
           "too many hosts in this service")
with tap.subtest("after deleting one host, one more fits") as t:
    must(g.request(HDEL, [WEB, HOST(addr4="10.1.0.1")]), "host del")
    t.eq(errno_name(g.request(HNEW, [WEB, HOST(addr4="10.1.9.9")]).errno),
         "0", "host add after the delete")
    t.eq(errno_name(g.request(HNEW, [WEB, HOST(addr4="10.1.9.10")]).errno),
         "ENOSPC", "one more")
    expected_rejects += 1

with tap.subtest("%d peers, the next: ENOSPC" % V.VEER_PEERS_MAX) as t:
    for i in range(2, V.VEER_PEERS_MAX + 1):
        must(g.request(PNEW, [PEER(addr6="2001:db8:2::%x" % i)
                              if i % 2 else PEER(addr4="10.2.0.%d" % i)]),
             "peer %d" % i)
    t.eq(len(g.objects("peer")), V.VEER_PEERS_MAX, "peers")
expect("peer add, one peer too many: ENOSPC", PNEW, [PEER(addr4="10.2.1.1")],
       E.ENOSPC, "too many peers in this namespace")

with tap.subtest("%d services" % V.VEER_SERVICES_MAX) as t:
    n = len(g.objects("service"))
    for i in range(n, V.VEER_SERVICES_MAX):
        must(g.request(NEW, [SERVICE(name="s%d" % i,
                                     addr4="10.64.%d.%d" % (i // 250,
                                                            i % 250 + 1),
                                     proto=TCP if i % 3 else UDP,
                                     port=1000 + i)]), "service %d" % i)
    t.eq(proc_stats()["services"], V.VEER_SERVICES_MAX, "services gauge")
expect("service add, one service too many: ENOSPC", NEW, [SERVICE(**svc)],
       E.ENOSPC, "too many services in this namespace")
tap.info("limits took %.1f s" % (time.monotonic() - t0))

# ---------------------------------------------------------------------------
# Complete dumps over many parts
# ---------------------------------------------------------------------------


def expected_services():
    out = {"web": ("10.0.0.1", 32, TCP, 80), "web6": ("2001:db8::1", 128,
                                                       TCP, 443),
           "net24": ("10.9.0.0", 24, UDP, 0)}
    for i in range(3, V.VEER_SERVICES_MAX):
        out["s%d" % i] = ("10.64.%d.%d" % (i // 250, i % 250 + 1), 32,
                          TCP if i % 3 else UDP, 1000 + i)
    return out


small = Genl(recv_size=8192)   # parts of at most 8 KiB: many of them
with tap.subtest("service dump: all %d services exactly once, over "
                 "several parts" % V.VEER_SERVICES_MAX) as t:
    d = small.dump(GET)
    t.eq(errno_name(d.errno), "0", "dump errno")
    objs = [o.get("service", {}) for o in d.objects()]
    names = [o.get("name") for o in objs]
    t.eq(len(names), V.VEER_SERVICES_MAX, "services dumped")
    t.eq(len(set(names)), len(names), "each service once")
    want = expected_services()
    t.eq(set(names), set(want), "the names")
    ids = [o.get("id") for o in objs]
    t.check(len(set(ids)) == len(ids) and all(ids), "unique non-zero ids")
    bad = []
    for o in objs:
        w = want.get(o.get("name"))
        got = (o.get("addr4") or o.get("addr6"), o.get("prefix_len"),
               o.get("proto"), o.get("port"))
        if w != got:
            bad.append((o.get("name"), got, w))
        unknown = [k for k in o if k.startswith("attr") or k == "_duplicates"]
        if unknown:
            bad.append((o.get("name"), "unknown attributes", unknown))
    t.check(not bad, "wrong services: %s" % bad[:3])
    t.check(d.parts >= 3, "only %d part(s)" % d.parts)
    t.check(not d.intr, "NLM_F_DUMP_INTR without a change")
    tap.info("service dump: %d messages in %d parts" % (len(objs), d.parts))

# Hosts: web has VEER_HOSTS_MAX; give 50 more to s3 and s4.
NHOSTS = V.VEER_HOSTS_MAX + 50
with tap.subtest("host dump: all %d hosts exactly once, with their "
                 "service" % NHOSTS) as t:
    for i in range(25):
        must(g.request(HNEW, [SERVICE(name="s3"),
                              HOST(addr4="10.3.0.%d" % (i + 1),
                                   weight=i)]), "s3 host")
        must(g.request(HNEW, [SERVICE(name="s4"),
                              HOST(addr6="2001:db8:3::%x" % (i + 1),
                                   encap=1, port=i + 1)]), "s4 host")
    d = small.dump(HGET)
    t.eq(errno_name(d.errno), "0", "dump errno")
    keys = [(o["service"]["name"], o["host"].get("addr4") or
             o["host"].get("addr6"), o["host"]["port"]) for o in d.objects()]
    t.eq(len(keys), NHOSTS, "hosts dumped")
    t.eq(len(set(keys)), len(keys), "each host once")
    t.eq(sum(1 for k in keys if k[0] == "web"), V.VEER_HOSTS_MAX,
         "hosts of web")
    t.eq(sorted(k[2] for k in keys if k[0] == "s4"), list(range(1, 26)),
         "ports of s4's hosts")
    t.check(d.parts >= 3, "only %d part(s)" % d.parts)
    t.check(not d.intr, "NLM_F_DUMP_INTR without a change")
    tap.info("host dump: %d messages in %d parts" % (len(keys), d.parts))
with tap.subtest("host dump of one service: only its hosts") as t:
    d = small.dump(HGET, [SERVICE(name="s3")])
    t.eq(errno_name(d.errno), "0", "dump errno")
    hs = d.objects()
    t.eq(len(hs), 25, "hosts of s3")
    t.check(all(o["service"]["name"] == "s3" for o in hs), "other services")
    t.eq(sorted(o["host"]["weight"] for o in hs), list(range(25)), "weights")
    d = small.dump(HGET, [SERVICE(name="s5")])
    t.eq((errno_name(d.errno), len(d.msgs)), ("0", 0), "service without hosts")
with tap.subtest("peer dump: all %d peers exactly once" %
                 V.VEER_PEERS_MAX) as t:
    d = small.dump(PGET)
    ps = [o["peer"].get("addr4") or o["peer"].get("addr6")
          for o in d.objects()]
    t.eq(len(ps), V.VEER_PEERS_MAX, "peers dumped")
    t.eq(len(set(ps)), V.VEER_PEERS_MAX, "each peer once")
    t.check("10.2.0.1" in ps and "2001:db8:2::3" in ps, "known peers")

# ---------------------------------------------------------------------------
# NLM_F_DUMP_INTR
# ---------------------------------------------------------------------------

tiny = Genl(recv_size=4096)     # parts of one page: about 20 services


def interleaved(cmd, attrs, change):
    """Reads part 1 of a dump, makes @change, reads the rest.  The part
    after part 1 is built when part 1 is read (before the change): parts
    from the third on see the change."""
    d = tiny.dump_start(cmd, attrs)
    tiny.dump_step(d)
    try:
        change()
    finally:
        while tiny.dump_step(d):
            pass
    return d


with tap.subtest("service dump interleaved with a service delete: "
                 "NLM_F_DUMP_INTR") as t:
    d = interleaved(GET, [], lambda: must(g.request(DEL, [SERVICE(
        name="s1000")]), "del"))
    t.eq(errno_name(d.errno), "0", "dump errno")
    t.check(d.parts >= 4, "only %d parts" % d.parts)
    t.check(d.intr, "no NLM_F_DUMP_INTR (parts: %d)" % d.parts)
    t.check(1 not in d.intr_parts,
            "NLM_F_DUMP_INTR before the change: parts %s" % d.intr_parts)
    tap.info("interleaved service dump: %d parts, DUMP_INTR on parts %s"
             % (d.parts, d.intr_parts))
with tap.subtest("host dump interleaved with a host change: "
                 "NLM_F_DUMP_INTR") as t:
    d = interleaved(HGET, [], lambda: must(g.request(HSET, [SERVICE(
        name="s3"), HOST(addr4="10.3.0.1", weight=77)]), "host set"))
    t.check(d.intr and 1 not in d.intr_parts, "DUMP_INTR parts %s of %d"
            % (d.intr_parts, d.parts))
with tap.subtest("service dump interleaved with a config change: "
                 "NLM_F_DUMP_INTR") as t:
    d = interleaved(GET, [], lambda: must(g.request(CS, [CONFIG(
        node_id=9)]), "config set"))
    t.check(d.intr and 1 not in d.intr_parts, "DUMP_INTR parts %s of %d"
            % (d.intr_parts, d.parts))
with tap.subtest("the same dumps without a change: no NLM_F_DUMP_INTR") as t:
    for cmd in (GET, HGET, PGET):
        d = interleaved(cmd, [], lambda: None)
        t.check(not d.intr, "cmd %d: DUMP_INTR on parts %s" % (cmd,
                                                               d.intr_parts))
        t.eq(errno_name(d.errno), "0", "cmd %d errno" % cmd)

# ---------------------------------------------------------------------------
# Clean up: delete everything through netlink; the gauges return to 0.
# ---------------------------------------------------------------------------

with tap.subtest("delete all services and peers: gauges back to 0") as t:
    for s in g.objects("service"):
        must(g.request(DEL, [SERVICE(name=s["name"])]), "del " + s["name"])
    for p in g.objects("peer"):
        key = {k: p[k] for k in ("addr4", "addr6") if k in p}
        must(g.request(PDEL, [PEER(**key)]), "peer del")
    s = proc_stats()
    t.eq((s["services"], s["hosts"], s["peers"], s["hooks"]), (0, 0, 0, 0),
         "services, hosts, peers, hooks")
    t.eq(g.snapshot()["services"], [], "service dump")
with tap.subtest("nl_rejects at the end: exactly the %d rejections veer "
                 "counted" % expected_rejects) as t:
    t.eq(proc_stats()["nl_rejects"] - stats_start["nl_rejects"],
         expected_rejects, "nl_rejects since the start")

tap.info("%d subtests in %.1f s" % (tap.n, tap.elapsed()))
tap.exit()
PY

ksft_exit
