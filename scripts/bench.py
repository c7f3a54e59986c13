#!/usr/bin/python3
"""The lecture-hall benchmark: the real otrbot and a private Prosody, N simulated libotr
students (test/bench, C++) through the whole lesson over a ramp; the libotr floor measured
in the same run. Prints figures; asserts nothing. Usage: see scripts/bench.sh."""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from bench_metrics import histograms, own_latency  # noqa: E402
from bench_pages import PageProbe  # noqa: E402
from bench_setup import (PASSWORD, SECRET, LogWatch, Setup, children_cpu_ms,  # noqa: E402,F401
                         cpu_ms, percentile, quiet, rss_kib)
STAGES = [  # name, from column, to column (of the generator's rows)
    ("connect", "start", "connected"), ("first reply", "hello", "first_reply"),
    ("to encrypted", "query", "encrypted"), ("SMP", "smp_start", "smp_done"),
    ("code after SMP", "smp_done", "code"), ("whole lesson", "start", "code")]
COLUMNS = ["connected", "hello", "first_reply", "query", "encrypted", "smp_start", "smp_done",
           "code"]


def floor(args, lessons=20):
    """The libotr floor for one side, and libotr's own memory per idle user state."""
    key = os.path.join(args.keys, "s00000.key")
    out = subprocess.run([args.floor_binary, "--lessons", str(lessons), "--idle", "1000",
                          "--student-key", key], capture_output=True, text=True, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines()]
    f = [list(map(float, r[1:])) for r in rows if r[0] == "F"]
    mem = [float(r[1]) for r in rows if r[0] == "M"]
    domain = [float(r[1]) for r in rows if r[0] == "D"]
    avg = lambda i: sum(r[i] for r in f) / len(f)  # noqa: E731
    return {"key": avg(0), "ake": avg(1), "smp": avg(2), "student": avg(3),
            "bot": avg(0) + avg(1) + avg(2), "libotr_idle_bytes": mem[0] if mem else 0,
            "domain_key": domain[0] if domain else float("nan")}


