#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""veer_nl.py - a small raw generic netlink client for the "veer" family.

Python 3 standard library only (socket, struct, ctypes).  Used by the netlink
selftests (tests/selftests/2x-netlink-*.sh) as a module, and as a tool:

    veer_nl.py family [NAME]           resolve a family (id, version, ops,
                                       multicast groups) and print it as JSON
    veer_nl.py dump service|host|peer  dump objects as JSON
    veer_nl.py get config|stats        one object as JSON
    veer_nl.py req CMD [JSON]          send one request (CMD: a name such as
                                       service_new or a number; JSON: objects
                                       by attribute name, e.g.
                                       '{"service": {"name": "web",
                                       "addr4": "10.0.0.1", "proto": 6}}')
                                       and print the reply (errno, extack)
    veer_nl.py expect-error ERRNO [MSG] -- CMD [JSON]
                                       exit 0 iff the request fails with
                                       ERRNO (a name such as EINVAL) and an
                                       extack message containing MSG
    Options (before the sub-command): --netns NAME (a name in /run/netns).

The numbering of commands, attributes and enums comes from the authoritative
uapi header, uapi/linux/veer.h ($VEER_UAPI_HEADER overrides its path), parsed
at import time; only the wire type of each attribute is spelled out here.

What it does at the netlink level:
  * one NETLINK_GENERIC socket per Genl object, bound to an automatic port,
    with NETLINK_EXT_ACK and NETLINK_CAP_ACK set;
  * resolves a family with CTRL_CMD_GETFAMILY (id, version, hdrsize, maxattr,
    ops with their flags, multicast groups);
  * builds messages with (nested) attributes, or raw bytes for bad input;
  * request(): sends with NLM_F_ACK and collects replies up to the
    NLMSG_ERROR, decoding the extack TLVs (message, offset of the bad
    attribute and the path to it in the request, missing type, missing nest,
    policy);
  * dump(): NLM_F_DUMP, every part up to NLMSG_DONE (whose payload may be an
    error with an extack message), counting parts and NLM_F_DUMP_INTR.
"""

import ctypes
import errno as errno_mod
import ipaddress
import json
import os
import re
import select
import socket
import struct
import sys
import time
import traceback

# ---------------------------------------------------------------------------
# Netlink and genetlink constants (include/uapi/linux/{netlink,genetlink}.h)
# ---------------------------------------------------------------------------

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x01
NLM_F_MULTI = 0x02
NLM_F_ACK = 0x04
NLM_F_ECHO = 0x08
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP_FILTERED = 0x20
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_ATOMIC = 0x400
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_REPLACE = 0x100
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLM_F_APPEND = 0x800
NLM_F_CAPPED = 0x100        # in NLMSG_ERROR
NLM_F_ACK_TLVS = 0x200      # in NLMSG_ERROR and NLMSG_DONE

NLMSG_NOOP = 1
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSG_OVERRUN = 4
NLMSG_MIN_TYPE = 0x10

NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_COOKIE = 3
NLMSGERR_ATTR_POLICY = 4
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6

# enum netlink_policy_type_attr
NL_POLICY_TYPE_ATTR_NAMES = {
    1: "type", 2: "min_value_s", 3: "max_value_s", 4: "min_value_u",
    5: "max_value_u", 6: "min_length", 7: "max_length", 8: "policy_idx",
    9: "policy_maxtype", 10: "bitfield32_mask", 12: "mask",
}
# enum netlink_attribute_type
NL_ATTR_TYPE_NAMES = {
    1: "flag", 2: "u8", 3: "u16", 4: "u32", 5: "u64", 6: "s8", 7: "s16",
    8: "s32", 9: "s64", 10: "binary", 11: "string", 12: "nul-string",
    13: "nested", 14: "nested-array", 15: "bitfield32", 16: "sint",
    17: "uint",
}

GENL_ID_CTRL = NLMSG_MIN_TYPE
CTRL_CMD_NEWFAMILY = 1
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_VERSION = 3
CTRL_ATTR_HDRSIZE = 4
CTRL_ATTR_MAXATTR = 5
CTRL_ATTR_OPS = 6
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_OP_ID = 1
CTRL_ATTR_OP_FLAGS = 2
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

GENL_ADMIN_PERM = 0x01
GENL_CMD_CAP_DO = 0x02
GENL_CMD_CAP_DUMP = 0x04
GENL_CMD_CAP_HASPOL = 0x08
GENL_UNS_ADMIN_PERM = 0x10

NLMSG_HDR = struct.Struct("=IHHII")     # len, type, flags, seq, pid
GENL_HDR = struct.Struct("=BBH")        # cmd, version, reserved
NLA_HDR = struct.Struct("=HH")          # len, type
NLMSG_HDRLEN = NLMSG_HDR.size
GENL_HDRLEN = GENL_HDR.size
NLA_HDRLEN = NLA_HDR.size

CLONE_NEWNET = 0x40000000


def align4(n):
    return (n + 3) & ~3


def errno_name(e):
    """'EINVAL' for 22 (or -22); '0' for 0."""
    if not e:
        return "0"
    return errno_mod.errorcode.get(abs(e), str(abs(e)))


def errno_value(name):
    """22 for 'EINVAL', 'einval', '22' or '-22'."""
    if isinstance(name, int):
        return abs(name)
    s = str(name).strip()
    if re.fullmatch(r"-?\d+", s):
        return abs(int(s))
    v = getattr(errno_mod, s.upper(), None)
    if v is None:
        raise ValueError("unknown errno %r" % name)
    return v


# ---------------------------------------------------------------------------
# The uapi header: numbering of everything, parsed from uapi/linux/veer.h
# ---------------------------------------------------------------------------

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI_HEADER = os.environ.get("VEER_UAPI_HEADER") or os.path.normpath(
    os.path.join(HERE, "..", "..", "uapi", "linux", "veer.h"))


def _c_int(expr, known):
    """Evaluates a C integer constant expression over already known names."""
    e = re.sub(r"(?<=[0-9a-fA-Fx])[uUlL]+\b", "", expr.strip())
    tokens = re.findall(r"[A-Za-z_]\w*|0[xX][0-9a-fA-F]+|\d+|<<|>>|[-+*/|&~()^]",
                        e)
    if "".join(tokens) != re.sub(r"\s+", "", e):
        raise ValueError("cannot evaluate %r" % expr)
    out = []
    for t in tokens:
        if re.match(r"[A-Za-z_]", t):
            if t not in known or not isinstance(known[t], int):
                raise ValueError("unknown name %s in %r" % (t, expr))
            out.append(str(known[t]))
        elif t == "/":
            out.append("//")
        else:
            out.append(t)
    return int(eval(" ".join(out), {"__builtins__": {}}, {}))


def parse_uapi(path=UAPI_HEADER):
    """Returns ({NAME: value}, {enum_name: [NAME, ...]}) from the header."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    consts = {}
    enums = {}
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)\s+(.+?)\s*$", text, re.M):
        name, val = m.group(1), m.group(2)
        if val.startswith('"'):
            consts[name] = val.strip('"')
            continue
        try:
            consts[name] = _c_int(val, consts)
        except ValueError:
            pass
    for m in re.finditer(r"\benum\s+(\w+)\s*\{(.*?)\}\s*;", text, re.S):
        ename, body = m.group(1), m.group(2)
        names = []
        nxt = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                n, v = item.split("=", 1)
                n = n.strip()
                nxt = _c_int(v, consts)
            else:
                n = item
            consts[n] = nxt
            names.append(n)
            nxt += 1
        enums[ename] = names
    return consts, enums


