#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 23-genl-ctrl.sh - the veer family as the genl controller shows it, and its
# autoload.
#
#   - `genl ctrl list` (iproute2's own tool) lists the family "veer";
#   - `genl ctrl get name veer` shows version 1, the operations with the
#     command ids 1..15 (and none beyond the uapi header's VEER_CMD_MAX),
#     and the multicast group "events" (and the header's other VEER_MCGRP_*
#     groups, no more); `genl ctrl get id ID` shows the same
#     family; a raw CTRL_CMD_GETFAMILY (tests/selftests/veer_nl.py) agrees
#     and shows the capability flags (which genl prints only for families of
#     version >= 2): every operation can doit, the service/host/peer GETs
#     can dump, exactly the NEW/DEL/SET operations (and the flow and
#     aggregate reads) need CAP_NET_ADMIN in the netns's user namespace
#     (GENL_UNS_ADMIN_PERM);
#   - `genl ctrl policy name veer` dumps the operations' policies;
#   - the family exists in every netns (netnsok), under the same id;
#   - autoload: with veer.ko installed (modprobe-able) but not loaded,
#     resolving the family through the controller (CTRL_CMD_GETFAMILY, which
#     calls request_module("net-pf-16-proto-16-family-veer")) loads it; the
#     module carries that alias; an unknown family name still fails (ENOENT).

source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip python3 genl
require_veer

export PYTHONPATH="$VEER_TOP/tests/selftests${PYTHONPATH:+:$PYTHONPATH}"

RET=0
out=$(genl ctrl list 2>&1)
check_err $? "genl ctrl list failed: $out"
echo "$out" | grep -qE '^Name: veer$'
check_err $? "genl ctrl list has no family veer"
log_test "genl ctrl list shows the family veer"

RET=0
get=$(genl ctrl get name veer 2>&1)
check_err $? "genl ctrl get name veer failed: $get"
printf '%s\n' "$get" | sed 's/^/#   /'
fam_id=$(echo "$get" | sed -n 's/.*ID: \(0x[0-9a-f]*\) .*Version: .*/\1/p' | head -n1)
version=$(echo "$get" | sed -n 's/.*Version: \(0x[0-9a-f]*\).*/\1/p' | head -n1)
[ -n "$fam_id" ]
check_err $? "no family id in the output"
[ "$version" = 0x1 ]
check_err $? "version '$version', want 0x1"
log_test "genl ctrl get name veer: id $fam_id, version ${version:-?}"

# "#N:  ID-0xC" for each operation, in decimal.  (iproute2 prints the
# capability flags only for families of version >= 2: it mistakes the
# family's version for the controller's; veer_nl.py reads them below.)
ops=$(echo "$get" | sed -n '/commands supported:/,/multicast groups:/p' |
	grep -o 'ID-0x[0-9a-f]*' | while read -r i; do echo "$((${i#ID-}))"; done)

RET=0
for cmd in $(seq 1 15); do
	echo "$ops" | grep -qx "$cmd" || { check_err 1 "command $cmd missing"; break; }
done
n=$(echo "$ops" | grep -c .)
[ "$n" -ge 15 ]
check_err $? "$n operations, want 15 at least"
dups=$(echo "$ops" | sort | uniq -d)
[ -z "$dups" ]
check_err $? "operations listed twice: $dups"
log_test "genl ctrl get: operations 1..15 present ($n in all), none twice"

RET=0
mc=$(echo "$get" | sed -n '/multicast groups:/,$p')
echo "$mc" | grep -qE 'ID-0x[0-9a-f]+ +name: events'
check_err $? "no multicast group events"
# Every group as "ID NAME", for the comparison with the header below.
mcgrps=$(echo "$mc" | sed -n 's/.*ID-\(0x[0-9a-f]*\) *name: \([^ ]*\).*/\1 \2/p' |
	while read -r i name; do echo "$((i)) $name"; done)
mc_id=$(echo "$mcgrps" | awk '$2 == "events" { print $1 }')
log_test "genl ctrl get: multicast group events (id $mc_id)"

RET=0
byid=$(genl ctrl get id "$fam_id" 2>&1)
check_err $? "genl ctrl get id $fam_id failed: $byid"
[ "$byid" = "$get" ]
check_err $? "get id differs from get name"
log_test "genl ctrl get id $fam_id shows the same family"

RET=0
python3 - "$((fam_id))" "$mcgrps" "$ops" <<'PY'
import sys

import veer_nl as V

fam = V.Genl(family=None, resolve=False).resolve("veer").as_dict()
fid = int(sys.argv[1])
genl_groups = {l.split()[1]: int(l.split()[0])
               for l in sys.argv[2].splitlines() if l.strip()}
genl_ids = {int(c) for c in sys.argv[3].split()}
raw_ops = {int(k): v for k, v in fam["ops"].items()}
errs = []
if fam["id"] != fid:
    errs.append("id %d vs genl's %d" % (fam["id"], fid))
if fam["version"] != V.VEER_GENL_VERSION or fam["name"] != "veer":
    errs.append("name/version %s/%s" % (fam["name"], fam["version"]))
header_groups = {v for k, v in V.CONST.items() if k.startswith("VEER_MCGRP_")}
if fam["mcgrps"] != genl_groups:
    errs.append("groups %s vs genl's %s" % (fam["mcgrps"], genl_groups))
