#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run a command as root inside a QEMU guest booting a Debian kernel
#
# Usage: tests/vm/run.sh [--kver KVER|6.1|6.12|debug] [--timeout SEC]
#                        [--mem MB] [--cpus N] [--verbose] -- CMD [ARGS...]
#
#   --kver     a release from /lib/modules (e.g. 6.1.0-56-amd64), a series
#              (6.1, 6.12: the newest installed release of it, generic flavour
#              preferred over -rt/-cloud), or "debug" (the KASAN/lockdep/
#              kmemleak kernel from tests/vm/build-debug-kernel.sh, built on
#              first use; a stale build is used, with a warning, until
#              rebuilt).  Default: $VEER_VM_KVER, else 6.1.
#   --timeout  seconds for the whole guest run, boot included; on expiry QEMU
#              is killed, "vm: guest timed out" printed and 124 returned.
#              Default: $VEER_VM_TIMEOUT, else 1200.
#   --mem      guest RAM in MB (default 2048); --cpus vCPUs (default 2).
#   --verbose  the console also gets the kernel's informational boot messages
#              (slower boot); without it the console shows warnings and worse.
#
# The guest boots the kernel under qemu-system-x86_64 -accel tcg with a small
# busybox initramfs (cached under build/vm/), mounts the host's / read-only
# over virtio 9p with a tmpfs overlay on top, chroots into it and runs CMD as
# root, in the directory run.sh was called from, with PATH sane, VEER_GUEST=1,
# and every VEER_* variable of the caller's environment passed through.
# Writes inside the guest land in the overlay and vanish with it, except under
# $VEER_VM_OUTDIR (guest), which is kept on the host (path printed at the end).
#
# CMD's stdout and stderr stream live to this script's stdout (through a
# second serial port); nothing else is written to stdout.  Messages of the
# runner go to stderr, prefixed "vm: ".  The guest console and its final
# dmesg (and kmemleak report) go to build/vm/<kver>-console.log.
#
# Environment: VEER_VM_KVER, VEER_VM_TIMEOUT (defaults of the options);
# VEER_VM_SLOTS (guests allowed to run at once, default nproc; others
# wait for a slot before booting); VEER_VM_KMEMLEAK=0 (skip the kmemleak
# scan); VEER_VM_PVH=0 (boot the bzImage, not the extracted vmlinux);
# VEER_VM_9PCACHE (9p cache mode of the root, default loose); VEER_VM_APPEND
# (extra kernel parameters).
#
# Exit status: CMD's exit status; 124 if the guest timed out; non-zero (1
# unless CMD already failed) if the guest kernel log shows a splat
# (see tests/vm/splat.sh; printed as "vm: kernel splat: ..."); 125 if the
# guest died without reporting a status (kernel panic, broken boot) or the
# runner itself failed.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))
builddir=$top/build/vm
# shellcheck source=tests/vm/splat.sh
. "$here/splat.sh"

kver_arg=${VEER_VM_KVER:-6.1}
timeout=${VEER_VM_TIMEOUT:-1200}
mem=2048
cpus=2
verbose=0

usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; }
say() { echo "vm: $*" >&2; }
die() { say "$*"; exit 125; }

while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver_arg=${2:?--kver needs a value}; shift ;;
	--kver=*) kver_arg=${1#*=} ;;
	--timeout) timeout=${2:?--timeout needs a value}; shift ;;
	--timeout=*) timeout=${1#*=} ;;
	--mem) mem=${2:?--mem needs a value}; shift ;;
	--mem=*) mem=${1#*=} ;;
	--cpus) cpus=${2:?--cpus needs a value}; shift ;;
	--cpus=*) cpus=${1#*=} ;;
	--verbose | -v) verbose=1 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) say "unknown argument: $1 (CMD goes after --)"; usage >&2; exit 125 ;;
	esac
	shift