def lessons(args, count, ramp, shards=1, tutor=False):
    """One run of `count` students over `ramp` seconds against the bot (or `shards` bots), or
    against the minimal tutor; prints the figures and returns the main ones."""
    print("\n== %d students over %g s (%s%s%s)"
          % (count, ramp, "the minimal tutor: one thread, its keys made ahead" if tutor else
             "key_pool = %d, typing off" % args.pool, ", %d bot processes and accounts" % shards
             if shards > 1 else "", ", the students at nice %d" % args.students_nice
             if args.students_nice else ""))
    with tempfile.TemporaryDirectory(prefix="otrbot-bench-") as tmp:
        s = Setup(args, tmp, count, args.pool, shards, tutor=tutor)
        try:
            cpu0, rss0 = s.cpu_ms(), s.rss_kib()
            server0 = cpu_ms(s.prosody.proc.pid)
            kids0 = children_cpu_ms()
            perf = None
            if args.perf and not tutor:  # linux-perf, sampling the bot's threads during the run
                who = ["-a"] if args.perf_all else ["-p", str(s.bot.pid)]
                perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", args.perf]
                                        + who, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            probe = PageProbe(s.web_ports[0]).start() if args.pages and not tutor else None
            gen = subprocess.Popen(s.students_cmd(count, ramp), stdout=subprocess.PIPE, text=True,
                                   env=s.students_env())
            rows = []
            started = None
            for line in gen.stdout:
                if line.startswith("# ready"):
                    started = time.monotonic()
                    cpu0 = s.cpu_ms()
                elif line.startswith("S\t"):
                    rows.append(line.rstrip("\n").split("\t"))
            gen.wait()
            wall = time.monotonic() - (started or time.monotonic())
            cpu_run = s.cpu_ms() - cpu0  # the lessons alone, no key made after them
            pages = probe.stop() if probe else None
            if not tutor:
                bot_side = own_latency(s.metrics_ports[0])
                crypto = histograms(s.metrics_ports[0], "otrbot_crypto_job_seconds", "phase")
                served = histograms(s.metrics_ports[0], "otrbot_http_request_duration_seconds",
                                    "route")
                writes = histograms(s.metrics_ports[0], "otrbot_store_write_duration_seconds")
            if perf:
                perf.send_signal(2)
                perf.wait()
            others = {"Prosody": cpu_ms(s.prosody.proc.pid) - server0,
                      "the students (generator)": children_cpu_ms() - kids0}
            rss1 = s.rss_kib()  # every session still open
            # The keys used are made again (the makers keep the bot busy until the pool is
            # full): counted, so the CPU per lesson holds one key per lesson.
            quiet(s.pids, still=1.5, timeout=900)
            cpu1 = s.cpu_ms()
            starts = []
            for log in s.logs:
                log.count("")  # read to the end
                starts += key_waits(log.text)
        finally:
            s.close()
    base = floor(args)
    figures = report(rows, wall, cpu1 - cpu0, rss1 - rss0, base, others,
                     "tutor" if tutor else "bot")
    figures["cpu_run"] = cpu_run / max(figures["done"], 1)
    if tutor:
        print("tutor CPU per lesson during the run %.0f ms (its keys were made before it: "
              "libotr's key costs %.0f ms)" % (figures["cpu_run"], base["key"]))
        return figures
    print("bot CPU per lesson during the run %.0f ms (the keys it made after it not counted)"
          % figures["cpu_run"])
    print("session start (created -> its key installed, from the bot's log): p50 %.0f ms, "
          "p99 %.0f ms, max %.0f ms" % (percentile(starts, 50), percentile(starts, 99),
                                        max(starts, default=float("nan"))))
    for kind, (n, p50, p99) in sorted(bot_side.items()):
        print("bot-side %-6s (a student's message in -> the bot's next message to them out, its "
              "own /metrics%s): %d, p50 %.0f ms, p99 %.0f ms"
              % (kind, "" if shards == 1 else ", bot 0", n, p50, p99))
    for phase, (n, p50, p99) in sorted(crypto.items()):
        print("bot-side crypto %-6s (AKE and SMP calls on the cryptography threads): %d, "
              "p50 %.0f ms, p99 %.0f ms" % (phase, n, p50, p99))
    n, p50, p99 = writes.get("", (0, float("nan"), float("nan")))
    print("bot-side store writes (one change to disk each, on the store's thread): %d, p50 %.1f ms, "
          "p99 %.1f ms" % (n, p50, p99))
    if pages is not None:
        n, p50, p99 = served.get("launch", (0, float("nan"), float("nan")))
        print("pages: %d LTI launches at 10/s during the run (%d failed): the client's p50 %.0f ms, "
              "p99 %.0f ms; bot-side service p50 %.0f ms, p99 %.0f ms"
              % (len(pages), probe.failed, percentile(pages, 50), percentile(pages, 99), p50, p99))
    return figures


def versus(args, count, ramp):
    """The bot and the minimal tutor (test/bench/tutor.cpp) in one run each, the same set-up,
    one after the other; then the ratios the lecture-hall issue asks for."""
    bot = lessons(args, count, ramp)
    tutor = lessons(args, count, ramp, tutor=True)
    ratio = lambda k: bot[k] / tutor[k] if tutor[k] else float("nan")  # noqa: E731
    print("\n== otrbot / the minimal tutor, %d students over %g s" % (count, ramp))
    print("lessons/s %.2f (%.1f / %.1f; at least 1.1 wanted)"
          % (ratio("rate"), bot["rate"], tutor["rate"]))
    print("p99 lesson %.2f (%.0f / %.0f ms; at most 0.9 wanted)"
          % (ratio("p99"), bot["p99"], tutor["p99"]))
    print("CPU per lesson %.2f (%.0f / %.0f ms, the bot's keys included, the tutor's not; at "
          "most 0.7 wanted); during the run only %.2f (%.0f / %.0f ms)"
          % (ratio("cpu"), bot["cpu"], tutor["cpu"], ratio("cpu_run"), bot["cpu_run"],
             tutor["cpu_run"]))


STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*"


