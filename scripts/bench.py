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
import devenv  # noqa: E402
from bench_metrics import histograms, own_latency  # noqa: E402
from bench_pages import PageProbe  # noqa: E402

SECRET = "correct horse battery"
PASSWORD = "bench-pw-1"
TICK = os.sysconf("SC_CLK_TCK")
STAGES = [  # name, from column, to column (of the generator's rows)
    ("connect", "start", "connected"), ("first reply", "hello", "first_reply"),
    ("to encrypted", "query", "encrypted"), ("SMP", "smp_start", "smp_done"),
    ("code after SMP", "smp_done", "code"), ("whole lesson", "start", "code")]
COLUMNS = ["connected", "hello", "first_reply", "query", "encrypted", "smp_start", "smp_done",
           "code"]


def cpu_ms(pid):
    """User + system CPU of a process so far, in ms (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


def children_cpu_ms():
    """CPU of this process's children that have ended (and their waited-for children)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000.0


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def quiet(pids, still=1.0, timeout=600):
    """Waits until none of `pids` used CPU for `still` seconds (the roster sync after login,
    a pool refill): an event the benchmark can see, not a fixed sleep."""
    deadline = time.monotonic() + timeout
    last = [cpu_ms(p) for p in pids]
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = [cpu_ms(p) for p in pids]
        if sum(now) - sum(last) > 10:  # more than 10 ms of CPU in 0.2 s: still working
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= still:
            return
    raise SystemExit("the bot and Prosody did not settle within %d s" % timeout)


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


class LogWatch:
    """Counts a text in the bot's log as it grows, reading only what is new."""

    def __init__(self, path):
        self.path, self.offset, self.text = path, 0, ""

    def count(self, needle):
        with open(self.path, encoding="utf-8", errors="replace") as f:
            f.seek(self.offset)
            new = f.read()
        self.offset += len(new.encode("utf-8", errors="replace"))
        self.text += new
        return self.text.count(needle)

    def wait(self, needle, count, proc, timeout=600):
        deadline = time.monotonic() + timeout
        while self.count(needle) < count:
            if proc.poll() is not None:
                raise SystemExit("otrbot exited (%s); see %s" % (proc.returncode, self.path))
            if time.monotonic() > deadline:
                raise SystemExit("otrbot logged %r %d times, not %d, within %d s; see %s"
                                 % (needle, self.count(needle), count, timeout, self.path))
            time.sleep(0.05)