done
[ $# -gt 0 ] || { usage >&2; exit 125; }
case $PWD/ in
/tmp/* | /run/* | /var/run/* | /dev/* | /proc/* | /sys/*)
	say "warning: $PWD is a fresh, empty mount in the guest; CMD will not see the host's files there" ;;
esac
case $timeout$mem$cpus in *[!0-9]*) die "--timeout, --mem and --cpus take integers" ;; esac

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && ! LC_ALL=C ldd "$b" >/dev/null 2>&1; then busybox=$b; break; fi
done
[ -n "$busybox" ] || die "need a static busybox (apt-get install busybox-static)"

# ---------------------------------------------------------------------------
# Pick the kernel.
# ---------------------------------------------------------------------------

# newest_release SERIES: newest release of SERIES in /lib/modules that has a
# /boot/vmlinuz; the generic flavour wins over -rt, -cloud and the like.
newest_release() {
	local s=$1 r generic=() other=()
	for r in /lib/modules/*; do
		r=${r##*/}
		case $r in "$s".* | "$s"-*) ;; *) continue ;; esac
		[ -e "/boot/vmlinuz-$r" ] || continue
		case $r in
		*-rt-* | *-cloud-* | *-rt | *-cloud) other+=("$r") ;;
		*) generic+=("$r") ;;
		esac
	done
	if [ ${#generic[@]} -gt 0 ]; then
		printf '%s\n' "${generic[@]}" | sort -V | tail -n1
	elif [ ${#other[@]} -gt 0 ]; then
		printf '%s\n' "${other[@]}" | sort -V | tail -n1
	fi
}

modroot=        # prefix whose lib/modules/$kver holds the guest's modules
moddir_guest=   # if set: host path copied to /lib/modules/$kver in the guest
case $kver_arg in
debug)
	if ! kdir=$("$here/build-debug-kernel.sh" --print-kdir 2>/dev/null); then
		if [ -f "$top/build/debug-kernel/current/.veer/done" ]; then
			kdir=$(cd "$top/build/debug-kernel/current" && pwd -P)
			say "debug kernel is out of date (config or source changed): using $kdir;"
			say "rebuild with tests/vm/build-debug-kernel.sh"
		else
			say "building the debug kernel first (about 10 minutes on 2 idle cores)"
			kdir=$("$here/build-debug-kernel.sh" | tail -n1) || die "debug kernel build failed"
		fi
	fi
	kver=$(cat "$kdir/.veer/kernelrelease") || die "broken debug kernel build in $kdir"
	kimage=$kdir/.veer/bzImage
	modroot=$kdir/.veer
	moddir_guest=$modroot/lib/modules/$kver
	;;
*)
	if [ -d "/lib/modules/$kver_arg" ]; then
		kver=$kver_arg
	else
		kver=$(newest_release "$kver_arg")
		[ -n "$kver" ] || die "no installed kernel matches '$kver_arg' (have: $(cd /lib/modules && echo *))"
	fi
	kimage=/boot/vmlinuz-$kver
	modroot=/
	;;
esac
[ -r "$kimage" ] || die "cannot read kernel image $kimage"
mkdir -p "$builddir" || die "cannot create $builddir"

# Booting the uncompressed vmlinux through its PVH entry point skips the
# real-mode setup and the in-guest decompression, which take about 7 s under
# TCG.  Extract it from the bzImage once per kernel (cached); fall back to the
# bzImage when that fails or the kernel has no PVH entry (CONFIG_PVH).
is_pvh_elf() {
	LC_ALL=C readelf -h "$1" >/dev/null 2>&1 || return 1
	[ -z "$(LC_ALL=C readelf -S -W "$1" 2>&1 >/dev/null)" ] || return 1
	LC_ALL=C readelf -n "$1" 2>/dev/null | grep -Eq 'type: \(0x00000012\)|PHYS32_ENTRY'
}
pvh_vmlinux() {
	local img=$1 out key off magic dec tmp
	command -v readelf >/dev/null || return 1
	key=$(stat -L -c '%s-%Y' "$img")
	out=$builddir/vmlinux-$kver-$key
	if [ -s "$out" ]; then echo "$out"; return 0; fi
	tmp=$(mktemp "$builddir/.vmlinux.XXXXXX") || return 1
	for magic in '\xfd7zXZ\x00:xz -dc --single-stream' '\x28\xb5\x2f\xfd:zstd -dcq' \
		'\x1f\x8b\x08:gzip -dcq'; do
		dec=${magic#*:}
		command -v "${dec%% *}" >/dev/null || continue
		for off in $(LC_ALL=C grep -obUaP "${magic%%:*}" "$img" 2>/dev/null | cut -d: -f1 | head -n 4); do
			tail -c +"$((off + 1))" "$img" | $dec >"$tmp" 2>/dev/null
			if is_pvh_elf "$tmp"; then
				rm -f "$builddir/vmlinux-$kver-"*
				mv -f "$tmp" "$out"
				echo "$out"
				return 0
			fi
		done
	done
	rm -f "$tmp"
	return 1
}
# Not for the debug kernel: its PVH entry code is KASAN-instrumented and
# faults before the shadow memory exists (and its gzip payload is quick).
if [ "${VEER_VM_PVH:-1}" = 1 ] && [ "$kver_arg" != debug ]; then
	if v=$(pvh_vmlinux "$kimage"); then
		kimage=$v
	fi
fi

# ---------------------------------------------------------------------------
# The initramfs: busybox, the modules needed to reach the host root, /init.
# Everything that goes into it is hashed into its name, so any change to the
# recipe, the modules or busybox produces a new one.
# ---------------------------------------------------------------------------

# Modules to mount the host root, in load order; "builtin" ones are skipped.
initrd_modules() {
	local m verb path seen=" "
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$modroot" -S "$kver" --show-depends "$m" 2>/dev/null || {
			# Not a module at all: fine if it is built in.
			if grep -qs "/$m.ko" "$modroot/lib/modules/$kver/modules.builtin"; then
				continue
			fi
			say "module $m not found for $kver"; return 1
		}
	done | while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		case $seen in *" $path "*) continue ;; esac
		seen="$seen$path "
		echo "$path"
	done
}

