#!/usr/bin/python3
"""Deterministic CPU figures: the bot's instructions per lesson and per LTI 1.1 launch, counted by
valgrind's callgrind, beside libotr's own floor counted the same way. This machine offers perf no
hardware counter (`perf stat -e instructions` says <not supported>), and CPU time varies by a
third from run to run here; instruction counts do not depend on the clock or the other processes,
so they repeat run to run (within the bot's own timers: its idle loop, a few per cent at most).

The bot runs under callgrind (about 50 times slower) with a private Prosody; its counters are
zeroed once it is settled (logged in, key pool full), then N simulated libotr students take the
whole lesson (bench.py's generator, outside valgrind), the bot refills its key pool (a lesson
costs one key), and the counters are dumped; then M presigned LTI 1.1 launches (python3-oauthlib)
and another dump. The floor (test/bench/floor.cpp under callgrind) counts only the bot's side of
the AKE, the SMP and the code line, and a key in shared DSA parameters (the pool's kind).

Usage: scripts/bench.sh instructions[:N[:M]]   (default 20 lessons, 200 launches)"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the private Prosody, the bot's settings, the load generator)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def settled(pids, share=0.25, still=3.0, timeout=1800):
    """Waits until `pids` use less than `share` of a core for `still` seconds: under valgrind the
    bot's idle loop alone costs a few per cent (bench.quiet's 5 % is never reached there)."""
    deadline = time.monotonic() + timeout
    last = sum(bench.cpu_ms(p) for p in pids)
    while time.monotonic() < deadline:
        time.sleep(still)
        now = sum(bench.cpu_ms(p) for p in pids)
        if now - last < share * still * 1000:
            return
        last = now
    raise SystemExit("bench-instructions: the bot did not settle within %d s" % timeout)


def totals(path):
    """The Ir total of one callgrind dump file."""
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + path)


def dump(pid, out_prefix, label):
    """Dumps the bot's counters now (callgrind_control) and returns that dump's Ir."""
    before = set(os.listdir(os.path.dirname(out_prefix)))
    subprocess.run(["callgrind_control", "--dump=" + label, str(pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the dump file appears once the bot's next block runs
        new = [f for f in set(os.listdir(os.path.dirname(out_prefix))) - before
               if f.startswith(os.path.basename(out_prefix))]
        if new:
            path = os.path.join(os.path.dirname(out_prefix), sorted(new)[-1])
            try:
                return totals(path)
            except (RuntimeError, IndexError):
                pass  # still being written
        time.sleep(0.2)
    raise RuntimeError("callgrind did not dump " + label)


def launches(port, count):
    """`count` LTI 1.1 launches, signed by python3-oauthlib as the bench's consumer."""
    from oauthlib import oauth1
    client = oauth1.Client("bench", client_secret="bench-secret",
                           signature_type=oauth1.SIGNATURE_TYPE_BODY)
    url = "http://127.0.0.1:%d/" % port
    ok = 0
    for i in range(count):
        params = {"lti_message_type": "basic-lti-launch-request", "lti_version": "LTI-1p0",
                  "resource_link_id": "bench", "user_id": "u%d" % i, "roles": "Learner"}
        _, headers, body = client.sign(url, http_method="POST", body=urllib.parse.urlencode(params),
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        req = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=600) as r:
            ok += r.status == 200
    return ok


def floor(args, lessons):
    """The floor's Ir per lesson (the bot's side) and per key in shared DSA parameters."""
    with tempfile.TemporaryDirectory(prefix="otrbot-floor-cg-") as tmp:
        subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no",
                        "--callgrind-out-file=" + os.path.join(tmp, "cg"), args.floor_binary,
                        "--lessons", str(lessons), "--idle", "0", "--domain-keys", "20",
                        "--student-key", os.path.join(args.keys, "s00000.key")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dumps = {}
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name)) as f:
                text = f.read()
            label = re.search(r"^desc: Trigger: (.*)$", text, re.M).group(1)
            dumps[label] = totals(os.path.join(tmp, name))
    return (dumps["Client Request: lessons"] / lessons,
            dumps["Client Request: domain keys"] / 20)


