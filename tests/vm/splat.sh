#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# splat.sh - find kernel splats (WARN, BUG, Oops, KASAN, lockdep, kmemleak ...)
# in kernel logs.  One list of patterns, shared by the host-side runner
# (tests/vm/run.sh) and the in-guest selftest driver (tests/selftests/run.sh).
#
#   tests/vm/splat.sh FILE...     print each offending line as
#                                 "vm: kernel splat: LINE"; exit 1 if any,
#                                 0 if none, 2 on a usage error.
#                                 FILE may be - for stdin.
#   . tests/vm/splat.sh           (sourced) defines veer_splat_grep and the
#                                 VEER_SPLAT_RE / VEER_SPLAT_IGNORE_RE strings.
#
# veer_splat_grep FILE... prints the offending lines (unprefixed, duplicates
# removed) and returns 0 if there were any, 1 if none.

# Extended regular expressions, matched case-sensitively anywhere in a line.
VEER_SPLAT_PATTERNS=(
	'WARNING:'
	'BUG:'
	'Oops'
	'KASAN'
	'UBSAN'
	'possible recursive locking'
	'lockdep'
	'INFO: task .* blocked'
	'kernel BUG'
	'general protection fault'
	'Call Trace'
	'unreferenced object'
	'suspected memory leak'
	'RCU stall'
	'rcu_sched self-detected stall'
	'rcu: INFO: rcu_[a-z]+ (self-)?detected stall'
	'Kernel panic'
)

# Lines that match a pattern above but are not splats.
VEER_SPLAT_IGNORE=(
	# A kernel with CONFIG_PROVE_LOCKING prints its table sizes at boot
	# ("... MAX_LOCKDEP_SUBCLASSES: 8") and its banner.
	'\.\.\. MAX_LOCKDEP'
	'Lock dependency validator: Copyright'
	'RCU lockdep checking is enabled'
	# kmemleak's own status lines.
	'kmemleak: Kernel memory leak detector initialized'
	'kmemleak: Automatic memory scanning thread'
	# Markers the runners write to /dev/kmsg (they carry test names).
	'^(\[ *[0-9.]+\] )?veer-selftests: (begin|end) '
	'^(\[ *[0-9.]+\] )?veer-vm: '
	# The command line echoed at boot may mention a pattern in a parameter.
	'Kernel command line:'
	'Command line:'
)

_veer_join() {
	local IFS='|'
	printf '%s' "$*"
}
VEER_SPLAT_RE=$(_veer_join "${VEER_SPLAT_PATTERNS[@]}")
VEER_SPLAT_IGNORE_RE=$(_veer_join "${VEER_SPLAT_IGNORE[@]}")

veer_splat_grep() {
	local out
	out=$(LC_ALL=C grep -a -h -E -- "$VEER_SPLAT_RE" "$@" 2>/dev/null |
		LC_ALL=C grep -a -v -E -- "$VEER_SPLAT_IGNORE_RE" |
		tr -d '\r' | awk '!seen[$0]++')
	[ -n "$out" ] || return 1
	printf '%s\n' "$out"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	if [ $# -eq 0 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
		[ $# -eq 0 ] && exit 2
		exit 0
	fi
	if lines=$(veer_splat_grep "$@"); then
		printf '%s\n' "$lines" | sed 's/^/vm: kernel splat: /'
		exit 1
	fi
	exit 0
fi