read -r -d '' INIT <<'INIT_EOF'
#!/bin/busybox sh
# /init of the veer test guest (generated by tests/vm/run.sh).
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /lower /ovl /newroot /share
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
say() { echo "veer-vm: $*" >/dev/console; }
halt_now() { sync; reboot -f; sleep 5; echo o >/proc/sysrq-trigger; }
fail() {
	say "init failed: $*"
	echo "veer-vm: guest init failed: $*" >/dev/ttyS1
	halt_now
}
say "init started at $(cut -d' ' -f1 /proc/uptime)s"

while read -r m; do
	[ -n "$m" ] || continue
	insmod "/modules/$m" || grep -q "^${m%.ko} " /proc/modules || fail "insmod $m"
done </modules.list

# Wait (up to 10 s) for the 9p transport to show the tag, then mount.
mount9p() {
	i=0
	until grep -qsx "$1" /sys/bus/virtio/drivers/9pnet_virtio/virtio*/mount_tag; do
		i=$((i + 1))
		[ $i -lt 200 ] || break
		sleep 0.05
	done
	mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$3" "$1" "$2" ||
		fail "mount 9p $1"
}
mount9p veerout /share "cache=none"
. /share/job.env
mount9p hostroot /lower "ro,cache=$VEER_VM_9PCACHE"
mount -t tmpfs -o mode=0755 tmpfs /ovl || fail "tmpfs"
mkdir -p /ovl/upper /ovl/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work /newroot ||
	fail "overlay"

r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts $r/dev/pts
ln -sf pts/ptmx $r/dev/ptmx 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs $r/dev/shm
mount -t tmpfs -o mode=1777 tmpfs $r/tmp
mount -t tmpfs -o mode=0755 tmpfs $r/run
mkdir -p $r/run/lock $r/run/netns $r/run/veer-vm
mount -t debugfs debugfs $r/sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup 2>/dev/null
mount -t bpf bpf $r/sys/fs/bpf 2>/dev/null
mount --bind /share $r/run/veer-vm
mkdir -p /share/out
kver=$(uname -r)
if [ -n "$VEER_VM_MODDIR" ]; then
	rm -rf "$r/lib/modules/$kver"
	mkdir -p "$r/lib/modules/$kver"
	cp -a "$r$VEER_VM_MODDIR/." "$r/lib/modules/$kver/" || fail "copy modules"