CONST, ENUMS = parse_uapi()
# Export every VEER_* name as a module global (VEER_CMD_SERVICE_NEW, ...).
globals().update({k: v for k, v in CONST.items() if k.startswith("VEER_")})

GENL_NAME = CONST["VEER_GENL_NAME"]
GENL_VERSION = CONST["VEER_GENL_VERSION"]
MCGRP_EVENTS = CONST["VEER_MCGRP_EVENTS"]

# Commands by short name: "service_new" -> 1, and back.
CMDS = {n[len("VEER_CMD_"):].lower(): CONST[n] for n in ENUMS["veer_cmd"]
        if not n.startswith("__") and n not in ("VEER_CMD_UNSPEC",
                                                 "VEER_CMD_MAX")}
CMD_NAMES = {v: k for k, v in CMDS.items()}


# ---------------------------------------------------------------------------
# Attribute schema: the wire type of each attribute (the numbering comes from
# the header).  Types: u8 u16 u32 u64 be16 be32 in4 in6 str nest:<set> pad.
# ---------------------------------------------------------------------------

ATTR_TYPES = {
    "veer_attr": ("VEER_ATTR_", {
        "SERVICE": "nest:veer_svc_attr", "HOST": "nest:veer_host_attr",
        "PEER": "nest:veer_peer_attr", "CONFIG": "nest:veer_cfg_attr",
        "STATS": "nest:veer_stat", "PAD": "pad",
        "FLOW": "nest:veer_flow_attr", "AGG": "nest:veer_agg_attr",
        "EVENT": "u8", "KEY": "nest:veer_key_attr"}),
    "veer_key_attr": ("VEER_KEY_", {
        "EPOCH": "u8", "SECRET": "binary", "ACTION": "u8", "ROLE": "u8",
        "FINGERPRINT": "u32"}),
    "veer_svc_attr": ("VEER_SVC_", {
        "NAME": "str", "ID": "u32", "ADDR4": "in4", "ADDR6": "in6",
        "PREFIX_LEN": "u8", "PROTO": "u8", "PORT": "be16", "FLAGS": "u32",
        "SCHED": "u8", "TABLE_SIZE": "u32", "COOKIE_MODE": "u8",
        "SYN_THRESH": "u32", "CONN_THRESH": "u32", "LATENCY_THRESH": "u32",
        "SHIFT_PCT": "u8", "HOSTS": "u32", "STATS": "nest:veer_svc_stat",
        "PAD": "pad"}),
    "veer_svc_stat": ("VEER_SVC_STAT_", {
        "PACKETS": "u64", "BYTES": "u64", "CONNS": "u64", "PAD": "pad"}),
    "veer_host_attr": ("VEER_HOST_", {
        "ADDR4": "in4", "ADDR6": "in6", "PORT": "be16", "WEIGHT": "u32",
        "STATE": "u8", "ENCAP": "u8", "ENCAP_PORT": "be16",
        "STATS": "nest:veer_svc_stat", "PAD": "pad"}),
    "veer_peer_attr": ("VEER_PEER_", {
        "ADDR4": "in4", "ADDR6": "in6", "ROLE": "u8", "PORT": "be16",
        "WEIGHT": "u32"}),
    "veer_cfg_attr": ("VEER_CFG_", {
        "FLOW_MAX": "u32", "TRACK_ALL": "u8", "GUE_PORT": "be16",
        "EVENT_RATE": "u32", "NODE_ID": "u32", "GRAN_MAX_LEVEL": "u8",
        "GRAN_BW": "u32", "GRAN_DURATION": "u32", "GRAN_FREQ": "u32",
        "SUBNET_PREFIX4": "u8", "SUBNET_PREFIX6": "u8",
        "APP_PORT_SPAN": "u16", "APP_MARK_MASK": "u32",
        "FLOW_RATE_THRESH": "u32", "AGG_MAX": "u32"}),
    "veer_stat": ("VEER_STAT_", None),    # every counter is a u64
    "veer_flow_attr": ("VEER_FLOW_", {
        "SADDR4": "in4", "SADDR6": "in6", "DADDR4": "in4", "DADDR6": "in6",
        "SPORT": "be16", "DPORT": "be16", "PROTO": "u8", "ZONE": "u16",
        "CT_ID": "u32", "SVC_ID": "u32", "LEVEL": "u8", "TCP_STATE": "u8",
        "AGE_MS": "u64", "IDLE_MS": "u64", "ORIG": "nest:veer_fdir_attr",
        "REPLY": "nest:veer_fdir_attr", "RATE": "u64", "PEAK_RATE": "u64",
        "RTT_SYN": "u32", "RTT": "u32", "LEASE": "nest:veer_lease_attr",
        "PAD": "pad", "ADDR4": "in4", "ADDR6": "in6"}),
    "veer_fdir_attr": ("VEER_FDIR_", {
        "PACKETS": "u64", "BYTES": "u64", "SEQ": "u32", "ACK": "u32",
        "WIN": "u32", "WSCALE": "u8", "MSS": "u16", "OPTS": "u8",
        "TSVAL": "u32", "PAD": "pad"}),
    "veer_lease_attr": ("VEER_LEASE_", {
        "TTL_MS": "u32", "REMAINING_MS": "u32", "CONFIDENCE": "u8",
        "LEVEL": "u8"}),
    "veer_agg_attr": ("VEER_AGG_", {
        "LEVEL": "u8", "ADDR4": "in4", "ADDR6": "in6", "PREFIX_LEN": "u8",
        "SVC_ID": "u32", "APP_ID": "u32", "ACTIVE": "u32", "CONNS": "u64",
        "PACKETS": "u64", "BYTES": "u64", "RATE": "u64",
        "AVG_DURATION": "u32", "FREQ": "u32", "IDLE_MS": "u64",
        "LEASE": "nest:veer_lease_attr", "PAD": "pad"}),
}

