#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 22-netlink-perm.sh - who may do what with the veer genl family.
#
#   - The family marks exactly the NEW/DEL/SET operations admin-only, and
#     the flow and aggregate reads (they name clients: flows.md), with
#     GENL_UNS_ADMIN_PERM (CAP_NET_ADMIN in the netns's user namespace).
#   - An unprivileged caller (uid/gid 65534, no groups, no capabilities: what
#     `setpriv --reuid=65534 --regid=65534 --clear-groups` makes) in a netns
#     owned by the initial user namespace gets EPERM on every mutating
#     operation (NEW, DEL, SET of services, hosts, peers, CONFIG_SET, and any
#     other operation the family marks admin-only), even with a request root
#     would carry out, with or without NLM_F_ACK; the genl core refuses it
#     before veer runs, so nl_requests and nl_rejects do not move, and nothing
#     changes.  The same caller reads everything: service, host and peer
#     dumps, single GETs, config and stats; those are counted.
#   - In a user namespace that owns a new netns (what `unshare -Urn` makes)
#     the same uid is root enough to administer that netns: add, change, dump
#     and delete a service (named like one of the parent's), a host, a peer,
#     the config; the parent netns's objects are neither visible nor touched.
#   - A socket the same uid opened in the parent netns before entering the new
#     user namespace keeps its opener's (missing) capability: EPERM, though
#     it still reads; the parent netns's counters moved only by those reads.
#
# One Python program (tests/selftests/veer_nl.py): Python starts slowly in
# the test VM, so the unprivileged caller and the user namespace are child
# processes that drop their privileges themselves.

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip python3
require_veer

run_py_tap() {
	local cnt rc n=0 nfail=0

	cnt=$(mktemp /tmp/veer-tap.XXXXXX)
	chmod 666 "$cnt"	# children run as nobody
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

# Not under in_ns: the user namespace part must start in the initial mount
# namespace (see enter_userns_netns() in veer_nl.py).
run_py_tap python3 - "$NS" <<'PY'
import errno as E
import os
import sys

import veer_nl as V
from veer_nl import (Genl, Tap, StatsFile, errno_name, proc_stats, SERVICE,
                     HOST, PEER, CONFIG, NLM_F_REQUEST)

NOBODY = 65534
tap = Tap()
ns = sys.argv[1]

# ---------------------------------------------------------------------------
# Root sets up what the others will try to change.
# ---------------------------------------------------------------------------

fd = os.open("/run/netns/" + ns, os.O_RDONLY)
V._setns(fd)                      # this process lives in the test netns now
os.close(fd)
root = Genl()
parent_stats = StatsFile()
with tap.subtest("root: service, host, peer and config set up") as t:
    for cmd, attrs in (
            (V.VEER_CMD_SERVICE_NEW, [SERVICE(name="web", addr4="10.0.0.1",
                                              proto=6, port=80)]),
            (V.VEER_CMD_HOST_NEW, [SERVICE(name="web"),
                                   HOST(addr4="10.1.0.1")]),
            (V.VEER_CMD_PEER_NEW, [PEER(addr4="10.2.0.1")]),
            (V.VEER_CMD_CONFIG_SET, [CONFIG(node_id=5)])):
        r = root.request(cmd, attrs)
        t.eq(errno_name(r.errno), "0", "%s (%s)" % (V.CMD_NAMES[cmd], r))
root_view = root.snapshot()

# Reads that need CAP_NET_ADMIN too: flows and aggregates name clients
# (Documentation/flows.md), and they dump; the cookie keys' metadata
# (Documentation/cookies.md, no dump).
ADMIN_READS = {"flow_get", "agg_get"}
ADMIN_GETS = ADMIN_READS | {"key_get"}
with tap.subtest("the family marks NEW/DEL/SET (and the flow, aggregate "
                 "and key reads) admin-only, with GENL_UNS_ADMIN_PERM") as t:
    for cmd, fl in sorted(root.family.ops.items()):
        name = V.CMD_NAMES.get(cmd, str(cmd))
        admin = bool(fl & (V.GENL_ADMIN_PERM | V.GENL_UNS_ADMIN_PERM))
        want = name.rsplit("_", 1)[-1] in ("new", "del", "set") or \
            name in ADMIN_GETS
        t.eq(admin, want, "%s (flags 0x%x) admin-only" % (name, fl))
        if admin:
            t.check(fl & V.GENL_UNS_ADMIN_PERM and
                    not fl & V.GENL_ADMIN_PERM,
                    "%s: wants CAP_NET_ADMIN of the initial user namespace "
                    "(GENL_ADMIN_PERM), not of the netns's (0x%x)"
                    % (name, fl))

# ---------------------------------------------------------------------------
# An unprivileged caller in the netns.
# ---------------------------------------------------------------------------

WEB = SERVICE(name="web")
# Requests root would carry out: the refusal is about who asks.
MUTATING = {
    "service_new": [SERVICE(name="u1", addr4="10.0.0.9", proto=6)],
    "service_del": [WEB],
    "service_set": [SERVICE(name="web", shift_pct=10)],
    "host_new": [WEB, HOST(addr4="10.1.0.9")],
    "host_del": [WEB, HOST(addr4="10.1.0.1")],
    "host_set": [WEB, HOST(addr4="10.1.0.1", weight=9)],
    "peer_new": [PEER(addr4="10.2.0.9")],
    "peer_del": [PEER(addr4="10.2.0.1")],
    "peer_set": [PEER(addr4="10.2.0.1", role=1)],
    "config_set": [CONFIG(node_id=6)],
    "key_set": [V.a_nest(V.VEER_ATTR_KEY,
                         V.attrs_of("veer_key_attr", epoch=1,
                                    secret=bytes(range(16))))],
}


def drop_privileges():
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)