fi
echo veer-vm >/proc/sys/kernel/hostname 2>/dev/null
# The kernel runs its module loader in the initramfs root: chroot it into the
# real one, so autoloading (veth, nf_tables, genetlink families) works.
printf '#!/bin/sh\nexec chroot /newroot /sbin/modprobe "$@"\n' >/sbin/veer-modprobe
chmod 755 /sbin/veer-modprobe
echo /sbin/veer-modprobe >/proc/sys/kernel/modprobe
ip link set lo up
stty -F /dev/ttyS1 raw -echo 2>/dev/null

say "running the command at $(cut -d' ' -f1 /proc/uptime)s"
echo "veer-vm: command starts" >/dev/kmsg
chroot $r /usr/bin/env -i /bin/bash /run/veer-vm/job.sh </dev/null >/dev/ttyS1 2>&1
rc=$?
echo "veer-vm: command exited with status $rc" >/dev/kmsg
say "command done at $(cut -d' ' -f1 /proc/uptime)s, status $rc"
echo "$rc" >/share/rc

# kmemleak (debug kernel): two scans are needed, since a scan treats an
# object whose contents changed since the previous scan (or that it sees for
# the first time) as referenced, and objects younger than 5 s are never
# reported.  A scan takes ~25 s under TCG+KASAN.  Boot itself leaks nothing,
# so there is no scan before the command.
kmemleak=/sys/kernel/debug/kmemleak
[ -e $kmemleak ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ -w $kmemleak ] && [ "$VEER_VM_KMEMLEAK" = 1 ]; then
	say "kmemleak scans at $(cut -d' ' -f1 /proc/uptime)s"
	echo scan >$kmemleak
	sleep 5
	echo scan >$kmemleak
	cat $kmemleak >/share/kmemleak.txt
	say "kmemleak done at $(cut -d' ' -f1 /proc/uptime)s"
fi
dmesg >/share/dmesg.txt
echo "veer-vm: status $VEER_VM_NONCE $rc" >/dev/console
sync
umount $r/run/veer-vm 2>/dev/null
umount /share 2>/dev/null
halt_now
INIT_EOF

build_initramfs() {
	local mods key f out tmp m
	mods=$(initrd_modules) || return 1
	key=$( {
		printf '%s\n' "$INIT" "$kver"
		sha256sum "$busybox" | cut -d' ' -f1
		for m in $mods; do sha256sum "$m" | cut -d' ' -f1; done
	} | sha256sum | cut -c1-12)
	out=$builddir/initramfs-$kver-$key.cpio.gz
	if [ -s "$out" ]; then echo "$out"; return 0; fi
	tmp=$(mktemp -d "$builddir/.initramfs.XXXXXX") || return 1
	mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/dev"
	cp "$busybox" "$tmp/bin/busybox"
	printf '%s\n' "$INIT" >"$tmp/init"
	chmod 755 "$tmp/init" "$tmp/bin/busybox"
	: >"$tmp/modules.list"
	for m in $mods; do
		f=${m##*/}
		case $f in
		*.ko.xz) xz -dc "$m" >"$tmp/modules/${f%.xz}"; f=${f%.xz} ;;
		*.ko.zst) zstd -qdc "$m" >"$tmp/modules/${f%.zst}"; f=${f%.zst} ;;
		*.ko.gz) gzip -dc "$m" >"$tmp/modules/${f%.gz}"; f=${f%.gz} ;;
		*) cp "$m" "$tmp/modules/$f" ;;
		esac || { rm -rf "$tmp"; return 1; }
		echo "$f" >>"$tmp/modules.list"
	done
	(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$tmp.cpio.gz" ||
		{ rm -rf "$tmp" "$tmp.cpio.gz"; return 1; }
	rm -rf "$tmp"
	mv -f "$tmp.cpio.gz" "$out"
	# Drop initramfs images of older recipes for this kernel.
	for f in "$builddir/initramfs-$kver-"*.cpio.gz; do
		[ "$f" = "$out" ] || rm -f "$f"
	done
	echo "$out"
}