# Built from the header: attribute set -> {type number: (name, wire type)}
# and {name: (type number, wire type)}.  The header is authoritative: a set
# or attribute listed above but absent from it is left out; one it has that
# is not listed above is carried as "binary" (raw bytes).
ATTR_BY_NUM = {}
ATTR_BY_NAME = {}
for _set, (_prefix, _types) in ATTR_TYPES.items():
    if _set not in ENUMS:
        continue
    by_num, by_name = {}, {}
    for _n in ENUMS[_set]:
        if _n.startswith("__") or not _n.startswith(_prefix):
            continue
        short = _n[len(_prefix):]
        if short in ("UNSPEC", "MAX"):
            continue
        if _types is None:
            wt = "pad" if short == "PAD" else "u64"
        else:
            wt = _types.get(short, "binary")
        by_num[CONST[_n]] = (short.lower(), wt)
        by_name[short.lower()] = (CONST[_n], wt)
    ATTR_BY_NUM[_set] = by_num
    ATTR_BY_NAME[_set] = by_name
# A nest whose set the header lacks is carried as binary too.
for _set in ATTR_BY_NUM:
    for _t, (_name, _wt) in list(ATTR_BY_NUM[_set].items()):
        if _wt.startswith("nest:") and _wt[5:] not in ATTR_BY_NUM:
            ATTR_BY_NUM[_set][_t] = (_name, "binary")
            ATTR_BY_NAME[_set][_name] = (_t, "binary")

# Top-level nest of each object kind.
OBJ_SET = {"service": "veer_svc_attr", "host": "veer_host_attr",
           "peer": "veer_peer_attr", "config": "veer_cfg_attr",
           "stats": "veer_stat", "flow": "veer_flow_attr",
           "agg": "veer_agg_attr"}


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------

class Attr:
    """One attribute: type, payload (bytes) or children (list of Attr).

    nested: set NLA_F_NESTED (default: True for nests, False otherwise);
    length: the nla_len to write instead of the real one (bad input);
    pad: whether to pad the payload to 4 bytes (default True).
    """

    def __init__(self, atype, payload=b"", children=None, nested=None,
                 length=None, pad=True, flags=0):
        self.type = atype
        self.payload = payload
        self.children = children
        self.nested = (children is not None) if nested is None else nested
        self.length = length
        self.pad = pad
        self.flags = flags

    def encode(self):
        if self.children is not None:
            body = b"".join(a.encode() if isinstance(a, Attr) else bytes(a)
                            for a in self.children)
        else:
            body = bytes(self.payload)
        t = self.type | self.flags | (NLA_F_NESTED if self.nested else 0)
        n = NLA_HDRLEN + len(body) if self.length is None else self.length
        out = NLA_HDR.pack(n & 0xffff, t & 0xffff) + body
        if self.pad:
            out += b"\0" * (align4(len(out)) - len(out))
        return out

    def __repr__(self):
        if self.children is not None:
            return "Attr(%d, nest=%r)" % (self.type, self.children)
        return "Attr(%d, %r)" % (self.type, bytes(self.payload))


def a_raw(t, data=b"", **kw):
    return Attr(t, bytes(data), **kw)


def a_u8(t, v, **kw):
    return Attr(t, struct.pack("=B", v), **kw)


def a_u16(t, v, **kw):
    return Attr(t, struct.pack("=H", v), **kw)


def a_u32(t, v, **kw):
    return Attr(t, struct.pack("=I", v), **kw)


def a_u64(t, v, **kw):
    return Attr(t, struct.pack("=Q", v), **kw)


def a_be16(t, v, **kw):
    return Attr(t, struct.pack("!H", v), **kw)


def a_be32(t, v, **kw):
    return Attr(t, struct.pack("!I", v), **kw)


def a_str(t, s, nul=True, **kw):
    b = s.encode() if isinstance(s, str) else bytes(s)
    return Attr(t, b + (b"\0" if nul else b""), **kw)


def a_nest(t, *children, **kw):
    kids = []
    for c in children:
        if isinstance(c, (list, tuple)):
            kids.extend(c)
        else:
            kids.append(c)
    return Attr(t, children=kids, **kw)


def encode_value(wt, v):
    if wt == "u8":
        return struct.pack("=B", v)
    if wt == "u16":
        return struct.pack("=H", v)
    if wt == "u32":
        return struct.pack("=I", v)
    if wt == "u64":
        return struct.pack("=Q", v)
    if wt == "be16":
        return struct.pack("!H", v)
    if wt == "be32":
        return struct.pack("!I", v)
    if wt == "in4":
        if isinstance(v, int):
            return struct.pack("!I", v)
        return ipaddress.IPv4Address(v).packed
    if wt == "in6":
        return ipaddress.IPv6Address(v).packed
    if wt == "str":
        return v.encode("utf-8", errors="surrogateescape") + b"\0"
    if wt == "binary":
        return bytes(v)
    raise ValueError("cannot encode wire type %s" % wt)


