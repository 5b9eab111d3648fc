#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 24-keys.sh - the SYN cookie keys (VEER_CMD_KEY_SET / KEY_GET), raw
# (tests/selftests/veer_nl.py) and through the CLI:
#
#   - set, show: one current key; its fingerprint is the documented one
#     (SipHash-2-4 of "veer-fingerprint" under the key, computed here), equal
#     on two namespaces given the same key, different for different keys;
#   - next + rotate: next becomes current, current previous; flush;
#   - the secret never comes back: not in any KEY_GET reply, event, dump of
#     every object, nor /proc/net/veer (its bytes and its hex searched);
#     events carry epochs and roles only;
#   - rejections, each with its errno and extack, counted in nl_rejects, the
#     keys unchanged: short and long secrets, epoch 4, unknown action, epoch
#     clash, next without a current key, rotate without a next key, missing
#     epoch or secret, rotate with a secret, read-only attributes;
#     unprivileged KEY_SET and KEY_GET: EPERM from the genl core (not
#     counted, as for every admin operation: 22-netlink-perm.sh);
#   - the CLI: key set / show (-j) / rotate / flush, secret-file (a
#     world-readable file refused), bad secrets refused before any request;
#   - a namespace deleted with keys, and rmmod with keys installed, bring the
#     objects counter back to its baseline (no WARN, no kmemleak report).

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip python3
require_veer

export PYTHONPATH="$VEER_TOP/tests/selftests${PYTHONPATH:+:$PYTHONPATH}"

# run_py_tap CMD...: as in 20-netlink-errors.sh.
run_py_tap() {
	local cnt rc n=0 nfail=0

	cnt=$(mktemp /tmp/veer-tap.XXXXXX)
	chmod 666 "$cnt"	# a child runs as nobody
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

objects() { cat /sys/module/veer/parameters/objects; }

base=$(objects)
dmesg_start=$(dmesg | wc -l)
setup_ns NSA NSB NSC || skip_test "cannot create a netns"

run_py_tap python3 - "$NSA" "$NSB" "$NSC" <<'PY'
import errno as E
import os
import struct
import sys

import veer_nl as V
from veer_nl import (Genl, Tap, a_nest, a_raw, a_u8, a_u32, errno_name,
                     parse_attrs, proc_stats, split_msgs, NLM_F_REQUEST)

NSA, NSB, NSC = sys.argv[1:4]
tap = Tap()
KEY = V.VEER_ATTR_KEY
KSET, KGET = V.VEER_CMD_KEY_SET, V.VEER_CMD_KEY_GET
EPOCH, SECRET, ACTION, ROLE, FP = (V.VEER_KEY_EPOCH, V.VEER_KEY_SECRET,
                                   V.VEER_KEY_ACTION, V.VEER_KEY_ROLE,
                                   V.VEER_KEY_FINGERPRINT)
ROLES = {V.VEER_KEY_ROLE_CURRENT: "current",
         V.VEER_KEY_ROLE_PREVIOUS: "previous", V.VEER_KEY_ROLE_NEXT: "next"}
K1 = bytes(range(0x10, 0x20))
K2 = bytes.fromhex("8f4e2a61c03b9d7705e1f6a2b4c8d9e0")
K3 = os.urandom(16)
SECRETS = (K1, K2, K3)


def siphash24(key, data):
    """SipHash-2-4, 64-bit output (the reference implementation)."""
    M = (1 << 64) - 1
    rotl = lambda x, b: ((x << b) | (x >> (64 - b))) & M
    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]

    def rounds(n):
        for _ in range(n):
            v[0] = (v[0] + v[1]) & M; v[1] = rotl(v[1], 13); v[1] ^= v[0]
            v[0] = rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & M; v[3] = rotl(v[3], 16); v[3] ^= v[2]
            v[0] = (v[0] + v[3]) & M; v[3] = rotl(v[3], 21); v[3] ^= v[0]
            v[2] = (v[2] + v[1]) & M; v[1] = rotl(v[1], 17); v[1] ^= v[2]
            v[2] = rotl(v[2], 32)
    n = len(data) // 8 * 8
    for i in range(0, n, 8):
        m = struct.unpack_from("<Q", data, i)[0]
        v[3] ^= m; rounds(2); v[0] ^= m
    last = (len(data) & 0xff) << 56
    for i, b in enumerate(data[n:]):
        last |= b << (8 * i)
    v[3] ^= last; rounds(2); v[0] ^= last
    v[2] ^= 0xff; rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def fingerprint(key):
    return siphash24(key, b"veer-fingerprint") & 0xffffffff