if set(fam["mcgrps"]) != header_groups:
    errs.append("groups %s, the header defines %s" %
                (sorted(fam["mcgrps"]), sorted(header_groups)))
if set(raw_ops) != genl_ids:
    errs.append("commands %s vs genl's %s" % (sorted(raw_ops),
                                               sorted(genl_ids)))
DO, DUMP = V.GENL_CMD_CAP_DO, V.GENL_CMD_CAP_DUMP
if not set(raw_ops) <= set(range(1, V.VEER_CMD_MAX + 1)):
    errs.append("commands %s beyond the header's 1..%d" %
                (sorted(set(raw_ops) - set(range(1, V.VEER_CMD_MAX + 1))),
                 V.VEER_CMD_MAX))
for c, fl in sorted(raw_ops.items()):
    name = V.CMD_NAMES.get(c, "?")
    verb = name.rsplit("_", 1)[-1]
    if not fl & DO:
        errs.append("%s (0x%x) cannot doit" % (name, fl))
    if bool(fl & DUMP) != (name in ("service_get", "host_get", "peer_get",
                                    "flow_get", "agg_get")):
        errs.append("%s (0x%x): dumpit %s" % (name, fl, bool(fl & DUMP)))
    # Flows and aggregates name clients, keys are the cluster's secret:
    # reading them is privileged too.
    admin = verb in ("new", "del", "set") or name in ("flow_get", "agg_get",
                                                      "key_get")
    if bool(fl & V.GENL_UNS_ADMIN_PERM) != admin:
        errs.append("%s (0x%x): GENL_UNS_ADMIN_PERM" % (name, fl))
    if fl & V.GENL_ADMIN_PERM:
        errs.append("%s (0x%x): GENL_ADMIN_PERM (init userns only)" %
                    (name, fl))
if fam["maxattr"] < V.VEER_ATTR_CONFIG:
    errs.append("maxattr %d" % fam["maxattr"])
for e in errs:
    print("# " + e)
sys.exit(1 if errs else 0)
PY
check_err $? "raw CTRL_CMD_GETFAMILY disagrees with genl"
log_test "raw CTRL_CMD_GETFAMILY: same id, ops (within the header's), groups (the header's); all doit, GETs dump, NEW/DEL/SET admin-only (netns userns)"

RET=0
pol=$(genl ctrl policy name veer 2>&1)
check_err $? "genl ctrl policy name veer failed: $(echo "$pol" | head -n 3)"
echo "$pol" | grep -qi 'attr\[1\]: type=nested'
check_err $? "the policy dump shows no nested attribute: $(echo "$pol" | head -n 5)"
log_test "genl ctrl policy name veer dumps the policies"

RET=0
setup_ns NSA || skip_test "cannot create a netns"
nsget=$(in_ns "$NSA" genl ctrl get name veer 2>&1)
check_err $? "not visible in a netns: $nsget"
[ "$nsget" = "$get" ]
check_err $? "differs in a netns"
log_test "the family is the same in another netns (netnsok)"

# -------------------------------------------------------------------------
# Autoload
# -------------------------------------------------------------------------

RET=0
alias=$(modinfo -F alias veer 2>/dev/null || { [ -n "${VEER_KO:-}" ] && modinfo -F alias "$VEER_KO"; })
echo "$alias" | grep -qx 'net-pf-16-proto-16-family-veer'
check_err $? "veer.ko lacks the alias net-pf-16-proto-16-family-veer (has: $alias)"
log_test "veer.ko carries MODULE_ALIAS_GENL_FAMILY: net-pf-16-proto-16-family-veer"

if ! modprobe -n -q veer 2>/dev/null; then
	log_test_skip "autoload through CTRL_CMD_GETFAMILY" \
		"veer.ko is not installed for $(uname -r) (tests/selftests/run.sh installs \$VEER_KO)"
elif ! veer_unload; then
	log_test_skip "autoload through CTRL_CMD_GETFAMILY" "cannot unload veer (in use)"
else
	RET=0
	veer_ko_loaded
	check_fail $? "veer still loaded after unload"
	python3 - <<'PY'
import sys

import veer_nl as V


def loaded():
    with open("/proc/modules") as f:
        return any(l.split()[0] == "veer" for l in f)


errs = []
g = V.Genl(family=None, resolve=False)
try:
    g.resolve("veer-nosuch")
    errs.append("an unknown family resolved")
except V.NetlinkError as e:
    if "ENOENT" not in str(e):
        errs.append("unknown family: %s" % e)
if loaded():
    errs.append("veer loaded by the lookup of another family")
try:
    fam = g.resolve("veer")
    if fam.name != "veer" or not fam.ops:
        errs.append("resolved %s" % fam.as_dict())
except V.NetlinkError as e:
    errs.append("resolving veer: %s" % e)
if not loaded():
    errs.append("veer not loaded after resolving the family")
for e in errs:
    print("# " + e)
sys.exit(1 if errs else 0)
PY
	check_err $? "CTRL_CMD_GETFAMILY did not autoload veer"
	log_test "autoload: resolving the family (CTRL_CMD_GETFAMILY) loads veer.ko"

	RET=0
	veer_unload
	out=$(genl ctrl get name veer 2>&1)
	check_err $? "genl ctrl get name veer did not load it: $out"
	veer_ko_loaded
	check_err $? "veer not loaded after genl ctrl get"
	log_test "autoload: genl ctrl get name veer loads veer.ko"
fi

ksft_exit