def attrs_of(aset, **kw):
    """Attributes of set @aset by name: attrs_of('veer_svc_attr', name='x').

    A value that is an Attr is used as is (with the named type unless it has
    one); bytes are sent raw; nests take a dict.
    """
    out = []
    names = ATTR_BY_NAME[aset]
    for k, v in kw.items():
        if k not in names:
            raise KeyError("no attribute %r in %s" % (k, aset))
        t, wt = names[k]
        if isinstance(v, Attr):
            out.append(v)
        elif isinstance(v, (bytes, bytearray)):
            out.append(Attr(t, bytes(v)))
        elif wt.startswith("nest:"):
            out.append(a_nest(t, attrs_of(wt[5:], **v)))
        else:
            out.append(Attr(t, encode_value(wt, v)))
    return out


def SERVICE(**kw):
    return a_nest(VEER_ATTR_SERVICE, attrs_of("veer_svc_attr", **kw))


def HOST(**kw):
    return a_nest(VEER_ATTR_HOST, attrs_of("veer_host_attr", **kw))


def PEER(**kw):
    return a_nest(VEER_ATTR_PEER, attrs_of("veer_peer_attr", **kw))


def CONFIG(**kw):
    return a_nest(VEER_ATTR_CONFIG, attrs_of("veer_cfg_attr", **kw))


def objects_to_attrs(spec):
    """{'service': {...}, 'host': {...}} (JSON-ish) -> top-level attributes."""
    out = []
    for obj, fields in spec.items():
        t = ATTR_BY_NAME["veer_attr"][obj][0]
        out.append(a_nest(t, attrs_of(OBJ_SET[obj], **fields)))
    return out


def parse_attrs(data, off=0, end=None):
    """[(type, flags, payload, offset_of_header)] of a run of attributes;
    stops at the first malformed one (like nla_for_each_attr)."""
    out = []
    end = len(data) if end is None else end
    while off + NLA_HDRLEN <= end:
        alen, atype = NLA_HDR.unpack_from(data, off)
        if alen < NLA_HDRLEN or off + alen > end:
            break
        out.append((atype & NLA_TYPE_MASK, atype & ~NLA_TYPE_MASK & 0xffff,
                    bytes(data[off + NLA_HDRLEN:off + alen]), off))
        off += align4(alen)
    return out


def attr_dict(payload):
    return {t: p for t, _, p, _ in parse_attrs(payload)}


def decode_value(wt, p):
    try:
        if wt == "u8":
            return struct.unpack("=B", p)[0]
        if wt == "u16":
            return struct.unpack("=H", p)[0]
        if wt == "u32":
            return struct.unpack("=I", p)[0]
        if wt == "u64":
            return struct.unpack("=Q", p)[0]
        if wt == "be16":
            return struct.unpack("!H", p)[0]
        if wt == "be32":
            return struct.unpack("!I", p)[0]
        if wt == "in4":
            return str(ipaddress.IPv4Address(p))
        if wt == "in6":
            return str(ipaddress.IPv6Address(p))
        if wt == "str":
            if not p.endswith(b"\0"):
                raise ValueError("string not NUL-terminated")
            # Bytes that are not UTF-8 survive (as surrogates): a test
            # checks names against the allowed characters itself.
            return p[:-1].decode("utf-8", errors="surrogateescape")
    except (struct.error, ValueError, ipaddress.AddressValueError) as e:
        raise ValueError("bad %s attribute %r: %s" % (wt, p, e))
    if wt.startswith("nest:"):
        return decode_set(wt[5:], p)
    if wt == "binary":
        return p
    raise ValueError("cannot decode wire type %s" % wt)


def decode_set(aset, payload):
    """Attributes of set @aset -> {name: value}; unknown ones as 'attrN'
    (their presence is a finding: the kernel sends only what it defines)."""
    out = {}
    names = ATTR_BY_NUM[aset]
    for t, _, p, _ in parse_attrs(payload):
        if t not in names:
            out["attr%d" % t] = p
            continue
        name, wt = names[t]
        if wt == "pad":
            continue
        if name in out:
            out.setdefault("_duplicates", []).append(name)
        out[name] = decode_value(wt, p)
    return out


def decode_objects(payload):
    """Top-level attributes of a veer message -> {'service': {...}, ...}."""
    return decode_set("veer_attr", payload)


def attr_path(req, off, top=NLMSG_HDRLEN + GENL_HDRLEN):
    """The path of types [t0, t1, ...] from the top level down to the
    attribute whose header is at byte @off of the request @req, or None.
    An attribute counts as nested when it has NLA_F_NESTED or its payload
    parses as attributes that cover @off."""
    def walk(start, end, path):
        for t, fl, p, aoff in parse_attrs(req, start, end):
            if aoff == off:
                return path + [t]
            alen = NLA_HDR.unpack_from(req, aoff)[0]
            if aoff < off < aoff + alen:
                r = walk(aoff + NLA_HDRLEN, aoff + alen, path + [t])
                if r is not None:
                    return r
        return None
    if off is None:
        return None
    return walk(top, len(req), [])


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------

def nlmsg(mtype, flags, seq, payload, pid=0, length=None):
    n = NLMSG_HDRLEN + len(payload) if length is None else length
    return NLMSG_HDR.pack(n & 0xffffffff, mtype & 0xffff, flags & 0xffff,
                          seq & 0xffffffff, pid & 0xffffffff) + payload


def genlmsg(family, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK, seq=0,
            version=GENL_VERSION, reserved=0, tail=b""):
    body = GENL_HDR.pack(cmd & 0xff, version & 0xff, reserved & 0xffff)
    body += b"".join(a.encode() if isinstance(a, Attr) else bytes(a)
                     for a in attrs)
    return nlmsg(family, flags, seq, body + tail)


def split_msgs(data):
    """[(type, flags, seq, pid, payload, raw)] of one datagram."""
    out = []
    off = 0
    while off + NLMSG_HDRLEN <= len(data):
        n, t, fl, seq, pid = NLMSG_HDR.unpack_from(data, off)
        if n < NLMSG_HDRLEN or off + n > len(data):
            raise ValueError("malformed netlink message from the kernel "
                             "(len %d at %d of %d)" % (n, off, len(data)))
        out.append((t, fl, seq, pid, bytes(data[off + NLMSG_HDRLEN:off + n]),
                    bytes(data[off:off + n])))
        off += align4(n)
    return out


