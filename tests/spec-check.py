#!/usr/bin/env python3
"""Check that Documentation/netlink/specs/veer.yaml says what
uapi/linux/veer.h says: every attribute set and the operations list name the
same enum entries, in the same order, with the same values.  TAP output."""
import re
import sys

import yaml

top = sys.argv[1] if len(sys.argv) > 1 else "."
hdr = open(f"{top}/uapi/linux/veer.h").read()
spec = yaml.safe_load(open(f"{top}/Documentation/netlink/specs/veer.yaml"))


def c_enum(first):
    """Entries of the C enum whose first entry is `first`, up to __*_MAX."""
    m = re.search(r"enum \w+ \{\s*(" + first + r".*?)\};", hdr, re.S)
    if not m:
        return None
    names = []
    for line in m.group(1).splitlines():
        line = re.sub(r"/\*.*?\*/", "", line).strip().rstrip(",")
        if not line or line.startswith("/*") or line.startswith("*"):
            continue
        name = line.split("=")[0].strip()
        if name.startswith("__"):
            break
        names.append(name)
    return names


def spec_names(prefix, entries):
    return [(prefix + e["name"]).upper().replace("-", "_") for e in entries]


n = 0
failed = 0


def check(ok, what):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok") + f" {n} - {what}")
    if not ok:
        failed += 1


for aset in spec["attribute-sets"]:
    prefix = aset["name-prefix"]
    want = spec_names(prefix, aset["attributes"])
    got = c_enum(want[0])
    check(got == want, f"attribute set {aset['name']} matches the header")
    if got != want:
        print(f"# spec:   {want}\n# header: {got}")

ops = spec["operations"]
want = spec_names(ops["name-prefix"], ops["list"])
got = c_enum(want[0])
check(got == want, "operations match enum veer_cmd")
if got != want:
    print(f"# spec:   {want}\n# header: {got}")

for d in spec["definitions"]:
    if d["type"] in ("enum", "flags"):
        continue
    cname = "VEER_" + d["name"].upper().replace("-", "_")
    m = re.search(r"#define " + cname + r"\s+(\d+)", hdr)
    check(m is not None and int(m.group(1)) == d["value"], f"constant {cname}")

grp = spec["mcast-groups"]["list"][0]["name"]
check(f'#define VEER_MCGRP_EVENTS\t"{grp}"' in hdr, "multicast group name")
print(f"spec: {n - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
