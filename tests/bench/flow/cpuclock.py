#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The CPU time the guest really got, per burst (tests/bench/flow).

On a shared host the guest's clock runs on while QEMU waits for a CPU, so a
burst's wall time says as much about the other guests as about the code
under test.  This samples, on the host, the CPU time of QEMU's TCG thread
(the one thread that runs all the vCPUs, -accel tcg,thread=single), and maps
the guest's burst windows onto it.

    cpuclock.py sample QEMU_PID SAMPLES
        every 2 ms until QEMU exits: host time, the TCG thread's CPU time
        (/proc/PID/task/TID/schedstat, ns; the busiest thread once the guest
        has booted) and the size of QEMU's second serial port file (the
        guest's output), into SAMPLES.{t,c,st,sv}

    cpuclock.py windows SAMPLES RAW > CPU
        RAW is that serial output (tests/vm/run.sh's stdout, the same
        bytes).  "BENCH sync T" lines (guest CLOCK_REALTIME, us) against
        the host time their bytes reached the file give the clock offset
        (the smallest delay seen); then for each "BENCH run ... seq=N t0=A
        t1=B" line, prints "N CPU_NS WALL_NS": the TCG thread's CPU time and
        the wall time within [A, B].

The delay of a line on its way out (the selftest runner's tail, sed, the
serial port) is at least some milliseconds; its minimum over hundreds of
sync lines is the offset's error, and moving both ends of a window by the
same few milliseconds while the guest is busy changes its CPU time by
nothing.
"""
import array
import bisect
import os
import re
import signal
import sys
import time

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def tcg_thread(pid):
    """QEMU names no threads (no debug-threads=on): the TCG thread is the one
    that has run the guest, by far the busiest once it has booted."""
    while True:
        best, most, total = None, 0, 0
        try:
            for t in os.listdir(f"/proc/{pid}/task"):
                try:
                    with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                        ns = int(f.read().split()[0])
                except OSError:
                    continue
                total += ns
                if ns > most:
                    best, most = t, ns
        except OSError:
            return None
        if most > 3e9 and most > 0.8 * total:
            return best
        time.sleep(0.2)


def sample(pid, out):
    tid = tcg_thread(pid)
    if tid is None:
        sys.exit(f"cpuclock: no TCG thread in process {pid}")
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        argv = f.read().decode(errors="replace").split("\0")
    serials = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "-serial"]
    if len(serials) < 2 or not serials[1].startswith("file:"):
        sys.exit("cpuclock: cannot find QEMU's second serial port file")
    outlog = serials[1][5:]
    ts, cs, st, sv = array.array("d"), array.array("q"), array.array("d"), array.array("q")
    fd = os.open(f"/proc/{pid}/task/{tid}/schedstat", os.O_RDONLY)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    last = -1
    while not stop:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            data = os.read(fd, 128)
        except OSError:
            break
        if not data:
            break
        now = time.time()
        ts.append(now)
        cs.append(int(data.split()[0]))
        try:
            size = os.stat(outlog).st_size
        except OSError:
            size = last
        if size != last:
            st.append(now)
            sv.append(size)
            last = size
        time.sleep(0.002)
    for ext, arr in (("t", ts), ("c", cs), ("st", st), ("sv", sv)):
        with open(f"{out}.{ext}", "wb") as f:
            arr.tofile(f)


def load(path, ext, code):
    arr = array.array(code)
    with open(f"{path}.{ext}", "rb") as f:
        arr.frombytes(f.read())
    return arr


def windows(path, raw):
    ts, cs = load(path, "t", "d"), load(path, "c", "q")
    st, sv = load(path, "st", "d"), load(path, "sv", "q")
    if len(ts) < 2 or not sv:
        sys.exit("cpuclock: no samples")
    sync, runs = [], []
    run_re = re.compile(rb"BENCH run \S+ \S+ \S+ .*\bseq=(\d+) t0=(\d+) t1=(\d+)")
    off = 0
    with open(raw, "rb") as f:
        for line in f:
            off += len(line)
            m = re.search(rb"BENCH sync (\d+)", line)
            if m:
                # The first size change covering this line's end.
                i = bisect.bisect_left(sv, off)
                if i < len(sv):
                    sync.append(st[i] - int(m.group(1)) / 1e6)
                continue
            m = run_re.search(line)
            if m:
                runs.append(tuple(int(x) for x in m.groups()))
    if not sync:
        sys.exit("cpuclock: no sync lines matched")
    sync.sort()
    offset = sync[0]
    print(f"# offset {offset:.6f} s; sync delays: median {1000 * (sync[len(sync) // 2] - offset):.1f} ms "
          f"over {len(sync)} lines")

    def cpu_at(t):
        i = bisect.bisect_left(ts, t)
        if i <= 0 or i >= len(ts):
            return None
        t0, t1 = ts[i - 1], ts[i]
        return cs[i - 1] + (cs[i] - cs[i - 1]) * (t - t0) / (t1 - t0)

    for seq, a, b in runs:
        ha, hb = a / 1e6 + offset, b / 1e6 + offset
        ca, cb = cpu_at(ha), cpu_at(hb)
        if ca is None or cb is None:
            continue
        print(f"{seq} {cb - ca:.0f} {1e9 * (hb - ha):.0f}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sample":
        sample(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "windows":
        windows(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: cpuclock.py sample QEMU_PID SAMPLES | windows SAMPLES RAW")


if __name__ == "__main__":
    main()