class Ext:
    """An extack: errno and TLVs of an NLMSG_ERROR or NLMSG_DONE."""

    def __init__(self):
        self.errno = 0          # positive errno, 0 for success
        self.msg = None
        self.offs = None
        self.cookie = None
        self.policy = None
        self.miss_type = None
        self.miss_nest = None
        self.capped = False
        self.tlvs = False

    def parse_tlvs(self, data):
        self.tlvs = True
        for t, _, p, _ in parse_attrs(data):
            if t == NLMSGERR_ATTR_MSG:
                self.msg = p.rstrip(b"\0").decode(errors="replace")
            elif t == NLMSGERR_ATTR_OFFS:
                self.offs = struct.unpack("=I", p)[0]
            elif t == NLMSGERR_ATTR_COOKIE:
                self.cookie = p
            elif t == NLMSGERR_ATTR_POLICY:
                pol = {}
                for pt, _, pp, _ in parse_attrs(p):
                    name = NL_POLICY_TYPE_ATTR_NAMES.get(pt, "attr%d" % pt)
                    if len(pp) == 8:
                        v = struct.unpack("=q" if name.endswith("_s")
                                          else "=Q", pp)[0]
                    elif len(pp) == 4:
                        v = struct.unpack("=I", pp)[0]
                    else:
                        v = pp
                    if name == "type":
                        v = NL_ATTR_TYPE_NAMES.get(v, v)
                    pol[name] = v
                self.policy = pol
            elif t == NLMSGERR_ATTR_MISS_TYPE:
                self.miss_type = struct.unpack("=I", p)[0]
            elif t == NLMSGERR_ATTR_MISS_NEST:
                self.miss_nest = struct.unpack("=I", p)[0]

    @property
    def bad_path(self):
        return attr_path(getattr(self, "req", b""), self.offs)

    @property
    def miss_nest_path(self):
        return attr_path(getattr(self, "req", b""), self.miss_nest)

    def describe(self):
        s = "%s" % errno_name(self.errno)
        if self.msg is not None:
            s += " %r" % self.msg
        if self.offs is not None:
            s += " at %s" % (self.bad_path,)
        if self.miss_type is not None:
            s += " missing %d" % self.miss_type
            if self.miss_nest is not None:
                s += " in %s" % (self.miss_nest_path,)
        if self.policy:
            s += " policy %s" % self.policy
        return s

    __str__ = describe


class Reply(Ext):
    """The outcome of request(): errno/extack plus the reply messages."""

    def __init__(self, req):
        super().__init__()
        self.req = req          # the request's bytes (for attr paths)
        self.msgs = []          # [(cmd, payload_bytes)] before the ack
        self.acked = False      # an NLMSG_ERROR (ack or error) arrived
        self.dump_done = None   # for dumps: the NLMSG_DONE errno

    @property
    def ok(self):
        return self.errno == 0

    def objects(self):
        return [decode_objects(p) for _, p in self.msgs]


class Dump(Ext):
    def __init__(self):
        super().__init__()
        self.msgs = []          # [(cmd, payload)]
        self.flags = []         # nlmsg_flags of each message
        self.parts = 0          # datagrams that carried this dump
        self.intr = False       # NLM_F_DUMP_INTR seen on any message
        self.intr_parts = []    # part numbers (1-based) with DUMP_INTR
        self.done = False       # NLMSG_DONE seen
        self.done_flags = 0

    def objects(self):
        return [decode_objects(p) for _, p in self.msgs]


class NetlinkError(Exception):
    pass


# ---------------------------------------------------------------------------
# Network namespaces (setns through libc: os.setns is Python >= 3.12)
# ---------------------------------------------------------------------------

_libc = None


def _setns(fd, nstype=CLONE_NEWNET):
    global _libc
    if hasattr(os, "setns"):
        os.setns(fd, nstype)
        return
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if _libc.setns(fd, nstype) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "setns: " + os.strerror(e))


class in_netns:
    """Context manager: run the body in netns @name (/run/netns/NAME, or a
    path), then come back.  None: stay where we are."""

    def __init__(self, name):
        self.name = name
        self.back = None

    def __enter__(self):
        if self.name is None:
            return self
        path = self.name if "/" in self.name else "/run/netns/" + self.name
        self.back = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        fd = os.open(path, os.O_RDONLY)
        try:
            _setns(fd)
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        if self.back is not None:
            _setns(self.back)
            os.close(self.back)
            self.back = None
        return False


CLONE_NEWUSER = 0x10000000


def _libc_call(name, *args):
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if getattr(_libc, name)(*args) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (name, os.strerror(e)))


def chrooted():
    """True when our root is not the root of our mount namespace (as in the
    test VM, whose job runs chrooted into the overlay): the kernel refuses
    to create a user namespace from there (EPERM)."""
    try:
        a, b = os.stat("/"), os.stat("/proc/1/root/")
    except OSError:
        return False
    return (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino)


def enter_userns_netns(uid=65534, gid=65534, netns=None,
                       before_unshare=None):
    """What `ip netns exec NETNS setpriv --reuid=UID --regid=GID
    --clear-groups unshare -Urn` does, in this process: move to @netns (a
    name in /run/netns; default: stay), drop to @uid (calling
    @before_unshare then, if given: e.g. to open a socket in @netns as
    @uid), create a user namespace and a network namespace it owns, and map
    root in it to @uid.  Must start as root, in the initial mount namespace
    (not under `ip netns exec`, which makes a new one).  When chrooted (see
    chrooted()), it leaves the chroot through /proc/1/root for the
    unshare() and comes back to the same root once it is root of the new
    user namespace."""
    if netns is not None:
        fd = os.open(netns if "/" in netns else "/run/netns/" + netns,
                     os.O_RDONLY)
        try:
            _setns(fd)
        finally:
            os.close(fd)
    back = None
    if chrooted():
        back = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
        os.chroot("/proc/1/root")
        os.chdir("/")
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    # The uid change made us non-dumpable, which makes /proc/self/* root's:
    # we could not write our own uid_map (unshare(1) runs after an exec).
    _libc_call("prctl", 4, 1, 0, 0, 0)     # PR_SET_DUMPABLE
    if before_unshare:
        before_unshare()
    _libc_call("unshare", CLONE_NEWUSER | CLONE_NEWNET)
    for path, text in (("/proc/self/setgroups", "deny"),
                       ("/proc/self/uid_map", "0 %d 1" % uid),
                       ("/proc/self/gid_map", "0 %d 1" % gid)):
        with open(path, "w") as f:
            f.write(text)
    if back is not None:
        os.fchdir(back)
        os.chroot(".")
        os.chdir("/")
        os.close(back)


