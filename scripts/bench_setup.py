"""The lecture-hall benchmark's set-up (scripts/bench.py and its siblings): a private Prosody
with N student accounts and the bot, or the minimal tutor (test/bench/tutor.cpp) in its place,
settled and ready to measure; and the small measures they share (CPU, RSS, a quiet machine)."""
import os
import resource
import subprocess
import time

import devenv

SECRET = "correct horse battery"
PASSWORD = "bench-pw-1"
TICK = os.sysconf("SC_CLK_TCK")


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
                raise SystemExit("%s exited (%s); see %s" % (os.path.basename(proc.args[0]),
                                                             proc.returncode, self.path))
            if time.monotonic() > deadline:
                raise SystemExit("the log has %r %d times, not %d, within %d s; see %s"
                                 % (needle, self.count(needle), count, timeout, self.path))
            time.sleep(0.05)


class Setup:
    """A private Prosody with N students and the bot (or `shards` bots, one account and
    process each, student i on the (i mod shards)-th), settled, ready to measure."""

    def __init__(self, args, tmp, students, pool, shards=1, tutor=False):
        self.args, self.tmp, self.students = args, tmp, students
        self.prosody, self.bots, self.logs, self.configs = None, [], [], []
        try:
            self._start(students, pool, shards, tutor)
        except BaseException:
            self.close()  # nothing is left running when the set-up fails
            raise

    def _start(self, students, pool, shards, tutor):
        args, tmp = self.args, self.tmp
        self.jids = ["tutor@localhost"] if tutor else ["bot@localhost"] if shards == 1 else \
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
        if tutor:
            self._start_tutor(students)
            return
        server0, started = cpu_ms(self.prosody.proc.pid), time.monotonic()
        for k, jid in enumerate(self.jids):
            whitelist = "".join('[whitelist."s%05d@localhost"]\nlocale = "en_GB"\n' % i
                                for i in range(k, students, shards))
            config = os.path.join(tmp, "bot%d.toml" % k)
            with open(config, "w") as f:
                f.write(devenv.bot_config(jid, PASSWORD, self.prosody.ca_crt, self.prosody.port,
                                          bot=f"""default_secret = "{SECRET}"
scheduled_msg_say = false
max_messages_per_minute = 0
warning_timeout = 86000
session_timeout = 86400
key_pool = {pool}
worker_threads = {args.threads}
""", lti=f"""listen = "127.0.0.1:{self.web_ports[k]}"
max_requests_per_address_per_minute = 0
max_connections_per_address = 0
[lti.consumers."bench"]
secret = "bench-secret"
""", more=f"""{whitelist}
[metrics]
listen = "127.0.0.1:{self.metrics_ports[k]}"
[store]
path = "{tmp}/bot{k}.db"
"""))
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

    def _start_tutor(self, students):
        """The minimal tutor in the bot's place: one process, its keys made ahead (cached in
        KEYS/tutor the first time, with libotr), online when it says so."""
        keys = os.path.join(self.args.keys, "tutor")
        os.makedirs(keys, exist_ok=True)
        log_path = os.path.join(self.tmp, "tutor.log")
        self.logs.append(LogWatch(log_path))
        with open(log_path, "ab") as out:
            self.bots.append(subprocess.Popen(
                [self.args.tutor_binary, "--jid", self.jids[0], "--password", PASSWORD,
                 "--port", str(self.prosody.port), "--ca", self.prosody.ca_crt, "--keys", keys,
                 "--students", str(students), "--secret", SECRET],
                stdout=out, stderr=subprocess.STDOUT))
        self.logs[-1].wait("# tutor online", 1, self.bots[-1], timeout=3600)
        quiet(self.pids + [self.prosody.proc.pid])
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