def kreq(action=None, epoch=None, secret=None, extra=()):
    kids = []
    if action is not None:
        kids.append(a_u8(ACTION, action))
    if epoch is not None:
        kids.append(a_u8(EPOCH, epoch))
    if secret is not None:
        kids.append(a_raw(SECRET, secret))
    kids.extend(extra)
    return [a_nest(KEY, kids)]


SET, NEXT, ROTATE, FLUSH = (V.VEER_KEY_ACT_SET, V.VEER_KEY_ACT_NEXT,
                            V.VEER_KEY_ACT_ROTATE, V.VEER_KEY_ACT_FLUSH)
seen = []               # every byte that came back from the kernel


def keys_of(payload):
    """[(epoch, role, fingerprint or None, {other attribute types})]."""
    out = []
    for t, _, p, _ in parse_attrs(payload):
        if t != KEY:
            out.append(("top-level attribute %d" % t,))
            continue
        a = {kt: kp for kt, _, kp, _ in parse_attrs(p)}
        out.append((a.get(EPOCH, b"?")[0], ROLES.get(a.get(ROLE, b"?")[0]),
                    struct.unpack("=I", a[FP])[0] if FP in a else None,
                    sorted(set(a) - {EPOCH, ROLE, FP})))
    return out


def show(g):
    r = g.request(KGET)
    if r.errno:
        raise RuntimeError("KEY_GET: %s" % r)
    seen.append(r.req)
    seen.extend(p for _, p in r.msgs)
    if len(r.msgs) != 1 or r.msgs[0][0] != KGET:
        raise RuntimeError("KEY_GET: %d messages" % len(r.msgs))
    return keys_of(r.msgs[0][1])


def must(g, attrs, what):
    r = g.request(KSET, attrs)
    if r.errno:
        raise RuntimeError("%s: %s" % (what, r))


ga, gb, gc = Genl(netns=NSA), Genl(netns=NSB), Genl(netns=NSC)
ev = Genl(netns=NSA)
ev.subscribe()


def events():
    out = []
    while True:
        d = ev.recv_datagram(timeout=0.5)
        if d is None:
            return out
        seen.append(d)
        for t, _, _, _, p, _ in split_msgs(d):
            if t == ev.fid:
                out.append((p[0], keys_of(p[V.GENL_HDRLEN:])))


with tap.subtest("no keys: KEY_GET answers with no key") as t:
    t.eq(show(ga), [], "keys")

with tap.subtest("set: one current key, the documented fingerprint, the "
                 "same on two namespaces with the same key") as t:
    must(ga, kreq(SET, 1, K1), "set A")
    must(gb, kreq(None, 1, K1), "set B (action defaults to set)")
    a, b = show(ga), show(gb)
    t.eq(a, [(1, "current", fingerprint(K1), [])], "A's keys")
    t.eq(b, a, "B's keys")
    t.eq(events(), [(KSET, [(1, "current", None, [])])],
         "event: epoch and role only")

with tap.subtest("a different key has a different fingerprint") as t:
    must(gb, kreq(SET, 1, K2), "set B K2")
    t.eq(show(gb), [(1, "current", fingerprint(K2), [])], "B's keys")
    t.check(fingerprint(K1) != fingerprint(K2), "fingerprints differ")