def proc_stats(netns=None):
    """/proc/net/veer/stats of @netns (default: ours) as {name: int}."""
    with in_netns(netns):
        with open("/proc/self/net/veer/stats") as f:
            text = f.read()
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 2:
            raise ValueError("bad /proc/net/veer/stats line %r" % line)
        out[parts[0]] = int(parts[1])
    return out


class StatsFile:
    """/proc/net/veer/stats of a netns, opened once (the file is bound to
    the netns it was opened in) and re-read cheaply with pread()."""

    def __init__(self, netns=None):
        with in_netns(netns):
            self.fd = os.open("/proc/self/net/veer/stats", os.O_RDONLY)

    def read(self):
        text = os.pread(self.fd, 65536, 0).decode()
        out = {}
        for line in text.splitlines():
            k, v = line.split()
            out[k] = int(v)
        return out

    def close(self):
        os.close(self.fd)


def live_objects():
    with open("/sys/module/veer/parameters/objects") as f:
        return int(f.read())


# ---------------------------------------------------------------------------
# The socket
# ---------------------------------------------------------------------------

class Family:
    def __init__(self, name):
        self.name = name
        self.id = None
        self.version = None
        self.hdrsize = None
        self.maxattr = None
        self.ops = {}           # cmd -> flags
        self.mcgrps = {}        # name -> id

    def as_dict(self):
        return {"name": self.name, "id": self.id, "version": self.version,
                "hdrsize": self.hdrsize, "maxattr": self.maxattr,
                "ops": {str(k): v for k, v in sorted(self.ops.items())},
                "mcgrps": self.mcgrps}