initrd=$(build_initramfs) || die "cannot build the initramfs for $kver"

# ---------------------------------------------------------------------------
# The job: CMD, its directory and environment, for the guest's init.
# ---------------------------------------------------------------------------

rundir=$(mktemp -d "$builddir/run.XXXXXX") || die "mktemp failed"
qpid=
tpid=
# shellcheck disable=SC2317 # invoked by trap
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null
	rm -rf "$rundir"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
kmemleak=1
[ "${VEER_VM_KMEMLEAK:-1}" = 0 ] && kmemleak=0
{
	printf 'VEER_VM_NONCE=%s\n' "$nonce"
	printf 'VEER_VM_MODDIR=%q\n' "$moddir_guest"
	printf 'VEER_VM_KMEMLEAK=%s\n' "$kmemleak"
	printf 'VEER_VM_9PCACHE=%s\n' "${VEER_VM_9PCACHE:-loose}"
} >"$rundir/job.env"
{
	echo '#!/bin/bash'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'export HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb'
	while IFS= read -r name; do
		case $name in VEER_VM_OUTDIR | VEER_GUEST) continue ;; esac
		printf 'export %s=%q\n' "$name" "${!name}"
	done < <(compgen -e | grep '^VEER_')
	echo 'export VEER_GUEST=1 VEER_VM_OUTDIR=/run/veer-vm/out'
	printf 'cd -- %q || exit 126\n' "$PWD"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$rundir/job.sh"

# ---------------------------------------------------------------------------
# Boot.
# ---------------------------------------------------------------------------

# build/vm/<kver>-console.log, unless a concurrent run holds it (then a
# per-run name; those are pruned after a day).
find "$builddir" -maxdepth 1 -name '*-console.*.log' -mtime +0 -delete 2>/dev/null
console=$builddir/$kver-console.log
exec 8>>"$console.lock"
if ! flock -n 8; then
	console=$builddir/$kver-console.$$.log
	exec 8>&-
fi
out=$rundir/out.log
: >"$out"
loglevel=5
[ "$verbose" = 1 ] && loglevel=8
append="console=ttyS0,115200 panic=-1 loglevel=$loglevel log_buf_len=8M mitigations=off"
append+=" rcupdate.rcu_cpu_stall_timeout=60 watchdog_thresh=30 hung_task_timeout_secs=120"
append+=" nokaslr tsc=reliable i8042.noaux i8042.nomux i8042.nopnp ${VEER_VM_APPEND:-}"

# TCG guests oversubscribing the host slow each other down until timeouts and
# RCU stall warnings fire spuriously: at most $VEER_VM_SLOTS guests (default:
# one per host CPU) run at once; the others wait here, before their timeout
# starts.
slots=${VEER_VM_SLOTS:-$(nproc)}
[ "$slots" -ge 1 ] 2>/dev/null || slots=1
mkdir -p "$builddir/slots"
waited=0
while :; do
	got=
	for ((i = 0; i < slots; i++)); do
		exec 7>>"$builddir/slots/$i"
		if flock -n 7; then got=$i; break; fi
		exec 7>&-
	done
	[ -n "$got" ] && break
	[ "$waited" = 0 ] && say "waiting for a free VM slot ($slots in use; VEER_VM_SLOTS)"
	waited=$((waited + 1))
	sleep 2
done
[ "$waited" -gt 0 ] && say "got a VM slot after ~$((waited * 2))s"

# One host thread runs all vCPUs (thread=single) unless VEER_VM_MTTCG=1.
# With a thread per vCPU (MTTCG, qemu 7.2), a vCPU now and then executes a
# stale int3 after the kernel's text_poke_bp() has finished patching a static
# key on another vCPU (seen: "Oops: int3" at the nf_hooks_needed branch in
# ip_local_deliver while conntrack unregistered its hooks): a guest panic that
# is the emulator's, not the code under test.  The guest still has $cpus CPUs
# and interleaves them; guests of different kernels run side by side instead.
tcg=tcg,thread=single
[ "${VEER_VM_MTTCG:-0}" = 1 ] && tcg=tcg,thread=multi
say "booting $kver ($cpus vCPUs, $mem MB, $tcg, timeout ${timeout}s); console: $console"
start=$(date +%s.%N)
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel "$tcg" -nographic -no-reboot -nodefaults -no-user-config \
	-machine pc -cpu max -smp "$cpus" -m "$mem" \
	-kernel "$kimage" -initrd "$initrd" -append "$append" \
	-monitor none -serial "file:$console" -serial "file:$out" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$rundir,mount_tag=veerout,security_model=none,multidevs=remap" \
	</dev/null >"$rundir/qemu.err" 2>&1 &