def unprivileged():
    drop_privileges()
    with tap.subtest("unprivileged: uid %d, gid %d, no groups, no "
                     "capabilities" % (NOBODY, NOBODY)) as t:
        t.eq((os.getresuid(), os.getresgid(), os.getgroups()),
             ((NOBODY,) * 3, (NOBODY,) * 3, []), "credentials")
        with open("/proc/self/status") as f:
            caps = {l.split(":")[0]: int(l.split()[1], 16) for l in f
                    if l.startswith("Cap")}
        t.eq((caps.get("CapEff"), caps.get("CapPrm")), (0, 0),
             "effective and permitted capabilities")
    g = Genl()
    for name in MUTATING:
        if V.CMDS[name] not in g.family.ops:
            tap.result(False, "unprivileged %s" % name, ["not offered"])
    admin = [c for c, fl in sorted(g.family.ops.items())
             if fl & (V.GENL_ADMIN_PERM | V.GENL_UNS_ADMIN_PERM)]
    for cmd in admin:
        name = V.CMD_NAMES.get(cmd, str(cmd))
        with tap.subtest("unprivileged %s: EPERM, not counted, nothing "
                         "changed" % name) as t:
            if name in ADMIN_READS:
                t.eq(g.request(cmd, [], flags=NLM_F_REQUEST |
                               V.NLM_F_DUMP).errno, E.EPERM, "dump")
            s0 = proc_stats()
            r = g.request(cmd, MUTATING.get(name, []))
            s1 = proc_stats()
            t.eq(errno_name(r.errno), "EPERM", "errno (%s)" % r)
            t.eq(s1["nl_requests"] - s0["nl_requests"], 0,
                 "nl_requests delta")
            t.eq(s1["nl_rejects"] - s0["nl_rejects"], 0, "nl_rejects delta")
            # Without NLM_F_ACK the refusal comes back all the same.
            r = g.request(cmd, MUTATING.get(name, []), flags=NLM_F_REQUEST)
            t.eq(errno_name(r.errno), "EPERM", "errno without NLM_F_ACK")
    with tap.subtest("unprivileged: the objects are as root left them") as t:
        t.check(g.snapshot() == root_view, "snapshot differs from root's")
    with tap.subtest("unprivileged: service, host and peer dumps work and "
                     "are counted") as t:
        s0 = proc_stats()
        svcs = g.objects("service")
        hosts = g.objects("host")
        hosts_web = g.objects("host", [WEB])
        peers = g.objects("peer")
        s1 = proc_stats()
        t.eq([s["name"] for s in svcs], ["web"], "services")
        t.eq([(h["service"], h["addr4"]) for h in hosts],
             [("web", "10.1.0.1")], "hosts")
        t.eq(len(hosts_web), 1, "hosts of web")
        t.eq([p["addr4"] for p in peers], ["10.2.0.1"], "peers")
        t.eq(s1["nl_requests"] - s0["nl_requests"], 4, "nl_requests delta")
        t.eq(s1["nl_rejects"] - s0["nl_rejects"], 0, "nl_rejects delta")
    with tap.subtest("unprivileged: service, host and peer GET, config and "
                     "stats work") as t:
        for cmd, attrs, key in (
                (V.VEER_CMD_SERVICE_GET, [WEB], "service"),
                (V.VEER_CMD_HOST_GET, [WEB, HOST(addr4="10.1.0.1")], "host"),
                (V.VEER_CMD_PEER_GET, [PEER(addr4="10.2.0.1")], "peer"),
                (V.VEER_CMD_CONFIG_GET, [], "config"),
                (V.VEER_CMD_STATS_GET, [], "stats")):
            r = g.request(cmd, attrs)
            t.eq(errno_name(r.errno), "0", "%s get (%s)" % (key, r))
            t.check(r.msgs and key in r.objects()[0],
                    "%s get: no %s in %s" % (key, key, r.objects()))
        t.eq(g.get_one("config").get("node_id"), 5, "config node_id")
        t.eq(g.get_one("stats").get("services"), 1, "stats: services")
    with tap.subtest("unprivileged: a GET of what does not exist: ENOENT, "
                     "counted as a rejection") as t:
        s0 = proc_stats()
        r = g.request(V.VEER_CMD_SERVICE_GET, [SERVICE(name="nosuch")])
        s1 = proc_stats()
        t.eq(errno_name(r.errno), "ENOENT", "errno")
        t.eq(s1["nl_rejects"] - s0["nl_rejects"], 1, "nl_rejects delta")