class Genl:
    """A NETLINK_GENERIC socket, optionally opened in another netns, bound to
    a family (resolved on first use)."""

    def __init__(self, family=GENL_NAME, netns=None, ext_ack=True,
                 cap_ack=True, rcvbuf=None, timeout=10.0, recv_size=65536,
                 resolve=True):
        with in_netns(netns):
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                      NETLINK_GENERIC)
        self.netns = netns
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if ext_ack:
            self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        if cap_ack:
            self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.portid = self.sock.getsockname()[0]
        self.timeout = timeout
        self.recv_size = recv_size
        self.seq = int(time.time()) & 0xffffff
        self.family = None
        self.fam_name = family
        if resolve and family:
            self.family = self.resolve(family)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def fid(self):
        return self.family.id

    def next_seq(self):
        self.seq = (self.seq + 1) & 0xffffffff or 1
        return self.seq

    # -- raw I/O --

    def send(self, data):
        return self.sock.send(data)

    def recv_datagram(self, timeout=None, size=None):
        """One datagram (one skb: one part of a dump), or None on timeout."""
        t = self.timeout if timeout is None else timeout
        r, _, _ = select.select([self.sock], [], [], t)
        if not r:
            return None
        data, _, mflags, _ = self.sock.recvmsg(size or self.recv_size)
        if mflags & socket.MSG_TRUNC:
            raise NetlinkError("netlink message truncated: %d-byte buffer "
                               "too small" % (size or self.recv_size))
        return data

    def drain(self):
        """Discards whatever is queued; returns the number of datagrams."""
        n = 0
        while self.recv_datagram(timeout=0) is not None:
            n += 1
        return n

    # -- the controller --

    def resolve(self, name):
        fam = Family(name)
        seq = self.next_seq()
        req = genlmsg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                      [a_str(CTRL_ATTR_FAMILY_NAME, name)], seq=seq,
                      version=1)
        r = self._transact(req, seq)
        if r.errno:
            raise NetlinkError("resolving genl family %r: %s" % (name, r))
        if not r.msgs:
            raise NetlinkError("resolving genl family %r: no reply" % name)
        a = attr_dict(r.msgs[0][1])
        fam.id = struct.unpack("=H", a[CTRL_ATTR_FAMILY_ID])[0]
        fam.name = a[CTRL_ATTR_FAMILY_NAME].rstrip(b"\0").decode()
        fam.version = struct.unpack("=I", a[CTRL_ATTR_VERSION])[0]
        fam.hdrsize = struct.unpack("=I", a[CTRL_ATTR_HDRSIZE])[0]
        fam.maxattr = struct.unpack("=I", a[CTRL_ATTR_MAXATTR])[0]
        for _, _, op, _ in parse_attrs(a.get(CTRL_ATTR_OPS, b"")):
            o = attr_dict(op)
            cmd = struct.unpack("=I", o[CTRL_ATTR_OP_ID])[0]
            fl = struct.unpack("=I", o.get(CTRL_ATTR_OP_FLAGS,
                                           b"\0\0\0\0"))[0]
            if cmd in fam.ops:
                raise NetlinkError("command %d listed twice" % cmd)
            fam.ops[cmd] = fl
        for _, _, g, _ in parse_attrs(a.get(CTRL_ATTR_MCAST_GROUPS, b"")):
            o = attr_dict(g)
            gname = o[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
            fam.mcgrps[gname] = struct.unpack("=I",
                                              o[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fam

    # -- requests --

    def _transact(self, req, seq, timeout=None):
        """Sends @req and reads until its NLMSG_ERROR (or NLMSG_DONE).
        Replies of other sequence numbers (notifications) are ignored."""
        r = Reply(req)
        self.send(req)
        while True:
            data = self.recv_datagram(timeout)
            if data is None:
                raise NetlinkError("timeout waiting for the reply to seq %d"
                                   % seq)
            for t, fl, s, _, p, _ in split_msgs(data):
                if s != seq:
                    continue
                if t == NLMSG_ERROR:
                    parse_error(p, fl, r)
                    r.acked = True
                    return r
                if t == NLMSG_DONE:
                    r.dump_done = parse_done(p, fl, r)
                    return r
                if t >= NLMSG_MIN_TYPE:
                    cmd = p[0] if p else None
                    r.msgs.append((cmd, p[GENL_HDRLEN:]))

    def request(self, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK,
                version=GENL_VERSION, reserved=0, tail=b"", timeout=None):
        """Sends one request; returns a Reply (never raises on an error
        reply).  Without NLM_F_ACK a successful request has no reply: then
        wait for @timeout seconds and return a Reply with acked False."""
        seq = self.next_seq()
        req = genlmsg(self.fid, cmd, attrs, flags=flags, seq=seq,
                      version=version, reserved=reserved, tail=tail)
        if flags & NLM_F_ACK or (flags & NLM_F_DUMP) == NLM_F_DUMP:
            return self._transact(req, seq, timeout)
        return self.raw_request(req, seq, timeout=timeout or 0.5)

    def raw_request(self, req, seq, timeout=0.5):
        """Sends raw bytes and collects what comes back for @seq within
        @timeout seconds (no reply at all is a valid outcome)."""
        r = Reply(req)
        self.send(req)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return r
            data = self.recv_datagram(left)
            if data is None:
                return r
            for t, fl, s, _, p, _ in split_msgs(data):
                if s != seq:
                    continue
                if t == NLMSG_ERROR:
                    parse_error(p, fl, r)
                    r.acked = True
                    return r
                if t == NLMSG_DONE:
                    r.dump_done = parse_done(p, fl, r)
                    return r
                if t >= NLMSG_MIN_TYPE:
                    r.msgs.append((p[0] if p else None, p[GENL_HDRLEN:]))

    def dump_start(self, cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_DUMP):
        seq = self.next_seq()
        req = genlmsg(self.fid, cmd, attrs, flags=flags, seq=seq)
        self.send(req)
        d = Dump()
        d.seq = seq
        d.req = req
        return d

    def dump_step(self, d, timeout=None, size=None):
        """Reads one datagram of dump @d; True while the dump goes on."""
        data = self.recv_datagram(timeout, size)
        if data is None:
            raise NetlinkError("timeout in a dump (seq %d)" % d.seq)
        counted = False
        for t, fl, s, _, p, _ in split_msgs(data):
            if s != d.seq:
                continue
            if not counted:
                d.parts += 1
                counted = True
            if fl & NLM_F_DUMP_INTR:
                d.intr = True
                if d.parts not in d.intr_parts:
                    d.intr_parts.append(d.parts)
            if t == NLMSG_ERROR:
                parse_error(p, fl, d)
                d.done = True
                return False
            if t == NLMSG_DONE:
                parse_done(p, fl, d)
                d.done = True
                d.done_flags = fl
                return False
            if t >= NLMSG_MIN_TYPE:
                if not fl & NLM_F_MULTI:
                    raise NetlinkError("dump message without NLM_F_MULTI")
                d.msgs.append((p[0] if p else None, p[GENL_HDRLEN:]))
                d.flags.append(fl)
        return True

    def dump(self, cmd, attrs=(), size=None):
        d = self.dump_start(cmd, attrs)
        while self.dump_step(d, size=size):
            pass
        return d

    # -- conveniences on the veer family --

    def objects(self, obj, attrs=()):
        """Dump of service|host|peer as a list of object dicts; raises on an
        error.  Hosts come as {'service': name, **host}."""
        cmd = {"service": VEER_CMD_SERVICE_GET, "host": VEER_CMD_HOST_GET,
               "peer": VEER_CMD_PEER_GET}[obj]
        d = self.dump(cmd, attrs)
        if d.errno:
            raise NetlinkError("%s dump failed: %s %r" %
                               (obj, errno_name(d.errno), d.msg))
        out = []
        for o in d.objects():
            if obj == "host":
                h = dict(o.get("host", {}))
                h["service"] = o.get("service", {}).get("name")
                out.append(h)
            else:
                out.append(o.get(obj, {}))
        return out

    def get_one(self, obj):
        cmd = {"config": VEER_CMD_CONFIG_GET,
               "stats": VEER_CMD_STATS_GET}[obj]
        r = self.request(cmd)
        if r.errno or len(r.msgs) != 1:
            raise NetlinkError("%s get failed: %s" % (obj, r))
        return decode_objects(r.msgs[0][1]).get(obj, {})

    def snapshot(self):
        """Everything the namespace holds (services without their traffic
        counters, hosts, peers, config): compare two to see a change."""
        svcs = self.objects("service")
        for s in svcs:
            s.pop("stats", None)
        hosts = self.objects("host")
        for h in hosts:
            h.pop("stats", None)
        key = lambda o: json.dumps(o, sort_keys=True, default=str)
        return {"services": sorted(svcs, key=key),
                "hosts": sorted(hosts, key=key),
                "peers": sorted(self.objects("peer"), key=key),
                "config": self.get_one("config")}

    def subscribe(self, group=MCGRP_EVENTS):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.family.mcgrps[group])


def parse_error(p, fl, r):
    """NLMSG_ERROR payload: struct nlmsgerr, the request (unless capped),
    then the extack TLVs (NLM_F_ACK_TLVS)."""
    if len(p) < 4 + NLMSG_HDRLEN:
        raise NetlinkError("short NLMSG_ERROR (%d bytes)" % len(p))
    err = struct.unpack_from("=i", p, 0)[0]
    r.errno = -err
    r.capped = bool(fl & NLM_F_CAPPED)
    if r.capped:
        tlv_off = 4 + NLMSG_HDRLEN
    else:
        olen = struct.unpack_from("=I", p, 4)[0]
        tlv_off = 4 + align4(olen)
    if fl & NLM_F_ACK_TLVS:
        r.parse_tlvs(p[tlv_off:])
    return r.errno


def parse_done(p, fl, r):
    """NLMSG_DONE payload: an int (0 or -errno), then extack TLVs."""
    err = struct.unpack_from("=i", p, 0)[0] if len(p) >= 4 else 0
    r.errno = -err
    if fl & NLM_F_ACK_TLVS:
        r.parse_tlvs(p[4:])
    return r.errno


# ---------------------------------------------------------------------------
# TAP output shared by the test programs
# ---------------------------------------------------------------------------

class Tap:
    """TAP subtests in the format of tests/selftests/lib.sh ("ok N - desc",
    "not ok N - desc" + "# diagnostics").  Numbering starts after
    $VEER_TAP_START; the number of subtests and of failures is kept in
    $VEER_TAP_COUNT (a file, rewritten after each subtest) so that the
    calling shell script can continue the numbering and print the plan."""

    def __init__(self):
        self.start = int(os.environ.get("VEER_TAP_START", "0"))
        self.count_file = os.environ.get("VEER_TAP_COUNT")
        self.n = 0
        self.failed = 0
        self.t0 = self.last = time.monotonic()
        self.slow = float(os.environ.get("VEER_TAP_SLOW", "2"))
        self._save()

    def _save(self):
        if self.count_file:
            try:
                with open(self.count_file, "w") as f:
                    f.write("%d %d\n" % (self.n, self.failed))
            except OSError as e:
                self.info("cannot write %s: %s" % (self.count_file, e))

    def info(self, msg):
        for line in str(msg).splitlines() or [""]:
            print("# " + line, flush=True)

    def elapsed(self):
        return time.monotonic() - self.t0

    def result(self, ok, desc, diag=()):
        now = time.monotonic()
        if now - self.last > self.slow:
            self.info("(the next subtest took %.1f s)" % (now - self.last))
        self.last = now
        self.n += 1
        num = self.start + self.n
        if ok:
            print("ok %d - %s" % (num, desc), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (num, desc), flush=True)
            for d in diag:
                self.info(d)
        self._save()

    def skip(self, desc, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.start + self.n, desc, why),
              flush=True)
        self._save()

    def subtest(self, desc):
        return Subtest(self, desc)

    def run_forked(self, fn, desc):
        """Runs fn() in a child process (to drop privileges or change
        namespaces there) whose subtests continue this numbering; an
        exception or a crash of the child is a failed subtest @desc."""
        sys.stdout.flush()
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            code = 0
            try:
                fn()
            except BaseException as e:      # report, never unwind further
                self.result(False, desc, ["exception: %s: %s" %
                                          (type(e).__name__, e)] +
                            traceback.format_exc().splitlines()[-6:])
                code = 1
            sys.stdout.flush()
            os.write(wfd, b"%d %d" % (self.n, self.failed))
            os._exit(code)
        os.close(wfd)
        data = b""
        while True:
            chunk = os.read(rfd, 64)
            if not chunk:
                break
            data += chunk
        os.close(rfd)
        _, status = os.waitpid(pid, 0)
        if data:
            self.n, self.failed = (int(x) for x in data.split())
            self._save()
        else:
            self.result(False, desc, ["child died: wait status %d" % status])

    def exit(self):
        sys.exit(1 if self.failed else 0)


class Subtest:
    """with tap.subtest("desc") as t: t.check(cond, "why") ...
    An exception in the body fails the subtest (and is reported)."""

    def __init__(self, tap, desc):
        self.tap = tap
        self.desc = desc
        self.errors = []

    def __enter__(self):
        return self

    def check(self, cond, msg):
        if not cond:
            self.errors.append(str(msg))
        return bool(cond)

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got,
                                                                want))

    def fail(self, msg):
        self.errors.append(str(msg))

    def __exit__(self, et, ev, tb):
        if et is not None:
            self.errors.append("exception: %s: %s" % (et.__name__, ev))
            self.errors.extend(traceback.format_exception(et, ev, tb)[-4:])
        self.tap.result(not self.errors, self.desc, self.errors)
        return et is not None and issubclass(et, Exception)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def _cmd_num(s):
    if re.fullmatch(r"\d+", s):
        return int(s)
    k = s.lower().replace("-", "_")
    if k.startswith("veer_cmd_"):
        k = k[len("veer_cmd_"):]
    if k not in CMDS:
        raise SystemExit("unknown command %r (one of %s)" %
                         (s, ", ".join(sorted(CMDS))))
    return CMDS[k]


