"""End-to-end harness: the real otrbot binary, a private Prosody, and a
slixmpp student. Waits on events (log lines, stanzas, ports), never on a
fixed sleep."""
import asyncio
import os
import re
import signal
import subprocess
import sys
import time

import slixmpp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import devenv  # noqa: E402

BINARY = os.environ.get("OTRBOT_BINARY", os.path.join(ROOT, "build", "debug", "actors", "otrbot"))
TIMEOUT = float(os.environ.get("OTRBOT_E2E_TIMEOUT", "60"))


CONSUMER_KEY = "test-consumer"
CONSUMER_SECRET = "test-consumer-secret"


def bot_config(server, bot="bot@localhost", password="botpw", whitelist=("student@localhost",),
               extra="", xmpp_extra="", account_extra="", log_extra="", web_port=None,
               lti_extra="", admin_token="", tail="", strict_outcomes=False):
    """A config for the bot against `server` (a devenv.Prosody); its web
    pages on a free port of their own (`web_port`); `tail` adds tables at the end. The tests'
    LMS listens on 127.0.0.1: its consumer allows private grade URLs unless `strict_outcomes`."""
    wl = "".join('[whitelist."%s"]\nlocale = "en_GB"\n' % j for j in whitelist)
    port = web_port or devenv.free_port()
    # Tests do not wait for typing, unless they test it.
    typing = "" if "scheduled_msg_say" in extra else "scheduled_msg_say = false"
    lti = f"""[lti]
listen = "127.0.0.1:{port}"
{lti_extra}
[lti.consumers."{CONSUMER_KEY}"]
secret = "{CONSUMER_SECRET}"
allow_private_outcome_urls = {"false" if strict_outcomes else "true"}
[admin]
token = "{admin_token}"
"""
    return f"""[xmpp]
default_account = "{bot}"
ca_certs = "{server.ca_crt}"
{xmpp_extra}
[xmpp.accounts."{bot}"]
password = "{password}"
host = "127.0.0.1"
port = {server.port}
{account_extra}
[bot]
{typing}
{extra}
{wl}
{lti}
[log]
level = "debug"
syslog = false
{log_extra}
{tail}
"""


def store_section(path):
    """The [store] table that keeps the bot's state in `path`."""
    return '\n[store]\npath = "%s"\n' % path


class Bot:
    """otrbot runclient as a child process, its console log in a file."""

    def __init__(self, workdir, config_text, name="bot", args=(), env=None):
        os.makedirs(workdir, exist_ok=True)
        self.config_path = os.path.join(workdir, name + ".toml")
        self.log_path = os.path.join(workdir, name + ".log")
        if "[store]" not in config_text:
            # Each bot keeps its state in its own database (a restart test names one).
            config_text += store_section(os.path.join(workdir, name + ".db"))
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.args = list(args)
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def start(self):
        self.logfile = open(self.log_path, "wb")
        self.proc = subprocess.Popen([BINARY, "runclient", "--config", self.config_path] + self.args,
                                     stdout=self.logfile, stderr=subprocess.STDOUT, env=self.env)
        return self

    @property
    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for_log(self, pattern, after=0, timeout=TIMEOUT):
        """Waits until `pattern` (a regex) appears in the log past offset
        `after`; returns the offset just past the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.log
            m = rx.search(text, after)
            if m:
                return m.end()
            if self.proc.poll() is not None:
                raise AssertionError("otrbot exited (%s) before logging %r:\n%s"
                                     % (self.proc.returncode, pattern, text[-4000:]))
            if time.monotonic() > deadline:
                raise AssertionError("otrbot did not log %r within %s s:\n%s"
                                     % (pattern, timeout, text[-4000:]))
            time.sleep(0.05)

    def wait_for_count(self, text, count, timeout=TIMEOUT):
        """Waits until the log holds `text` (a plain string) `count` times."""
        deadline = time.monotonic() + timeout
        while self.log.count(text) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("otrbot logged %r %d times, not %d:\n%s"
                                     % (text, self.log.count(text), count, self.log[-4000:]))
            time.sleep(0.05)

    def wait_for_web(self, port):
        """Waits until the pages listen on `port` (the log line comes after listen())."""
        return self.wait_for_log(r"web pages on http://127\.0\.0\.1:%d/" % port)

    def wait_exit(self, timeout=TIMEOUT):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("otrbot did not exit within %s s:\n%s" % (timeout, self.log[-4000:]))

    def kill(self):
        """kill -9: no shutdown, nothing flushed by the bot itself."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("otrbot did not stop on SIGTERM:\n" + self.log[-4000:])
        return self.proc.returncode if self.proc else None