def key_waits(text):
    """ms from "session started for J" to "OTR key ready for J", per session."""
    started, out = {}, []
    for m in re.finditer(STAMP + r"(session started for|OTR key ready for) ([^\s:]+)", text,
                         re.M):
        t = time.mktime(time.strptime(m.group(1)[:19], "%Y-%m-%d %H:%M:%S")) + \
            int(m.group(1)[20:]) / 1000.0
        if m.group(2) == "session started for":
            started[m.group(3)] = t
        elif m.group(3) in started:
            out.append((t - started.pop(m.group(3))) * 1000.0)
    return out


def report(rows, wall, bot_cpu, rss_delta, base, others, who="bot"):
    done = [r for r in rows if r[2] == "-"]
    failed = [r for r in rows if r[2] != "-"]
    reasons = {}
    for r in failed:
        reasons[r[2]] = reasons.get(r[2], 0) + 1
    print("completed %d/%d, failed %d%s" % (len(done), len(rows), len(failed),
          "".join("\n  %d: %s" % (n, why) for why, n in sorted(reasons.items()))))
    print("lessons/s %.1f (%d in %.1f s from the first arrival)" % (len(done) / max(wall, 1e-9),
          len(done), wall))
    print("%-16s %9s %9s %9s" % ("ms", "p50", "p90", "p99"))
    for name, a, b in STAGES:
        vals = []
        for r in done:
            t = dict(zip(COLUMNS, map(float, r[3:11])), start=0.0)
            vals.append(t[b] - t[a])
        print("%-16s %9.0f %9.0f %9.0f" % (name, percentile(vals, 50), percentile(vals, 90),
                                          percentile(vals, 99)))
    per = bot_cpu / max(len(done), 1)
    print("%s CPU per lesson %.0f ms (%s); RSS per session %.1f KiB"
          % (who, per, "its key included" if who == "bot" else "its keys made ahead",
             rss_delta / max(len(rows), 1)))
    print("CPU per lesson of the others on the machine: %s" % ", ".join(
        "%s %.0f ms" % (k, v / max(len(done), 1)) for k, v in others.items()))
    print("libotr floor, one side: key %.0f + AKE %.0f + SMP and code %.0f = %.0f ms "
          "(the student's side: %.0f ms)" % (base["key"], base["ake"], base["smp"], base["bot"],
                                              base["student"]))
    print("%s / floor = %.2f; without libotr's key generation (AKE + SMP only, %.0f ms; a key "
          "in shared DSA parameters costs %.1f ms): %.2f"
          % (who, per / base["bot"], base["ake"] + base["smp"], base["domain_key"],
             per / (base["ake"] + base["smp"])))
    whole = []
    for r in done:
        whole.append(float(r[10]))  # code, ms from the student's start
    return {"done": len(done), "rate": len(done) / max(wall, 1e-9), "p99": percentile(whole, 99),
            "cpu": per}


def idle(args, count, ramp):
    print("\n== %d idle students online, arriving over %g s (key_pool = %d)"
          % (count, ramp, args.pool))
    with tempfile.TemporaryDirectory(prefix="otrbot-bench-") as tmp:
        s = Setup(args, tmp, count, args.pool)
        try:
            rss0 = rss_kib(s.bot.pid)
            keyed = s.log.count("OTR key ready for")
            gen = subprocess.Popen(s.students_cmd(count, ramp, idle=True), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, env=s.students_env())
            online = 0
            for line in gen.stdout:
                if line.startswith("# online"):
                    online = int(line.split()[2])
                    break
            s.log.wait("OTR key ready for", keyed + online, s.bot, timeout=900)
            quiet([s.bot.pid, s.prosody.proc.pid])
            rss1 = rss_kib(s.bot.pid)
            gen.stdin.write("stop\n")
            gen.stdin.close()
            failed = [line for line in gen.stdout if line.startswith("S\t") and
                      line.split("\t")[2] != "-"]
            gen.wait()
        finally:
            s.close()
    base = floor(args, lessons=1)
    per = (rss1 - rss0) * 1024.0 / max(online, 1)
    print("%d sessions, %d students failed to come online" % (online, len(failed)))
    print("bot RSS per idle session %.1f KiB; libotr's own (a user state with a key) %.1f KiB; "
          "beyond libotr %.1f KiB" % (per / 1024, base["libotr_idle_bytes"] / 1024,
                                      (per - base["libotr_idle_bytes"]) / 1024))