with tap.subtest("next, then rotate: next becomes current, current "
                 "previous") as t:
    must(ga, kreq(NEXT, 2, K2), "next")
    t.eq(show(ga), [(1, "current", fingerprint(K1), []),
                    (2, "next", fingerprint(K2), [])], "announced")
    must(ga, kreq(NEXT, 2, K3), "next again (replaces the announced one)")
    t.eq(show(ga)[1], (2, "next", fingerprint(K3), []), "re-announced")
    must(ga, kreq(ROTATE), "rotate")
    t.eq(show(ga), [(1, "previous", fingerprint(K1), []),
                    (2, "current", fingerprint(K3), [])], "rotated")
    must(ga, kreq(NEXT, 3, K2), "next 3")
    must(ga, kreq(ROTATE), "rotate 3")
    t.eq(show(ga), [(2, "previous", fingerprint(K3), []),
                    (3, "current", fingerprint(K2), [])], "rotated again")
    must(ga, kreq(NEXT, 0, K1), "next wraps to 0")
    must(ga, kreq(ROTATE), "rotate to 0")
    t.eq(show(ga), [(3, "previous", fingerprint(K2), []),
                    (0, "current", fingerprint(K1), [])], "epoch 3 to 0")
    t.eq([e[0] for e in events()], [KSET] * 7, "one event per change")

with tap.subtest("unprivileged KEY_SET and KEY_GET: EPERM, not counted") \
        as t:
    def unpriv():
        os.setgroups([])
        os.setresgid(65534, 65534, 65534)
        os.setresuid(65534, 65534, 65534)
        g = Genl(netns=None)
        s0 = proc_stats()
        for cmd, attrs in ((KSET, kreq(SET, 1, K2)), (KGET, [])):
            r = g.request(cmd, attrs)
            tap.result(errno_name(r.errno) == "EPERM",
                       "unprivileged %s: EPERM" % V.CMD_NAMES[cmd], [str(r)])
        s1 = proc_stats()
        tap.result(s1["nl_rejects"] == s0["nl_rejects"] and
                   s1["nl_requests"] == s0["nl_requests"],
                   "unprivileged: nothing counted (the genl core refused)")
    with V.in_netns(NSA):
        tap.run_forked(unpriv, "unprivileged child")
    t.eq(show(ga)[1][2], fingerprint(K1), "keys unchanged")

S = 16
cases = [
    # (what, attrs, errno, extack (None: any), bad attribute, missing attr)
    # Policy ranges (lengths included) answer ERANGE.
    ("short secret", kreq(SET, 1, K2[:15]), E.ERANGE, None,
     [KEY, SECRET], None),
    ("long secret", kreq(SET, 1, K2 + b"\0"), E.ERANGE, None,
     [KEY, SECRET], None),
    ("empty secret", kreq(SET, 1, b""), E.ERANGE, None, [KEY, SECRET], None),
    ("epoch 4", kreq(SET, 4, K2), E.ERANGE, "integer out of range",
     [KEY, EPOCH], None),
    ("action 4", kreq(4, 1, K2), E.ERANGE, "integer out of range",
     [KEY, ACTION], None),
    ("epoch clash: next with the current epoch", kreq(NEXT, 0, K2),
     E.EINVAL, "epoch clash: the next key's epoch must be the current one "
     "plus 1 (mod 4)", [KEY, EPOCH], None),
    ("epoch clash: next two ahead", kreq(NEXT, 2, K2), E.EINVAL,
     "epoch clash: the next key's epoch must be the current one plus 1 "
     "(mod 4)", [KEY, EPOCH], None),
    ("rotate without a next key", kreq(ROTATE), E.ENOENT,
     "no next key to rotate to: announce one first (next)", [KEY], None),
    ("set without a secret", kreq(SET, 1), E.EINVAL, "key secret missing",
     [KEY], SECRET),
    ("set without an epoch", kreq(SET, None, K2), E.EINVAL,
     "key epoch missing", [KEY], EPOCH),
    ("rotate with a secret", kreq(ROTATE, None, K2), E.EINVAL,
     "rotate and flush take no epoch or secret", [KEY, SECRET], None),
    ("flush with an epoch", kreq(FLUSH, 1), E.EINVAL,
     "rotate and flush take no epoch or secret", [KEY, EPOCH], None),
    ("role is read only", kreq(SET, 1, K2, [a_u8(ROLE, 0)]), E.EINVAL,
     "key role is read only", [KEY, ROLE], None),
    ("fingerprint is read only", kreq(SET, 1, K2, [a_u32(FP, 0)]),
     E.EINVAL, "key fingerprint is read only", [KEY, FP], None),
    ("no key nest", [], E.EINVAL, "key missing", None, KEY),
]
for desc, attrs, err, msg, bad, miss in cases:
    before = show(ga)
    s0 = proc_stats(NSA)
    r = ga.request(KSET, attrs)
    s1 = proc_stats(NSA)
    with tap.subtest("rejected: %s (%s)" % (desc, r)) as t:
        t.eq(errno_name(r.errno), errno_name(err), "errno")
        if msg is None:
            t.check(r.msg, "an extack message")
        else:
            t.eq(r.msg, msg, "extack message")
        if bad is not None:
            t.eq(r.bad_path, bad, "offending attribute")
        t.eq(r.miss_type, miss, "missing attribute")
        t.eq(s1["nl_rejects"] - s0["nl_rejects"], 1, "nl_rejects delta")
        t.eq(s1["nl_requests"] - s0["nl_requests"], 1, "nl_requests delta")
        t.eq(show(ga), before, "keys unchanged")
