#!/bin/bash
# stage-depmod.sh KO...: on the host, build the module indexes (modules.dep,
# modules.alias and their .bin) of each kernel a KO is built for, with that
# veer.ko as extra/veer.ko, into build/vm/depmod/<release>/.
#
# depmod -a inside the guest reads every module of the kernel over 9p under
# TCG emulation (about 90 s); here it takes a second.  The guest copies the
# indexes into its overlay (tests/selftests/run.sh, VEER_DEPMOD_DIR) so that
# `modprobe veer` and the genetlink family autoload work.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
for ko in "$@"; do
	rel=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ -d "/lib/modules/$rel/kernel" ] || continue
	st=$(mktemp -d)
	mkdir -p "$st/lib/modules/$rel/extra"
	ln -s "/lib/modules/$rel/kernel" "$st/lib/modules/$rel/kernel"
	cp /lib/modules/"$rel"/modules.order /lib/modules/"$rel"/modules.builtin* \
		"$st/lib/modules/$rel/"
	cp "$ko" "$st/lib/modules/$rel/extra/veer.ko"
	depmod -b "$st" "$rel"
	out=$top/build/vm/depmod/$rel
	rm -rf "$out"
	mkdir -p "$out"
	cp "$st/lib/modules/$rel"/modules.* "$out/"
	rm -rf "$st"
done
