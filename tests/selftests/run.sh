#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run veer selftests and report TAP (normally inside the test VM:
#          tests/vm/run.sh -- tests/selftests/run.sh [TEST...])
#
# Usage: tests/selftests/run.sh [TEST...]
#
# TEST is a script path or a name in tests/selftests (with or without .sh);
# default: every tests/selftests/[0-9]*.sh in sort order.
#
# Environment:
#   VEER_KO            path to veer.ko built for `uname -r`: installed into
#                      /lib/modules/$(uname -r)/extra/ + depmod -a (only in
#                      the guest, VEER_GUEST=1), so modprobe veer and genetlink
#                      autoload work.  Absent module: tests decide to skip.
#   VEER_DEPMOD_DIR    module indexes staged on the host by
#                      tests/vm/stage-depmod.sh (with extra/veer.ko): copied
#                      instead of running depmod -a, which reads every module
#                      over 9p (about 90 s under TCG).
#   VEER_TEST_TIMEOUT  seconds per test (default 300; a test may ask for
#                      more with a "# veer-timeout: SECONDS" line).
#
# Output: "TAP version 13", "1..N", each test's output indented with "# ",
# then "ok N name", "not ok N name" or "ok N name # SKIP" (exit status 4).
# A test also fails if the kernel log gained a splat while it ran (see
# tests/vm/splat.sh).  The last line is "N passed, N failed, N skipped".
# Exit status 0 iff nothing failed.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/splat.sh
. "$here/../vm/splat.sh"

timeout=${VEER_TEST_TIMEOUT:-300}
ksft_skip=4

tests=()
if [ $# -eq 0 ]; then
	for t in "$here"/[0-9]*.sh; do
		[ -f "$t" ] && tests+=("$t")
	done
else
	for a in "$@"; do
		if [ -f "$a" ]; then
			tests+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")")
		elif [ -f "$here/$a" ]; then
			tests+=("$here/$a")
		elif [ -f "$here/$a.sh" ]; then
			tests+=("$here/$a.sh")
		else
			echo "run.sh: no such test: $a" >&2
			exit 2
		fi
	done
fi

# Install veer.ko for modprobe / genetlink autoload.
install_ko() {
	local ko=${VEER_KO:-} kver dst magic

	[ -n "$ko" ] || return 0
	if [ ! -f "$ko" ]; then
		echo "# VEER_KO=$ko does not exist; veer tests will skip"
		return 0
	fi
	if [ "${VEER_GUEST:-0}" != 1 ]; then
		echo "# not in the test VM: leaving /lib/modules alone (tests may insmod \$VEER_KO)"
		return 0
	fi
	kver=$(uname -r)
	magic=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	if [ "$magic" != "$kver" ]; then
		echo "# VEER_KO=$ko is built for '$magic', this kernel is $kver: not installed"
		return 0
	fi
	dst=/lib/modules/$kver/extra
	if ! { mkdir -p "$dst" && cp -f "$ko" "$dst/veer.ko"; }; then
		echo "# installing $ko failed"
		return 0
	fi
	# Indexes staged on the host (tests/vm/stage-depmod.sh) save the
	# guest a depmod -a over 9p, which takes about 90 s under TCG.
	if [ -n "${VEER_DEPMOD_DIR:-}" ] && [ -f "$VEER_DEPMOD_DIR/modules.dep.bin" ] &&
		grep -q '^extra/veer.ko:' "$VEER_DEPMOD_DIR/modules.dep"; then
		cp -f "$VEER_DEPMOD_DIR"/modules.* "/lib/modules/$kver/" ||
			{ echo "# copying staged indexes failed"; return 0; }
	else
		depmod -a "$kver" || { echo "# depmod failed"; return 0; }
	fi
	echo "# installed $ko as $dst/veer.ko"
}

kmsg() {
	echo "$*" >/dev/kmsg 2>/dev/null
}

# Splat lines (tests/vm/splat.sh) the kernel logged after the marker line
# MARK, or anywhere if the marker has left the ring buffer.  One dmesg and one
# awk: every process costs a good fraction of a second under TCG.
splats_since() {
	dmesg 2>/dev/null | M=$1 RE=$VEER_SPLAT_RE IGN=$VEER_SPLAT_IGNORE_RE awk '
		{ sub(/\r$/, "") }
		!found && index($0, ENVIRON["M"]) { found = 1; next }
		$0 ~ ENVIRON["RE"] && $0 !~ ENVIRON["IGN"] && !seen[found, $0]++ {
			if (found) print; else pre[++npre] = $0
		}
		END { if (!found) for (i = 1; i <= npre; i++) print pre[i] }'
}

echo "TAP version 13"
install_ko
echo "1..${#tests[@]}"

pass=0 fail=0 skip=0 n=0
tmp=$(mktemp -d /tmp/veer-selftests.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for t in "${tests[@]}"; do
	n=$((n + 1))
	name=${t##*/}
	mark="veer-selftests: begin $n $name $$"
	kmsg "$mark"
	echo "# selftests: veer: $name"
	log=$tmp/$n.log
	: >"$log"
	start=$SECONDS
	# A test may ask for more time: a "# veer-timeout: SECONDS" line.
	tto=$(sed -n 's/^# veer-timeout: \([0-9]\+\)$/\1/p' "$t" | head -n1)
	[ -n "$tto" ] && [ "$tto" -gt "$timeout" ] || tto=$timeout
	(
		cd "${t%/*}" || exit 1
		if [ -x "$t" ]; then
			exec timeout -k 10 "$tto" "$t"
		else
			exec timeout -k 10 "$tto" bash "$t"
		fi
	) </dev/null >"$log" 2>&1 &
	pid=$!
	# Follow the log until the test exits, even if it left a daemon
	# holding the file open.
	tail -n +1 -s 0.1 -f --pid="$pid" "$log" | sed -u 's/^/# /'
	wait "$pid"
	rc=$?
	secs=$((SECONDS - start))
	kmsg "veer-selftests: end $n $name status $rc"

	splats=$(splats_since "$mark")
	if [ -n "$splats" ]; then
		printf '%s\n' "$splats" | sed 's/^/# kernel splat: /'
		echo "not ok $n $name # kernel splat (exit status $rc, ${secs}s)"
		fail=$((fail + 1))
	elif [ "$rc" -eq 0 ]; then
		echo "ok $n $name"
		pass=$((pass + 1))
	elif [ "$rc" -eq "$ksft_skip" ]; then
		echo "ok $n $name # SKIP"
		skip=$((skip + 1))
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok $n $name # TIMEOUT ${tto} seconds"
		fail=$((fail + 1))
	else
		echo "not ok $n $name # exit=$rc"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