t_ev = events()
with tap.subtest("rejections sent no event") as t:
    t.eq(t_ev, [], "events")

with tap.subtest("next without a current key: ENOENT, counted") as t:
    s0 = proc_stats(NSC)
    r = gc.request(KSET, kreq(NEXT, 1, K2))
    s1 = proc_stats(NSC)
    t.eq(errno_name(r.errno), "ENOENT", "errno")
    t.eq(r.msg, "no current key: set one before announcing the next",
         "extack")
    t.eq(s1["nl_rejects"] - s0["nl_rejects"], 1, "nl_rejects delta")
    r = gc.request(KSET, kreq(ROTATE))
    t.eq(errno_name(r.errno), "ENOENT", "rotate with no key at all")
    t.eq(show(gc), [], "still no key")

with tap.subtest("flush: no key left; the event says so") as t:
    must(gc, kreq(SET, 2, K3), "set C")
    must(ga, kreq(FLUSH), "flush A")
    t.eq(show(ga), [], "A's keys")
    t.eq(events(), [(KSET, [])], "event without keys")
    must(ga, kreq(FLUSH), "flush again (nothing to forget)")
    events()
    must(ga, kreq(SET, 3, K3), "set A again")
    t.eq(show(ga), [(3, "current", fingerprint(K3), [])], "A's keys")

with tap.subtest("the secret never comes back: replies, events, dumps, "
                 "/proc") as t:
    for g in (ga, gb, gc):
        for obj in ("service", "host", "peer"):
            d = g.dump({"service": V.VEER_CMD_SERVICE_GET,
                        "host": V.VEER_CMD_HOST_GET,
                        "peer": V.VEER_CMD_PEER_GET}[obj])
            seen.extend(p for _, p in d.msgs)
        for cmd in (V.VEER_CMD_CONFIG_GET, V.VEER_CMD_STATS_GET, KGET):
            seen.extend(p for _, p in g.request(cmd).msgs)
    for ns in (NSA, NSB, NSC):
        with V.in_netns(ns):
            for f in os.listdir("/proc/net/veer"):
                with open("/proc/net/veer/" + f, "rb") as fh:
                    seen.append(fh.read())
    blob = b"".join(seen)
    t.check(len(blob) > 1000, "%d bytes collected" % len(blob))
    for k in SECRETS:
        for form in (k, k[:8], k[8:], k.hex().encode(),
                     k.hex().upper().encode()):
            t.check(form not in blob,
                    "secret %s... found in the kernel's output" % k.hex()[:6])
tap.exit()
PY

# ---- the CLI --------------------------------------------------------------

VEER=$(veer_cli)
if [ -z "$VEER" ]; then
	log_test_skip "veer key (CLI)" "the veer CLI is not built"