class Student(slixmpp.ClientXMPP):
    """A person with an ordinary XMPP client: queues of what arrives."""

    def __init__(self, jid, password, ca_file):
        super().__init__(jid, password)
        self.ssl_context.load_verify_locations(ca_file)
        self.auto_authorize = True
        self.auto_subscribe = True
        self.inbox = asyncio.Queue()
        self.presences = asyncio.Queue()
        self.online = asyncio.Event()
        self.add_event_handler("session_start", self._start)
        self.add_event_handler("message", self._message)
        for ev in ("presence_available", "presence_unavailable", "presence_subscribe",
                   "presence_subscribed", "presence_unsubscribe", "presence_unsubscribed"):
            self.add_event_handler(ev, self._presence)

    async def _start(self, _event):
        self.send_presence()
        await self.get_roster()
        self.online.set()

    def _message(self, msg):
        if msg["type"] in ("chat", "normal"):
            self.inbox.put_nowait(msg)

    def _presence(self, pres):
        self.presences.put_nowait(pres)

    async def login(self, port):
        self.connect(("127.0.0.1", port))
        await asyncio.wait_for(self.online.wait(), TIMEOUT)
        return self

    async def next_message(self, timeout=TIMEOUT):
        return await asyncio.wait_for(self.inbox.get(), timeout)

    async def wait_presence(self, frm, ptype, timeout=TIMEOUT):
        """Waits for a presence of `ptype` from bare JID `frm`; returns it."""
        async def find():
            while True:
                p = await self.presences.get()
                if p["from"].bare == frm and p["type"] == ptype:
                    return p
        return await asyncio.wait_for(find(), timeout)

    async def ping_server(self):
        """An IQ round trip: everything sent before it has been routed."""
        await self.plugin["xep_0199"].send_ping(self.boundjid.host, timeout=TIMEOUT)

    async def logout(self):
        self.disconnect()
        await asyncio.wait_for(self.disconnected, TIMEOUT)


def make_student(jid, password, server):
    s = Student(jid, password, server.ca_crt)
    s.register_plugin("xep_0199")
    return s


_fresh = [0]
# Every account the tests made: jid -> (server, password), so that a helper can log in as that
# student to prove on the pages that the JID is theirs.
ACCOUNTS = {}


def fresh_account(server, name, password="pw-for-tests"):
    """Registers a new account on `server` (no roster history); returns its JID."""
    _fresh[0] += 1
    jid = "%s%d-%d@localhost" % (name, os.getpid(), _fresh[0])
    server.register(jid, password)
    ACCOUNTS[jid] = (server, password)
    return jid


async def await_log(bot, pattern, after=0):
    """Bot.wait_for_log without blocking the students' event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, bot.wait_for_log, pattern, after)


def run_showing_log(coro, log_of):
    """asyncio.run(coro); when it fails, the bot's log (`log_of()`, read then: the test may have
    restarted the bot) is printed without its debug lines before the failure goes on."""
    try:
        return asyncio.run(coro)
    except BaseException:
        print("\n".join(l for l in log_of().splitlines() if " debug " not in l)[-20000:])
        raise


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)