def _json_default(o):
    if isinstance(o, bytes):
        return o.hex()
    return str(o)


def _reply_json(r):
    return {"errno": errno_name(r.errno), "msg": r.msg, "offs": r.offs,
            "bad_path": r.bad_path, "miss_type": r.miss_type,
            "miss_nest_path": r.miss_nest_path, "policy": r.policy,
            "replies": [decode_objects(p) for _, p in r.msgs]}


def main(argv):
    netns = None
    while argv and argv[0].startswith("--"):
        if argv[0] == "--netns" and len(argv) > 1:
            netns = argv[1]
            argv = argv[2:]
        elif argv[0].startswith("--netns="):
            netns = argv[0].split("=", 1)[1]
            argv = argv[1:]
        else:
            break
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    sub, args = argv[0], argv[1:]
    if sub == "family":
        with Genl(family=None, netns=netns, resolve=False) as g:
            try:
                fam = g.resolve(args[0] if args else GENL_NAME)
            except NetlinkError as e:
                print(e, file=sys.stderr)
                return 1
        print(json.dumps(fam.as_dict(), indent=1))
        return 0
    with Genl(netns=netns) as g:
        if sub == "dump":
            print(json.dumps(g.objects(args[0]), indent=1,
                             default=_json_default))
            return 0
        if sub == "get":
            print(json.dumps(g.get_one(args[0]), indent=1,
                             default=_json_default))
            return 0
        if sub == "req":
            attrs = objects_to_attrs(json.loads(args[1])) if len(args) > 1 \
                else []
            r = g.request(_cmd_num(args[0]), attrs)
            print(json.dumps(_reply_json(r), indent=1, default=_json_default))
            return 0 if r.ok else 1
        if sub == "expect-error":
            if "--" not in args:
                raise SystemExit("usage: expect-error ERRNO [MSG] -- CMD "
                                 "[JSON]")
            i = args.index("--")
            want, want_msg = errno_value(args[0]), (args[1] if i > 1
                                                    else None)
            rest = args[i + 1:]
            attrs = objects_to_attrs(json.loads(rest[1])) if len(rest) > 1 \
                else []
            r = g.request(_cmd_num(rest[0]), attrs)
            good = r.errno == want and (want_msg is None or
                                        (r.msg or "").find(want_msg) >= 0)
            print("%s: %s" % ("ok" if good else "MISMATCH", r.describe()))
            return 0 if good else 1
    raise SystemExit("unknown sub-command %r" % sub)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
