#!/usr/bin/python3
"""The fault harness (not a CI test; scripts/chaos.sh builds and runs it): the real otrbot
(release build), a private Prosody with offline storage (as a usual one), a strict LMS
(test/e2e/lms.py: every grade request's OAuth signature and XML checked), a TCP proxy between
the bot and Prosody, and the store on a small filesystem of its own. Per round, N students
(python-potr, scripts/chaos_students.py) arrive over a ramp with graded LTI 1.1 launches; when
most are mid-lesson one fault strikes; the round ends when every student finished or gave up
and every finished student's grade is in. Prints a row per fault, then checks the invariants:

  every student who finished has exactly one accepted grade; no grade is accepted twice;
  every whitelisting that was answered (the pages' proofs, the admin API's 201s) is still
  there; no code went over an unverified channel; no secret or code is in the bot's logs or
  its store's files.

Exit status 1 when an invariant breaks or a student did not finish."""
import argparse
import asyncio
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import chaos_faults  # noqa: E402
import chaos_students  # noqa: E402
import devenv  # noqa: E402
import requests  # noqa: E402
from lms import OutcomeService  # noqa: E402  (test/e2e, on the path through chaos_students)

TOKEN = "chaos-admin-token"
AUTH = {"Authorization": "Bearer " + TOKEN}
FAULTS = ("kill9", "prosody", "cut", "lms500", "lmssilent", "diskfull")


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))]