tap.run_forked(unprivileged, "unprivileged caller")

# ---------------------------------------------------------------------------
# A user namespace owning a new netns (as `unshare -Urn` makes it).
# ---------------------------------------------------------------------------


def userns():
    parent = []
    with tap.subtest("userns: uid %d creates a user namespace owning a new "
                     "netns, and is root there" % NOBODY) as t:
        V.enter_userns_netns(NOBODY, NOBODY,
                             before_unshare=lambda: parent.append(Genl()))
        t.eq(os.getuid(), 0, "uid in the namespace")
        with open("/proc/self/uid_map") as f:
            t.eq(f.read().split(), ["0", str(NOBODY), "1"], "uid_map")
        s = proc_stats()
        t.eq((s["services"], s["peers"], s["nl_requests"]), (0, 0, 0),
             "a fresh netns: no objects, no requests yet")
    parent = parent[0]
    g = Genl()
    with tap.subtest("userns: the parent netns's objects are not "
                     "visible") as t:
        t.eq(g.objects("service"), [], "services")
        t.eq(g.objects("peer"), [], "peers")
        r = g.request(V.VEER_CMD_SERVICE_DEL, [SERVICE(name="web")])
        t.eq(errno_name(r.errno), "ENOENT", "delete of the parent's service")
        r = g.request(V.VEER_CMD_PEER_DEL, [PEER(addr4="10.2.0.1")])
        t.eq(errno_name(r.errno), "ENOENT", "delete of the parent's peer")
    with tap.subtest("userns: add, change and delete its own service (named "
                     "like the parent's), host, peer, config") as t:
        for cmd, attrs in (
                (V.VEER_CMD_SERVICE_NEW, [SERVICE(name="web",
                                                  addr4="10.0.0.1", proto=6,
                                                  port=80)]),
                (V.VEER_CMD_SERVICE_SET, [SERVICE(name="web",
                                                  shift_pct=20)]),
                (V.VEER_CMD_HOST_NEW, [SERVICE(name="web"),
                                       HOST(addr4="10.1.0.7")]),
                (V.VEER_CMD_HOST_SET, [SERVICE(name="web"),
                                       HOST(addr4="10.1.0.7", weight=3)]),
                (V.VEER_CMD_PEER_NEW, [PEER(addr4="10.2.0.7")]),
                (V.VEER_CMD_PEER_SET, [PEER(addr4="10.2.0.7", role=1)]),
                (V.VEER_CMD_CONFIG_SET, [CONFIG(node_id=77)])):
            r = g.request(cmd, attrs)
            t.eq(errno_name(r.errno), "0", "%s (%s)" % (V.CMD_NAMES[cmd], r))
        snap = g.snapshot()
        t.eq([(s["name"], s["shift_pct"]) for s in snap["services"]],
             [("web", 20)], "services")
        t.eq([(h["addr4"], h["weight"]) for h in snap["hosts"]],
             [("10.1.0.7", 3)], "hosts")
        t.eq([(p["addr4"], p["role"]) for p in snap["peers"]],
             [("10.2.0.7", 1)], "peers")
        t.eq(snap["config"]["node_id"], 77, "config node_id")
        for cmd, attrs in ((V.VEER_CMD_HOST_DEL, [SERVICE(name="web"),
                                                   HOST(addr4="10.1.0.7")]),
                           (V.VEER_CMD_SERVICE_DEL, [SERVICE(name="web")])):
            r = g.request(cmd, attrs)
            t.eq(errno_name(r.errno), "0", "%s (%s)" % (V.CMD_NAMES[cmd], r))
        s = proc_stats()
        t.eq((s["services"], s["hosts"], s["peers"]), (0, 0, 1), "gauges")
        t.eq(s["nl_rejects"], 2, "nl_rejects (the two ENOENT above)")
    with tap.subtest("userns: a socket it opened in the parent netns before "
                     "unshare: EPERM, but it still reads") as t:
        r = parent.request(V.VEER_CMD_PEER_NEW, [PEER(addr4="10.2.0.7")])
        t.eq(errno_name(r.errno), "EPERM", "peer add through it (%s)" % r)
        r = parent.request(V.VEER_CMD_SERVICE_DEL, [SERVICE(name="web")])
        t.eq(errno_name(r.errno), "EPERM", "service del through it")
        r = parent.request(V.VEER_CMD_CONFIG_SET, [CONFIG(node_id=1)])
        t.eq(errno_name(r.errno), "EPERM", "config set through it")
        t.check(parent.snapshot() == root_view,
                "the parent as read through it differs from root's view")


# A kernel without CONFIG_USER_NS (the debug guest's) has no
# /proc/self/ns/user: nothing to test there.
if os.path.exists("/proc/self/ns/user"):
    before = parent_stats.read()
    tap.run_forked(userns, "user namespace")
    after = parent_stats.read()
    with tap.subtest("userns: the parent netns's objects untouched, its "
                     "counters moved only by the old socket's 4 reads") as t:
        t.check(root.snapshot() == root_view, "the parent's objects changed")
        moved = {k: after[k] - before[k] for k in after
                 if after[k] != before[k]}
        t.eq(moved, {"nl_requests": 4}, "parent counters moved")
else:
    tap.skip("userns: a user namespace owning a new netns",
             "this kernel has no user namespaces (CONFIG_USER_NS)")
tap.exit()
PY

ksft_exit