qpid=$!
tail -n +1 -s 0.2 -f --pid="$qpid" "$out" &
tpid=$!
wait "$qpid"
qrc=$?
qpid=
wait "$tpid"
tpid=
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
elapsed=$(printf '%.1f' "$elapsed")

# ---------------------------------------------------------------------------
# Results.
# ---------------------------------------------------------------------------

{
	for f in dmesg.txt kmemleak.txt; do
		[ -s "$rundir/$f" ] || continue
		printf '\n==== veer-vm: guest %s ====\n' "${f%.txt}"
		cat "$rundir/$f"
	done
	if [ -s "$rundir/qemu.err" ]; then
		printf '\n==== veer-vm: qemu stderr ====\n'
		cat "$rundir/qemu.err"
	fi
} >>"$console"

rc=
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "guest timed out after ${timeout}s"
	rc=124
elif [ -s "$rundir/rc" ]; then
	rc=$(cat "$rundir/rc")
else
	rc=$(sed -n "s/^veer-vm: status $nonce \([0-9]*\).*/\1/p" "$console" | tail -n1)
fi
if [ -z "$rc" ]; then
	say "guest ended without reporting an exit status (qemu status $qrc; panic or broken boot?)"
	tail -n 20 "$console" | sed 's/^/vm: console: /' >&2
	rc=125
fi

if [ -s "$rundir/kmemleak.txt" ]; then
	say "kmemleak reported leaks:"
	head -n 40 "$rundir/kmemleak.txt" | sed 's/^/vm: kmemleak: /' >&2
fi
if splats=$(veer_splat_grep "$console"); then
	# Splats the kernel logged while booting, before the command started
	# (by their timestamps), come from no code of ours: veer.ko is loaded
	# by the command.  Shown, not counted.  (Seen once on the debug
	# kernel: a KASAN report in an early interrupt during cpu_detect.)
	t0=$(sed -n 's/^\[ *\([0-9.]*\)\] veer-vm: command starts.*/\1/p' "$console" | head -n1)
	boot=
	if [ -n "$t0" ]; then
		boot=$(printf '%s\n' "$splats" | awk -v t0="$t0" '
			match($0, /^\[ *[0-9.]+\]/) {
				t = substr($0, 2, RLENGTH - 2) + 0
				if (t < t0 + 0) { print; next }
			}')
		splats=$(printf '%s\n' "$splats" | awk -v t0="$t0" '
			match($0, /^\[ *[0-9.]+\]/) {
				t = substr($0, 2, RLENGTH - 2) + 0
				if (t < t0 + 0) next
			}
			{ print }')
	fi
	if [ -n "$boot" ]; then
		say "kernel splat while booting, before the command ran (not counted):"
		printf '%s\n' "$boot" | sort -u | head -n 20 | sed 's/^/vm: boot splat: /' >&2
	fi
fi
if [ -n "$splats" ]; then
	printf '%s\n' "$splats" | head -n 60 | sed 's/^/vm: kernel splat: /' >&2
	n=$(printf '%s\n' "$splats" | wc -l)
	[ "$n" -gt 60 ] && say "... $((n - 60)) more splat lines in $console"
	if [ "$rc" = 0 ] || [ "$rc" = 4 ]; then rc=1; fi
fi

if [ -n "$(ls -A "$rundir/out" 2>/dev/null)" ]; then
	keep=$builddir/$kver-out
	rm -rf "$keep"
	mv "$rundir/out" "$keep"
	say "guest output files: $keep"
fi
say "$kver: status $rc after ${elapsed}s; console log: $console"
exit "$rc"
