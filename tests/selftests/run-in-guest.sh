#!/bin/bash
# run-in-guest.sh: inside the guest, point run.sh at the veer.ko built for
# the running kernel (build/kmod/<release>/veer.ko) and run every selftest.
top=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
ko=$top/build/kmod/$rel/veer.ko
if [ ! -f "$ko" ]; then
	# The debug kernel's tree is not under /lib/modules: look for any build.
	ko=$(ls "$top"/build/kmod/*/veer.ko 2>/dev/null | while read -r f; do
		[ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$rel" ] && echo "$f"
	done | head -n1)
fi
export VEER_KO=$ko
# The KASAN + lockdep kernel is several times slower per test.
case $rel in *-veer-debug*) export VEER_TEST_TIMEOUT=${VEER_TEST_TIMEOUT:-900} ;; esac
export VEER_DEPMOD_DIR=$top/build/vm/depmod/$rel
export PATH=$top/build/userspace:$top/build/veerd:$PATH
exec "$top/tests/selftests/run.sh" "$@"