class Bot:
    """otrbot runclient, restartable on the same store; one log file per run."""

    def __init__(self, binary, config, workdir):
        self.binary, self.config, self.dir = binary, config, workdir
        self.proc, self.runs, self.logs = None, 0, []

    def start(self):
        self.runs += 1
        path = os.path.join(self.dir, "bot-%d.log" % self.runs)
        self.logs.append(path)
        self.proc = subprocess.Popen([self.binary, "runclient", "--config", self.config],
                                     stdout=open(path, "wb"), stderr=subprocess.STDOUT)

    def log(self):
        with open(self.logs[-1], encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for(self, needle, count=1, timeout=120):
        deadline = time.monotonic() + timeout
        while self.log().count(needle) < count:
            if self.proc.poll() is not None:
                raise SystemExit("otrbot exited (%s); see %s" % (self.proc.returncode,
                                                                self.logs[-1]))
            if time.monotonic() > deadline:
                raise SystemExit("otrbot did not log %r within %d s; see %s"
                                 % (needle, timeout, self.logs[-1]))
            time.sleep(0.05)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Run:
    """Everything one harness run shares: Prosody, the proxy, the LMS, the bot, the disk."""

    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.accepted_at = {}  # sourcedid -> when the LMS first accepted it
        self.admin_added = []  # JIDs the admin API answered 201 for
        self.students = []

    async def setup(self, names):
        """Prosody with an account per name in `names`, the proxy, the LMS, the bot."""
        a = self.args
        self.disk = chaos_faults.SmallDisk(os.path.join(self.tmp, "disk"), a.disk_mib)
        accounts = {n + "@localhost": chaos_students.PASSWORD for n in names}
        self.bot_jid = "bot@localhost"
        accounts[self.bot_jid] = chaos_students.PASSWORD
        self.prosody = devenv.Prosody(os.path.join(self.tmp, "prosody"), accounts,
                                      log_level="warn", plain_accounts=True, offline=True,
                                      extra_modules=("smacks",) if a.smacks else ())
        self.prosody.prepare()
        self.prosody.start()
        self.proxy = chaos_faults.Proxy(self.prosody.port)
        await self.proxy.start()
        self.lms = OutcomeService()
        self.web_port = devenv.free_port()
        self.base = "http://127.0.0.1:%d" % self.web_port
        config = os.path.join(self.tmp, "otrbot.toml")
        with open(config, "w") as f:
            f.write(devenv.bot_config(self.bot_jid, chaos_students.PASSWORD, self.prosody.ca_crt,
                                      self.proxy.port, bot="""scheduled_msg_say = false
max_messages_per_minute = 0
""", lti=f"""listen = "127.0.0.1:{self.web_port}"
# Every student comes from 127.0.0.1 here: no per-address limits (as the LTI benchmark).
max_connections_per_address = 0
max_requests_per_address_per_minute = 0
[lti.consumers."test-consumer"]
secret = "test-consumer-secret"
allow_private_outcome_urls = true
""", more=f"""[admin]
token = "{TOKEN}"
[grades]
first_retry = 2
max_retry = 10
[store]
path = "{self.disk.path}/otrbot.db"
"""))
        self.bot = Bot(a.binary, config, self.tmp)
        self.bot.start()
        await self.blocking(self.bot.wait_for, "[manager] online")
        asyncio.ensure_future(self.watch_grades())

    async def blocking(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    async def watch_grades(self):
        while True:
            with self.lms.cond:
                for sid in self.lms.accepted:
                    self.accepted_at.setdefault(sid, time.monotonic())
            await asyncio.sleep(0.2)

    async def admin_adds(self, round_no, stop):
        """The admin adds JIDs while the fault runs: what was answered 201 must stay."""
        k = 0
        while not stop.is_set():
            jid = "admin%dx%d@localhost" % (round_no, k)
            k += 1
            try:
                r = await self.blocking(lambda: requests.post(
                    self.base + "/admin/whitelist", json={"jid": jid}, headers=AUTH, timeout=10))
                if r.status_code == 201:
                    self.admin_added.append(jid)
            except requests.RequestException:
                pass
            await asyncio.sleep(2)

    async def round(self, round_no, fault):
        a = self.args
        students = [chaos_students.Student(self, i, "r%ds%03d" % (round_no, i))
                    for i in range(a.students)]
        self.students += students
        tasks = []
        for i, s in enumerate(students):
            tasks.append(asyncio.ensure_future(self.later(a.ramp * i / len(students), s.lesson())))
        await asyncio.sleep(a.fault_at)
        mid = [s for s in students if s.mid_lesson]
        stop = asyncio.Event()
        adds = asyncio.ensure_future(self.admin_adds(round_no, stop))
        began = time.monotonic()
        healed = await chaos_faults.strike(self, fault)
        stop.set()
        await adds
        await asyncio.wait(tasks, timeout=a.timeout)
        finished = [s for s in students if s.page_done]
        # Every finished student's grade, however long the LMS's recovery takes the outbox.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and \
                any(s.sourcedid not in self.accepted_at for s in finished):
            await asyncio.sleep(0.5)
        recovery = []
        for s in mid:
            if fault.startswith("lms"):
                if s.sourcedid in self.accepted_at:
                    recovery.append(max(0.0, self.accepted_at[s.sourcedid] - healed))
                continue
            after = [t for t, what in s.events
                     if t >= healed and (what.startswith("bot:") or what == "page done")]
            if after:
                recovery.append(after[0] - healed)
        lessons = [s.finished - s.started for s in mid if s.finished]
        row = {"fault": fault, "mid": len(mid), "mid_finished": sum(1 for s in mid if s.page_done),
               "finished": len(finished), "students": len(students),
               "fault_s": healed - began, "rec50": percentile(recovery, 50),
               "rec99": percentile(recovery, 99), "lesson99": percentile(lessons, 99),
               "nudges": sum(1 for s in mid for _, w in s.events if w == "nudge"),
               "repeated": sum(s.repeated for s in mid)}
        print("%-10s %4d/%-4d %4d/%-4d %7.1f %8.1f %8.1f %9.1f %7d %6d" % (
            fault, row["mid_finished"], row["mid"], row["finished"], row["students"],
            row["fault_s"], row["rec50"], row["rec99"], row["lesson99"], row["nudges"],
            row["repeated"]), flush=True)
        for s in students:
            for p in s.problems:
                print("  %s: %s" % (s.jid, p), flush=True)
            if not s.page_done or (a.verbose and (s.repeated or any(w == "nudge"
                                                                      for _, w in s.events))):
                print("  %s: %s" % (s.jid, "; ".join("%+.1f %s" % (t - began, w)
                                                       for t, w in s.events)), flush=True)
        return row

    async def later(self, delay, coro):
        await asyncio.sleep(delay)
        await coro

    def invariants(self):
        """The promises, checked on what the LMS, the API and the disk say: a list of breaches."""
        broken = []
        with self.lms.cond:
            accepted = list(self.lms.accepted)
            refused = list(self.lms.refused)
            forged = [r for r in self.lms.requests if not (r[0] and r[1])]
        twice = [sid for sid, n in collections.Counter(accepted).items() if n > 1]
        if twice:
            broken.append("grades accepted twice: %s" % twice)
        if refused or forged:
            broken.append("the LMS refused %d grade request(s): %s" % (len(refused), refused[:3]))
        for s in self.students:
            if s.page_done and s.sourcedid not in accepted:
                broken.append("%s finished but the LMS has no grade for it" % s.jid)
            if not s.page_done:
                broken.append("%s did not finish (%s)" % (s.jid, "; ".join(s.problems) or
                                                          "last: %s" % (s.events[-1:],)))
            broken += ["%s: %s" % (s.jid, p) for p in s.problems if "verified" in p]
        listed = {e["jid"] for e in requests.get(self.base + "/admin/whitelist", headers=AUTH,
                                                 timeout=30).json()}
        lost = [j for j in self.admin_added + [s.jid for s in self.students if s.whitelisted]
                if j not in listed]
        if lost:
            broken.append("%d answered whitelisting(s) lost: %s" % (len(lost), lost[:5]))
        secrets = [s.secret for s in self.students] + [s.code for s in self.students if s.code]
        for path in self.bot.logs + [self.disk.path + "/otrbot.db", self.disk.path +
                                     "/otrbot.db-wal"]:
            if not os.path.exists(path):
                continue
            data = open(path, "rb").read()
            found = [x for x in secrets if x.encode() in data]
            if found:
                broken.append("%d secret(s) or code(s) in %s" % (len(found), path))
        return broken

    async def report_invariants(self):
        """Checks and prints the invariants; returns the breaches."""
        broken = await self.blocking(self.invariants)
        print("\ninvariants: %s" % ("all hold" if not broken else "%d broken" % len(broken)))
        for b in broken:
            print("  " + b)
        return broken

    def close(self):
        """Stops what set-up started, however far it got."""
        if hasattr(self, "bot"):
            self.bot.stop()
        if hasattr(self, "lms"):
            self.lms.close()
        if hasattr(self, "prosody"):
            self.prosody.stop()
        if hasattr(self, "disk"):
            self.disk.close()


async def main_async(args):
    with tempfile.TemporaryDirectory(prefix="otrbot-chaos-") as tmp:
        run = Run(args, tmp)
        try:
            await run.setup(["r%ds%03d" % (r, i) for r in range(len(args.faults))
                             for i in range(args.students)])
            print("%d students per round over %g s, the fault at %g s, faults of %g s"
                  % (args.students, args.ramp, args.fault_at, args.fault_seconds))
            print("%-10s %9s %9s %7s %8s %8s %9s %7s %6s" % (
                "fault", "mid done", "all done", "fault s", "rec p50", "rec p99", "lesson p99",
                "nudges", "twice"))
            rows = []
            for k, fault in enumerate(args.faults):
                rows.append(await run.round(k, fault))
            broken = await run.report_invariants()
            if args.keep_logs:
                for path in run.bot.logs:
                    shutil.copy(path, args.keep_logs)
            return 1 if broken else 0
        finally:
            run.close()


def common_arguments(p, disk_mib, fault_seconds):
    """What the harness and the soak both take: the bot, Prosody's modules, the store's disk."""
    p.add_argument("--binary", default=os.path.join(ROOT, "build", "release", "actors", "otrbot"))
    p.add_argument("--smacks", action="store_true",
                   help="Prosody with mod_smacks (XEP-0198 stream management)")
    p.add_argument("--disk-mib", type=int, default=disk_mib)
    p.add_argument("--fault-seconds", type=float, default=fault_seconds,
                   help="how long the LMS and the disk stay broken")
    p.add_argument("--timeout", type=float, default=300, help="seconds students may take")


def run_main(coro):
    """Runs the harness; SIGTERM (a timeout) cleans up as ^C does: the bot, Prosody, the mount."""
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(asyncio.run(coro))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(p, disk_mib=16, fault_seconds=60)
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--ramp", type=float, default=20, help="seconds over which they arrive")
    p.add_argument("--fault-at", type=float, default=15, help="seconds into the round")
    p.add_argument("--verbose", action="store_true",
                   help="the timeline of each student who had to nudge or read a line twice")
    p.add_argument("--keep-logs", help="a folder to copy the bot's logs to")
    p.add_argument("faults", nargs="*", default=list(FAULTS), metavar="FAULT",
                   help="of %s (default: all, in that order)" % ", ".join(FAULTS))
    args = p.parse_args()
    bad = [f for f in args.faults if f not in FAULTS]
    if bad:
        p.error("unknown fault(s) %s" % bad)
    run_main(main_async(args))


if __name__ == "__main__":
    main()