def login(args, count):
    """The bot's login with `count` whitelisted students, then again with the roster it left,
    for each of Prosody's roster storages: Prosody's CPU for each, side by side."""
    print("\n== the bot's login with %d whitelisted students (key_pool = 0)" % count)
    wanted = args.roster_storage
    storages = (wanted,) if wanted else ("internal", "sql")
    if count > 2000 and "internal" in storages:  # it grows with the square of the roster
        print("Prosody's roster storage: internal: not measured past 2,000 students")
        storages = ("sql",)
    for storage in storages:
        print("Prosody's roster storage: %s" % storage)
        args.roster_storage = storage
        with tempfile.TemporaryDirectory(prefix="otrbot-bench-") as tmp:
            s = Setup(args, tmp, count, 0)
            try:
                s.login_again(0)
            finally:
                s.close()
    args.roster_storage = wanted


def main():
    build = os.path.join(ROOT, "build", "release")
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("scenario", nargs="*", default=["lessons:100:10", "lessons:300:10",
                                                   "lessons:1000:100", "idle:1000:100"],
                   help="lessons:N:RAMP_SECONDS[:BOTS] (BOTS processes with an account each, "
                        "students sharded over them), versus:N:RAMP_SECONDS (the bot, then the "
                        "minimal tutor, test/bench/tutor.cpp, in the same set-up: the ratios) or idle:N[:RAMP_SECONDS] (default ramp 100 s; default: the four of the README)")
    p.add_argument("--binary", default=os.path.join(build, "actors", "otrbot"))
    p.add_argument("--students-binary",
                   default=os.path.join(build, "test", "bench", "otrbot_bench_students"))
    p.add_argument("--floor-binary", default=os.path.join(build, "test", "bench",
                                                          "otrbot_bench_floor"))
    p.add_argument("--tutor-binary", default=os.path.join(build, "test", "bench",
                                                          "otrbot_bench_tutor"))
    p.add_argument("--keys", default=os.path.join(ROOT, "build", "bench-keys"),
                   help="the students' OTR keys, made once and kept here")
    p.add_argument("--pool", type=int, default=256, help="the bot's [bot] key_pool")
    p.add_argument("--timeout", type=float, default=600, help="seconds a student waits")
    p.add_argument("--threads", type=int, default=0,
                   help="the bot's [bot] worker_threads (0: its default)")
    p.add_argument("--pages", action="store_true",
                   help="lessons: LTI launches at 10/s during the run, timed (client and bot)")
    p.add_argument("--students-nice", type=int, default=0,
                   help="run the simulated students at this nice value (their libotr work "
                        "below the bot's, as on their own devices; default 0: beside it)")
    p.add_argument("--roster-storage", choices=("internal", "sql"),
                   help="Prosody's storage for rosters (default: Prosody's own, internal)")
    p.add_argument("--perf", help="record the bot with perf into this file during each run")
    p.add_argument("--perf-all", action="store_true", help="with --perf: the whole machine")
    p.add_argument("--workers", type=int, default=0,
                   help="the generator's worker processes (default: one per 50 students, "
                        "at least 4)")
    args = p.parse_args()
    os.makedirs(args.keys, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # a socket per student
    for tool in ("prosody", "openssl"):
        if not shutil.which(tool):
            raise SystemExit("bench: %s is missing (scripts/install-deps.sh installs it)" % tool)
    print("machine: %d cores; otrbot, Prosody and the students share them" % os.cpu_count())
    for sc in args.scenario:
        kind, *nums = sc.split(":")
        if kind == "lessons" and len(nums) in (2, 3):
            lessons(args, int(nums[0]), float(nums[1]), int(nums[2]) if len(nums) == 3 else 1)
        elif kind == "versus" and len(nums) == 2:
            versus(args, int(nums[0]), float(nums[1]))
        elif kind == "login" and len(nums) == 1:
            login(args, int(nums[0]))
        elif kind == "idle" and len(nums) in (1, 2):
            idle(args, int(nums[0]), float(nums[1]) if len(nums) == 2 else 100)
        else:
            raise SystemExit("bench: unknown scenario %r" % sc)


if __name__ == "__main__":
    main()
