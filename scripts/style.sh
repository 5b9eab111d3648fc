#!/bin/bash
# style.sh: the module's style gates, each printed as a TAP line.
#   checkpatch --strict on every kmod/ file and the uapi header
#   sparse (C=2) against every installed kernel
#   W=1 with -Werror against every installed kernel
# checkpatch comes from Debian's linux-source-6.1 (extracted once).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tools=$top/build/tools
fail=0
n=0

tap() { # tap OK|FAIL description
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

if [ ! -x "$tools/checkpatch.pl" ]; then
	mkdir -p "$tools"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tools" --strip-components=2 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

run_checkpatch() { "$tools/checkpatch.pl" --no-tree --strict --terse --show-types "$@" 2>&1 |
	grep -E 'ERROR|WARNING|CHECK'; }
# uapi headers cannot use BIT(): userspace has no such macro.
out=$(run_checkpatch -f "$top"/kmod/*.[ch]; run_checkpatch --ignore BIT_MACRO -f "$top"/uapi/linux/veer.h)
if [ -z "$out" ]; then tap OK "checkpatch --strict"; else echo "$out" | sed 's/^/# /'; tap FAIL "checkpatch --strict"; fi

for kdir in $(ls -d /lib/modules/*/build 2>/dev/null); do
	rel=$(basename "$(dirname "$kdir")")
	b=$top/build/style/$rel
	rm -rf "$b"
	log=$("$top/scripts/build-module.sh" "$kdir" "$b" W=1 KCFLAGS=-Werror 2>&1)
	if [ $? -eq 0 ] && ! grep -q 'warning:' <<<"$log"; then
		tap OK "W=1 -Werror against $rel"
	else
		grep -E 'warning|error' <<<"$log" | sed 's/^/# /'
		tap FAIL "W=1 -Werror against $rel"
	fi
	rm -rf "$b"
	log=$("$top/scripts/build-module.sh" "$kdir" "$b" C=2 CHECK="sparse -Wno-decl" 2>&1)
	# Warnings from the kernel's own headers are not ours to fix.
	ours=$(grep -E '^[^ ]*(kmod|uapi)/[^:]*:[0-9]+:[0-9]+: (warning|error)' <<<"$log")
	if [ -z "$ours" ] && grep -q "CHECK" <<<"$log"; then
		tap OK "sparse against $rel"
	else
		sed 's/^/# /' <<<"$ours"
		tap FAIL "sparse against $rel"
	fi
	rm -rf "$b"
done
echo "style: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
