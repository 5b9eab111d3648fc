#!/bin/bash
# run-all.sh: everything `make check` runs, in order, with one summary.
#
#   build      the module for every installed kernel, userspace, -Werror
#   style      checkpatch, sparse and W=1 (scripts/style.sh)
#   dkms       the module builds through DKMS for 6.1 (scripts/dkms.sh check)
#   spec       the YNL spec agrees with the uapi header
#   unit       host-side cmocka tests (tests/unit)
#   guest      tests/selftests in a QEMU guest, per kernel series (6.1, 6.12)
#
# Each part prints TAP lines; the last line is "N passed, N failed" over
# every test of every part.  VEER_KERNELS overrides the kernel list (e.g.
# "6.1" or "6.1 6.12 debug"); VEER_SKIP_STYLE=1 skips style and dkms.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0
fail=0
log=$top/build/check
mkdir -p "$log"
start=$(date +%s)

count() { # count PASS FAIL: add a part's totals
	pass=$((pass + $1))
	fail=$((fail + $2))
}

one() { # one NAME CMD...: a single pass/fail step, output kept in a log
	local name=$1
	shift
	if "$@" >"$log/$name.log" 2>&1; then
		echo "ok - $name"
		count 1 0
	else
		sed 's/^/# /' "$log/$name.log" | tail -n 40
		echo "not ok - $name (log: build/check/$name.log)"
		count 0 1
	fi
}

# A part's totals from its log: "...: N passed, N failed" (or with ", N
# skipped"); RC is the part's exit status.
tally() { # tally NAME RC
	local name=$1 rc=$2 out p f
	out=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$log/$name.log" | tail -n1)
	if [ -z "$out" ]; then
		echo "not ok - $name: no summary line (log: build/check/$name.log)"
		count 0 1
		return
	fi
	p=$(sed -E 's/.*(^|: )([0-9]+) passed.*/\2/' <<<"$out")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$out")
	count "$p" "$f"
	# A part that died after printing a clean summary still fails.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited non-zero"
		count 0 1
	fi
}

part() { # part NAME CMD...: run in the foreground, output shown as it comes
	local name=$1
	shift
	"$@" 2>&1 | tee "$log/$name.log"
	tally "$name" "${PIPESTATUS[0]}"
}

echo "# build"
one build-modules make -C "$top" modules KMOD_FLAGS="W=1 KCFLAGS=-Werror"
one build-userspace make -C "$top" userspace
case " ${VEER_KERNELS:-} " in
*" debug "*)
	# The KASAN + lockdep + kmemleak kernel, built once and cached.
	one build-debug-kernel "$top/tests/vm/build-debug-kernel.sh"
	kd=$("$top/tests/vm/build-debug-kernel.sh" --print-kdir)
	one build-modules-debug make -C "$top" modules KDIR="$kd" \
		KMOD_FLAGS="W=1 KCFLAGS=-Werror"
	;;
esac
one stage-depmod "$top/tests/vm/stage-depmod.sh" "$top"/build/kmod/*/veer.ko

if [ "${VEER_SKIP_STYLE:-0}" != 1 ]; then
	echo "# style"
	part style "$top/scripts/style.sh"
	echo "# dkms"
	one dkms "$top/scripts/dkms.sh" check "$(sed -n 's/^VERSION := //p' Makefile)"
fi

echo "# spec"
part spec python3 "$top/tests/spec-check.py" "$top"

echo "# unit"
part unit make -s -C "$top/tests/unit" check

# The guests run side by side (tests/vm/run.sh gives each a VM slot, one per
# host CPU); their output is shown per kernel once each is done.
guests=()
pids=()
for k in ${VEER_KERNELS:-6.1 6.12}; do
	if [ "$k" != debug ] && ! ls -d /lib/modules/"$k".*/build >/dev/null 2>&1; then
		echo "# guest $k: no such kernel installed, skipped"
		continue
	fi
	# The KASAN + lockdep kernel runs the suite about five times slower.
	t=2400
	[ "$k" = debug ] && t=7200
	"$top/tests/vm/run.sh" --kver "$k" --timeout "$t" -- \
		"$top/tests/selftests/run-in-guest.sh" >"$log/guest-$k.log" 2>&1 &
	guests+=("$k")
	pids+=($!)
	sleep 1 # slots are taken in this order
done
for i in "${!guests[@]}"; do
	k=${guests[$i]}
	wait "${pids[$i]}"
	rc=$?
	echo "# guest $k"
	cat "$log/guest-$k.log"
	tally "guest-$k" "$rc"
done

echo "# took $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
