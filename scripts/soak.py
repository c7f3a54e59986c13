#!/usr/bin/python3
"""The soak (not a CI test; `scripts/bench.sh soak:MINUTES:RATE`): the fault harness's set-up
(scripts/chaos.py: the release bot, Prosody with offline storage, a strict LMS, the proxy, the
store on a filesystem of its own) with students arriving steadily, RATE a second, each through
the whole graded lesson, for MINUTES; now and then a fault (the bot's connection cut, a kill -9
and restart, the LMS answering 500 for a while). Every --every seconds it prints the bot's RSS,
open file descriptors and threads, the store's and its WAL's size, lessons/s and the p99 lesson
of that interval; at the end the invariants of the fault harness, and the curve as a PNG
(gnuplot) when --png is given."""
import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import chaos  # noqa: E402
import chaos_faults  # noqa: E402
import chaos_students  # noqa: E402


def proc_figures(pid):
    """RSS (KiB), open descriptors, threads of a process."""
    rss = threads = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid)), threads


def size_kib(path):
    return os.path.getsize(path) / 1024.0 if os.path.exists(path) else 0.0


async def soak(args, run):
    total = int(args.minutes * 60 * args.rate)
    names = ["k%05d" % i for i in range(total)]
    await run.setup(names)
    students = [chaos_students.Student(run, i, n) for i, n in enumerate(names)]
    run.students = students
    start = time.monotonic()
    tasks = [asyncio.ensure_future(run.later(i / args.rate, s.lesson()))
             for i, s in enumerate(students)]
    faults = asyncio.ensure_future(now_and_then(args, run, start))
    rows = []
    print("%6s %9s %5s %7s %10s %9s %9s %9s %8s" % (
        "min", "RSS KiB", "fds", "threads", "store KiB", "WAL KiB", "lessons/s", "p99 s",
        "open"), flush=True)
    while not all(t.done() for t in tasks):
        await asyncio.sleep(args.every)
        now = time.monotonic()
        done = [s for s in students if s.finished and s.finished > now - args.every]
        lessons = [s.finished - s.started for s in done]
        rss, fds, threads = proc_figures(run.bot.proc.pid)
        db = run.disk.path + "/otrbot.db"
        row = ((now - start) / 60, rss, fds, threads, size_kib(db), size_kib(db + "-wal"),
               len(done) / args.every, chaos.percentile(lessons, 99),
               sum(1 for s in students if s.mid_lesson))
        rows.append(row)
        print("%6.1f %9d %5d %7d %10.0f %9.0f %9.2f %9.1f %8d" % row, flush=True)
        if now - start > args.minutes * 60 + args.timeout:
            break
    faults.cancel()
    return rows


async def now_and_then(args, run, start):
    """A fault every --fault-every seconds, in turn: a cut, a kill -9, the LMS failing."""
    turn = ("cut", "kill9", "lms500")
    k = 0
    while True:
        await asyncio.sleep(args.fault_every)
        fault = turn[k % len(turn)]
        k += 1
        print("# %.1f min: %s" % ((time.monotonic() - start) / 60, fault), flush=True)
        await chaos_faults.strike(run, fault)


def draw(rows, png):
    data = png + ".dat"
    with open(data, "w") as f:
        for r in rows:
            f.write("%.2f %d %d %d %.0f %.0f %.3f\n" % r[:7])
    script = f"""set terminal png size 900,600
set output "{png}"
set multiplot layout 2,1 title "otrbot soak: students arriving steadily, faults now and then"
set xlabel "minutes"
set ylabel "KiB"
plot "{data}" using 1:2 with lines title "RSS", "{data}" using 1:5 with lines title "store", \
     "{data}" using 1:6 with lines title "WAL"
set ylabel "count"
plot "{data}" using 1:3 with lines title "open fds", "{data}" using 1:4 with lines title "threads", \
     "{data}" using 1:7 with lines title "lessons/s"
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(data)
    print("curve: %s" % png)


async def main_async(args):
    with tempfile.TemporaryDirectory(prefix="otrbot-soak-") as tmp:
        run = chaos.Run(args, tmp)
        try:
            rows = await soak(args, run)
            broken = await run.report_invariants()
            if args.png and rows:
                draw(rows, args.png)
            return 1 if broken else 0
        finally:
            run.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    chaos.common_arguments(p, disk_mib=64, fault_seconds=30)
    p.add_argument("--minutes", type=float, default=60)
    p.add_argument("--rate", type=float, default=0.5, help="students arriving per second")
    p.add_argument("--every", type=float, default=120, help="seconds between printed rows")
    p.add_argument("--fault-every", type=float, default=600)
    p.add_argument("--png", help="draw the curve into this PNG (gnuplot)")
    args = p.parse_args()
    chaos.run_main(main_async(args))


if __name__ == "__main__":
    main()