class Setup:
    """A private Prosody with N students and the bot (or `shards` bots, one account and
    process each, student i on the (i mod shards)-th), settled, ready to measure."""

    def __init__(self, args, tmp, students, pool, shards=1):
        self.args, self.tmp, self.students = args, tmp, students
        self.prosody, self.bots, self.logs, self.configs = None, [], [], []
        try:
            self._start(students, pool, shards)
        except BaseException:
            self.close()  # nothing is left running when the set-up fails
            raise

    def _start(self, students, pool, shards):
        args, tmp = self.args, self.tmp
        self.jids = ["bot@localhost"] if shards == 1 else \
            ["bot%d@localhost" % k for k in range(shards)]
        accounts = {jid: PASSWORD for jid in self.jids}
        self.metrics_ports = [devenv.free_port() for _ in self.jids]
        self.web_ports = [devenv.free_port() for _ in self.jids]
        accounts.update({"s%05d@localhost" % i: PASSWORD for i in range(students)})
        self.prosody = devenv.Prosody(os.path.join(tmp, "prosody"), accounts,
                                      log_level="warn", plain_accounts=True,
                                      roster_storage=getattr(args, "roster_storage", None))
        self.prosody.prepare()
        self.prosody.start()
        server0, started = cpu_ms(self.prosody.proc.pid), time.monotonic()
        for k, jid in enumerate(self.jids):
            whitelist = "".join('[whitelist."s%05d@localhost"]\nlocale = "en_GB"\n' % i
                                for i in range(k, students, shards))
            config = os.path.join(tmp, "bot%d.toml" % k)
            with open(config, "w") as f:
                f.write(f"""[xmpp]
default_account = "{jid}"
ca_certs = "{self.prosody.ca_crt}"
[xmpp.accounts."{jid}"]
password = "{PASSWORD}"
host = "127.0.0.1"
port = {self.prosody.port}
[bot]
default_secret = "{SECRET}"
scheduled_msg_say = false
max_messages_per_minute = 0
warning_timeout = 86000
session_timeout = 86400
key_pool = {pool}
worker_threads = {args.threads}
{whitelist}
[metrics]
listen = "127.0.0.1:{self.metrics_ports[k]}"
[lti]
listen = "127.0.0.1:{self.web_ports[k]}"
max_requests_per_address_per_minute = 0
max_connections_per_address = 0
[lti.consumers."bench"]
secret = "bench-secret"
[store]
path = "{tmp}/bot{k}.db"
[log]
level = "info"
syslog = false
""")
            self.configs.append(config)
        self._login(pool, started, server0, "a subscription per whitelisted student, %d"
                    % students)

    def _login(self, pool, started, server0, what):
        """Starts the bots, waits until they are online (and their key pools full) and the
        roster sync is over; prints the time and Prosody's CPU since `started`/`server0`."""
        self.bots, self.logs = [], []
        for k, config in enumerate(self.configs):
            log_path = os.path.join(self.tmp, "bot%d.log" % k)
            out = open(log_path, "ab")
            self.logs.append(LogWatch(log_path))
            self.logs[-1].offset = out.tell()  # what an earlier run of the bot wrote is not read
            self.bots.append(subprocess.Popen([self.args.binary, "runclient", "--config", config],
                                              stdout=out, stderr=subprocess.STDOUT))
        for bot, log in zip(self.bots, self.logs):
            log.wait("[manager] online", 1, bot)
            if pool:
                log.wait("key pool full", 1, bot)
        # the roster sync for the whitelist (args.settle: another way to wait, for a bot under
        # valgrind, whose idle loop alone is over quiet's threshold)
        (getattr(self.args, "settle", None) or quiet)(self.pids + [self.prosody.proc.pid])
        print("the bot's login and roster sync (%s): %.1f s, Prosody's CPU %.1f s"
              % (what, time.monotonic() - started,
                 (cpu_ms(self.prosody.proc.pid) - server0) / 1e3))
        self.bot, self.log = self.bots[0], self.logs[0]

    def login_again(self, pool):
        """Stops the bots and starts them again: a login with the roster the first one left."""
        self.stop_bots()
        self._login(pool, time.monotonic(), cpu_ms(self.prosody.proc.pid),
                    "again, the roster unchanged")

    @property
    def pids(self):
        return [b.pid for b in self.bots]

    def cpu_ms(self):
        return sum(cpu_ms(p) for p in self.pids)

    def rss_kib(self):
        return sum(rss_kib(p) for p in self.pids)

    def students_cmd(self, count, ramp, idle=False):
        cmd = [self.args.students_binary, "--port", str(self.prosody.port),
               "--bot", ",".join(self.jids), "--password", PASSWORD, "--ca", self.prosody.ca_crt,
               "--keys", self.args.keys, "--secret", SECRET, "--students", str(count),
               "--ramp", str(ramp), "--workers", str(self.args.workers or max(4, (count + 49) // 50)),
               "--timeout", str(self.args.timeout)]
        cmd += ["--idle"] if idle else []
        if getattr(self.args, "students_nice", 0):  # as if on the students' own devices
            cmd = ["nice", "-n", str(self.args.students_nice)] + cmd
        return cmd

    def students_env(self):
        # libstrophe makes an OpenSSL context per connection and loads OpenSSL's default
        # trust store into each (the whole system bundle, parsed again per student): point
        # the defaults at the test CA, which the students trust anyway.
        return dict(os.environ, SSL_CERT_FILE=self.prosody.ca_crt,
                    SSL_CERT_DIR=os.path.join(self.tmp, "no-cert-dir"))

    def close(self):
        self.stop_bots()
        if self.prosody:
            self.prosody.stop()

    def stop_bots(self):
        for bot in self.bots:
            if bot.poll() is None:
                bot.terminate()
        for bot in self.bots:
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()


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


def lessons(args, count, ramp, shards=1):
    print("\n== %d students over %g s (key_pool = %d, typing off%s%s)"
          % (count, ramp, args.pool, ", %d bot processes and accounts" % shards
             if shards > 1 else "", ", the students at nice %d" % args.students_nice
             if args.students_nice else ""))
    with tempfile.TemporaryDirectory(prefix="otrbot-bench-") as tmp:
        s = Setup(args, tmp, count, args.pool, shards)
        try:
            cpu0, rss0 = s.cpu_ms(), s.rss_kib()
            server0 = cpu_ms(s.prosody.proc.pid)
            kids0 = children_cpu_ms()
            perf = None
            if args.perf:  # linux-perf, sampling the bot's threads during the run
                who = ["-a"] if args.perf_all else ["-p", str(s.bot.pid)]
                perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", args.perf]
                                        + who, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            probe = PageProbe(s.web_ports[0]).start() if args.pages else None
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
            pages = probe.stop() if probe else None
            bot_side = own_latency(s.metrics_ports[0])
            crypto = histograms(s.metrics_ports[0], "otrbot_crypto_job_seconds", "phase")
            served = histograms(s.metrics_ports[0], "otrbot_http_request_duration_seconds",
                                "route")
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
    report(rows, wall, cpu1 - cpu0, rss1 - rss0, base, others)
    print("session start (created -> its key installed, from the bot's log): p50 %.0f ms, "
          "p99 %.0f ms, max %.0f ms" % (percentile(starts, 50), percentile(starts, 99),
                                        max(starts, default=float("nan"))))
    for kind, (count, p50, p99) in sorted(bot_side.items()):
        print("bot-side %-6s (a student's message in -> the bot's next message to them out, its "
              "own /metrics%s): %d, p50 %.0f ms, p99 %.0f ms"
              % (kind, "" if shards == 1 else ", bot 0", count, p50, p99))
    for phase, (count, p50, p99) in sorted(crypto.items()):
        print("bot-side crypto %-6s (AKE and SMP calls on the cryptography threads): %d, "
              "p50 %.0f ms, p99 %.0f ms" % (phase, count, p50, p99))
    if pages is not None:
        n, p50, p99 = served.get("launch", (0, float("nan"), float("nan")))
        print("pages: %d LTI launches at 10/s during the run (%d failed): the client's p50 %.0f ms, "
              "p99 %.0f ms; bot-side service p50 %.0f ms, p99 %.0f ms"
              % (len(pages), probe.failed, percentile(pages, 50), percentile(pages, 99), p50, p99))


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


def report(rows, wall, bot_cpu, rss_delta, base, others):
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
    print("bot CPU per lesson %.0f ms (its key included); RSS per session %.1f KiB"
          % (per, rss_delta / max(len(rows), 1)))
    print("CPU per lesson of the others on the machine: %s" % ", ".join(
        "%s %.0f ms" % (k, v / max(len(done), 1)) for k, v in others.items()))
    print("libotr floor, one side: key %.0f + AKE %.0f + SMP and code %.0f = %.0f ms "
          "(the student's side: %.0f ms)" % (base["key"], base["ake"], base["smp"], base["bot"],
                                              base["student"]))
    print("bot / floor = %.2f; without libotr's key generation (AKE + SMP only, %.0f ms; a key "
          "in shared DSA parameters costs %.1f ms): %.2f"
          % (per / base["bot"], base["ake"] + base["smp"], base["domain_key"],
             per / (base["ake"] + base["smp"])))


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
                        "students sharded over them) or idle:N[:RAMP_SECONDS] (default ramp 100 s; default: the four of the README)")
    p.add_argument("--binary", default=os.path.join(build, "actors", "otrbot"))
    p.add_argument("--students-binary",
                   default=os.path.join(build, "test", "bench", "otrbot_bench_students"))
    p.add_argument("--floor-binary", default=os.path.join(build, "test", "bench",
                                                          "otrbot_bench_floor"))
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
        elif kind == "login" and len(nums) == 1:
            login(args, int(nums[0]))
        elif kind == "idle" and len(nums) in (1, 2):
            idle(args, int(nums[0]), float(nums[1]) if len(nums) == 2 else 100)
        else:
            raise SystemExit("bench: unknown scenario %r" % sc)


if __name__ == "__main__":
    main()