else
	tmp=$(mktemp -d /tmp/veer-keys.XXXXXX)
	defer rm -rf "$tmp"
	s1=000102030405060708090a0b0c0d0e0f
	RET=0
	"$VEER" -n "$NSC" key flush
	check_err $? "key flush"
	"$VEER" -n "$NSC" key set epoch 2 secret $s1
	check_err $? "key set"
	out=$("$VEER" -n "$NSC" key show)
	check_err $? "key show"
	echo "$out" | grep -Eqx 'epoch 2 role current fingerprint [0-9a-f]{8}'
	check_err $? "key show: '$out'"
	echo "$out" | grep -qi "$s1"
	check_fail $? "key show printed the secret"
	log_test "veer key set, show"

	RET=0
	printf '%s\n' f0e1d2c3b4a5968778695a4b3c2d1e0f >"$tmp/k"
	chmod 0644 "$tmp/k"
	err=$("$VEER" -n "$NSC" key set epoch 3 secret-file "$tmp/k" next 2>&1)
	[ $? -eq 1 ]
	check_err $? "world-readable secret file accepted"
	echo "$err" | grep -q "readable by every user"
	check_err $? "message: $err"
	chmod 0600 "$tmp/k"
	"$VEER" -n "$NSC" key set epoch 3 secret-file "$tmp/k" next
	check_err $? "key set next from a file"
	"$VEER" -n "$NSC" key rotate
	check_err $? "key rotate"
	json=$("$VEER" -j -n "$NSC" key show)
	check_err $? "key show -j"
	python3 -c '
import json, sys
k = json.loads(sys.argv[1])
assert [(x["epoch"], x["role"]) for x in k] == [(2, "previous"), (3, "current")], k
assert all(len(x["fingerprint"]) == 8 for x in k), k
assert k[0]["fingerprint"] != k[1]["fingerprint"], k
' "$json"
	check_err $? "key show -j: $json"
	log_test "veer key set next (secret-file, o+r refused), rotate, show -j"

	RET=0
	for bad in 0001 "${s1}00" "${s1}0" "${s1%?}g" ""; do
		err=$("$VEER" -n "$NSC" key set epoch 1 secret "$bad" 2>&1)
		[ $? -eq 1 ]
		check_err $? "secret '$bad' accepted"
		echo "$err" | grep -q "invalid secret\|missing value"
		check_err $? "secret '$bad': $err"
	done
	err=$("$VEER" -n "$NSC" key set epoch 4 secret $s1 2>&1)
	[ $? -eq 1 ]
	check_err $? "epoch 4 accepted: $err"
	err=$("$VEER" -n "$NSC" key rotate 2>&1)
	[ $? -eq 2 ] && echo "$err" | grep -q "no next key to rotate to"
	check_err $? "rotate without next: $err"
	[ "$("$VEER" -n "$NSC" key show | wc -l)" -eq 2 ]
	check_err $? "keys changed by rejected commands"
	log_test "veer key: bad secrets and epochs refused, kernel refusal shown"
fi

# ---- lifetime ---------------------------------------------------------------

RET=0
n=$(objects)
[ "$n" -eq $((base + 3)) ]
check_err $? "objects=$n with three namespaces holding keys, expected $((base + 3))"
cleanup_ns "$NSB"
slowwait 10 sh -c "[ \"\$(cat /sys/module/veer/parameters/objects)\" -eq $((base + 2)) ]"
check_err $? "objects=$(objects) after deleting a namespace with keys, expected $((base + 2))"
log_test "key sets count as objects; deleting a namespace frees its keys"

RET=0
veer_unload
check_err $? "rmmod with keys installed"
veer_ko_loaded
check_fail $? "veer still loaded"
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	# Reports allocated by veer name it in their backtrace.
	leaks=$(grep -c "veer" /sys/kernel/debug/kmemleak)
	[ "$leaks" -eq 0 ]
	check_err $? "kmemleak: $leaks lines of reports naming veer"
fi
splat=$(dmesg | tail -n +"$((dmesg_start + 1))" |
	grep -E "WARNING:|BUG:|KASAN|kmemleak:" | head -n5)
[ -z "$splat" ]
check_err $? "kernel log: $splat"
veer_load
check_err $? "reload"
[ "$(objects)" -eq 0 ]
check_err $? "objects=$(objects) after reload"
log_test "rmmod with keys installed: no warning, no leak"

ksft_exit