def main():
    build = os.path.join(ROOT, "build", "release")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lessons", type=int, default=20)
    p.add_argument("--launches", type=int, default=200)
    p.add_argument("--binary", default=os.path.join(build, "actors", "otrbot"))
    p.add_argument("--students-binary",
                   default=os.path.join(build, "test", "bench", "otrbot_bench_students"))
    p.add_argument("--floor-binary", default=os.path.join(build, "test", "bench", "otrbot_bench_floor"))
    p.add_argument("--keys", default=os.path.join(ROOT, "build", "bench-keys"))
    p.add_argument("--keep", help="copy callgrind's dumps into this folder (callgrind_annotate "
                                   "reads where the instructions went)")
    args = p.parse_args()
    for tool in ("valgrind", "callgrind_control"):
        if subprocess.run(["which", tool], stdout=subprocess.DEVNULL).returncode:
            sys.exit("bench-instructions: %s is missing: run scripts/install-deps.sh" % tool)
    # bench.Setup's settings, the bot under callgrind (its counters zeroed once it is settled).
    args.threads, args.workers, args.timeout, args.settle = 0, 0, 3600, settled
    real = args.binary
    with tempfile.TemporaryDirectory(prefix="otrbot-bench-cg-") as tmp:
        out = os.path.join(tmp, "callgrind.out")
        wrapper = os.path.join(tmp, "otrbot-under-callgrind")
        with open(wrapper, "w") as f:
            # The allocator the bot asks for (actors/app/main.cpp), given here: it would start
            # itself again with it, which valgrind cannot follow.
            f.write('#!/bin/sh\nGLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.perturb=90 '
                    'exec valgrind --tool=callgrind --callgrind-out-file=%s --log-file=%s/valgrind.log '
                    '%s "$@"\n' % (out, tmp, real))
        os.chmod(wrapper, 0o755)
        args.binary = wrapper
        print("== instructions (valgrind's callgrind): %d lessons, %d LTI 1.1 launches"
              % (args.lessons, args.launches))
        s = bench.Setup(args, tmp, args.lessons, args.lessons)
        try:
            pid = s.bot.pid
            settled(s.pids)
            subprocess.run(["callgrind_control", "--zero", str(pid)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            gen = subprocess.run(s.students_cmd(args.lessons, max(1.0, args.lessons / 2.0)),
                                 stdout=subprocess.PIPE, text=True, env=s.students_env())
            rows = [line.split("\t") for line in gen.stdout.splitlines() if line.startswith("S\t")]
            done = sum(1 for r in rows if r[2] == "-")
            if done != args.lessons:
                sys.exit("bench-instructions: %d of %d lessons completed" % (done, args.lessons))
            settled(s.pids)  # the pool refilled: a key per lesson
            per_lesson = dump(pid, out, "lessons") / args.lessons
            s.log.count("")  # read to the end
            web = int(re.search(r"web pages on http://127\.0\.0\.1:(\d+)/", s.log.text).group(1))
            ok = launches(web, args.launches)
            if ok != args.launches:
                sys.exit("bench-instructions: %d of %d launches accepted" % (ok, args.launches))
            settled(s.pids)
            per_launch = dump(pid, out, "launches") / args.launches
        finally:
            s.close()
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                for name in os.listdir(tmp):
                    if name.startswith("callgrind.out"):
                        shutil.copy(os.path.join(tmp, name), args.keep)
    floor_lesson, floor_key = floor(args, min(args.lessons, 10))
    print("bot: %.1f M instructions per lesson (its key included), %.2f M per LTI 1.1 launch"
          % (per_lesson / 1e6, per_launch / 1e6))
    print("libotr floor, the bot's side: AKE + SMP + code %.1f M, a key in shared DSA parameters "
          "%.1f M: %.1f M per lesson" % (floor_lesson / 1e6, floor_key / 1e6,
                                         (floor_lesson + floor_key) / 1e6))
    print("bot / floor = %.2f" % (per_lesson / (floor_lesson + floor_key)))


if __name__ == "__main__":
    main()
