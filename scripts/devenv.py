#!/usr/bin/python3
"""A private XMPP server for development and tests: a test CA, a TLS
certificate for "localhost", and Prosody on 127.0.0.1 with accounts.

Used by scripts/run.sh (development) and test/e2e (as a library). Only
Debian packages: prosody, openssl.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

DOMAIN = "localhost"


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def make_ca(directory, name="otrbot test CA"):
    """A self-signed CA: returns (cert path, key path)."""
    os.makedirs(directory, exist_ok=True)
    key = os.path.join(directory, "ca.key")
    crt = os.path.join(directory, "ca.crt")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
         "-out", crt, "-days", "30", "-subj", "/CN=" + name,
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    return crt, key


def make_server_cert(directory, ca_crt, ca_key, host=DOMAIN):
    """A server certificate for `host` signed by the CA: returns (cert, key)."""
    key = os.path.join(directory, host + ".key")
    csr = os.path.join(directory, host + ".csr")
    crt = os.path.join(directory, host + ".crt")
    ext = os.path.join(directory, host + ".ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n" % host)
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
         "-subj", "/CN=" + host])
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
         "-CAcreateserial", "-out", crt, "-days", "30", "-extfile", ext])
    os.chmod(key, 0o644)
    return crt, key


def lua_string(text):
    """A Lua string literal for `text`."""
    return '"%s"' % "".join(chr(b) if chr(b).isalnum() or chr(b) in " -_.@" else "\\%03d" % b
                            for b in text.encode("utf-8"))


class Prosody:
    """Prosody in the foreground of a child process, on its own ports and data."""

    # Only what a client server needs: no carbons, no ping, no disco, nothing optional.
    MINIMAL_MODULES = ("roster", "saslauth", "tls")
    USUAL_MODULES = ("roster", "saslauth", "tls", "disco", "ping", "presence", "message", "iq",
                     "carbons", "posix", "pep", "vcard4", "vcard_legacy")

    def __init__(self, directory, accounts, tls_max=None, port=None, stanza_limit=None,
                 cert_host=DOMAIN, minimal=False, log_level="debug", plain_accounts=False,
                 offline=False, extra_modules=(), roster_storage=None):
        self.dir = os.path.abspath(directory)
        self.accounts = dict(accounts)  # "user@localhost" -> password
        self.port = port or free_port()
        self.tls_max = tls_max  # e.g. "tlsv1_2" to cap the server's TLS version
        self.stanza_limit = stanza_limit
        self.cert_host = cert_host  # another name makes a certificate that does not fit
        self.modules = (self.MINIMAL_MODULES if minimal else self.USUAL_MODULES) + tuple(extra_modules)
        self.log_level = log_level
        # Benchmarks: thousands of accounts written straight into Prosody's plain
        # storage (prosodyctl takes a second each); tests keep hashed passwords.
        self.plain_accounts = plain_accounts
        # Prosody keeps messages for accounts that are offline (mod_offline, on by default in
        # Prosody) only when asked here: the tests' servers leave it off unless a test needs it.
        self.offline = offline
        # "sql": rosters in Prosody's SQL storage (SQLite, lua-dbi-sqlite3), which writes one
        # item per change; None or "internal": Prosody's default file per roster.
        self.roster_storage = roster_storage
        self.proc = None
        self.ca_crt = None

    @property
    def config_path(self):
        return os.path.join(self.dir, "prosody.cfg.lua")

    @property
    def log_path(self):
        return os.path.join(self.dir, "prosody.log")

    def prepare(self, ca=None):
        """Certificates, config and accounts; `ca` reuses another CA (cert, key)."""
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        certs = os.path.join(self.dir, "certs")
        os.makedirs(certs, exist_ok=True)
        self.ca_crt, ca_key = ca or make_ca(certs)
        crt, key = make_server_cert(certs, self.ca_crt, ca_key, host=self.cert_host)
        ssl = 'certificate = "%s"; key = "%s";' % (crt, key)
        if self.tls_max == "tlsv1_2":
            ssl += ' protocol = "tlsv1_2";'
        limit = ""
        if self.stanza_limit:
            limit = "c2s_stanza_size_limit = %d\n" % self.stanza_limit
        modules = ", ".join('"%s"' % m for m in self.modules)
        if self.roster_storage == "sql":
            limit += ('storage = { roster = "sql" }\n'
                      'sql = { driver = "SQLite3", database = "prosody.sqlite" }\n')
        with open(self.config_path, "w") as f:
            f.write(f"""-- Written by otrbot's scripts/devenv.py: a private test server.
run_as_root = true
daemonize = false
pidfile = "{self.dir}/prosody.pid"
data_path = "{self.dir}/data"
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.port} }}
c2s_direct_tls_ports = {{ }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
admin_socket = "{self.dir}/admin.sock"
log = {{ {self.log_level} = "{self.dir}/prosody.log" }}
authentication = "{"internal_plain" if self.plain_accounts else "internal_hashed"}"
c2s_require_encryption = true
allow_registration = false
modules_enabled = {{ {modules} }}
modules_disabled = {{ {'"s2s"' if self.offline else '"s2s", "offline"'} }}
ssl = {{ {ssl} }}
{limit}VirtualHost "{DOMAIN}"
""")
        if self.roster_storage == "sql":
            # SQLite's write-ahead log (kept in the file; Prosody's SQL storage sets no journal
            # mode): a commit appends to one file instead of making and deleting a journal.
            import sqlite3
            db = sqlite3.connect(os.path.join(self.dir, "data", "prosody.sqlite"))
            db.execute("PRAGMA journal_mode=WAL")
            db.close()
        for jid, password in self.accounts.items():
            self.register(jid, password)

    def register(self, jid, password):
        if self.plain_accounts:
            user, host = jid.split("@")
            folder = os.path.join(self.dir, "data", host.replace(".", "%2e"), "accounts")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, user + ".dat"), "w") as f:
                f.write('return {\n\t["password"] = %s;\n};\n' % lua_string(password))
            return
        user, host = jid.split("@")
        env = dict(os.environ, PROSODY_CONFIG=self.config_path)
        run(["prosodyctl", "--config", self.config_path, "register", user, host, password],
            env=env)

    def start(self, timeout=30):
        """Starts Prosody and waits until its client port accepts connections."""
        self.logfile = open(os.path.join(self.dir, "prosody.stdout"), "ab")
        self.proc = subprocess.Popen(["prosody", "-F", "--config", self.config_path],
                                     stdout=self.logfile, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("prosody exited with %s; see %s" %
                                   (self.proc.returncode, self.log_path))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)  # polling for the port to open, not a fixed wait
        raise RuntimeError("prosody did not open port %d within %d s" % (self.port, timeout))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def bot_config(jid, password, ca_crt, port, bot="", lti="", more="", log_level="info"):
    """otrbot's settings for an account on a private Prosody at 127.0.0.1:`port`: the account,
    the [bot] and [lti] lines given (an [lti] line may be followed by its sub-tables), further
    tables (`more`: whitelist, store, metrics...) and a console log at `log_level`."""
    return f"""[xmpp]
default_account = "{jid}"
ca_certs = "{ca_crt}"

[xmpp.accounts."{jid}"]
password = "{password}"
host = "127.0.0.1"
port = {port}

[bot]
{bot}
[lti]
{lti}
{more}
[log]
level = "{log_level}"
syslog = false
"""


def main():
    ap = argparse.ArgumentParser(description="Run a private Prosody for otrbot development.")
    ap.add_argument("directory", help="where the server keeps its files")
    ap.add_argument("--port", type=int, default=5222)
    ap.add_argument("--bot", default="bot@localhost:botpassword")
    ap.add_argument("--student", action="append",
                    help="a student account JID:PASSWORD (repeatable; default: two students)")
    ap.add_argument("--config-out", help="write an otrbot config for this server here")
    ap.add_argument("--web", default="127.0.0.1:5000", help="where the development pages listen")
    args = ap.parse_args()
    students = args.student or ["student@localhost:studentpassword",
                                "student2@localhost:student2password"]
    accounts = dict(a.split(":", 1) for a in [args.bot] + students)
    if os.path.exists(args.directory):
        shutil.rmtree(args.directory)
    server = Prosody(args.directory, accounts, port=args.port)
    server.prepare()
    bot_jid, bot_pw = args.bot.split(":", 1)
    whitelist = "".join(f'[whitelist."{s.split(":", 1)[0]}"]\nlocale = "en_GB"\n\n' for s in students)
    if args.config_out:
        # It holds the bot's password: readable by its owner only (the bot warns otherwise).
        if os.path.exists(args.config_out):
            os.remove(args.config_out)
        fd = os.open(args.config_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("# Written by scripts/devenv.py for the private development server.\n")
            f.write(bot_config(
                bot_jid, bot_pw, server.ca_crt, server.port,
                bot="scheduled_msg_say = false\n",
                lti=f"""# Development mode: the pages work without an LMS launch (loopback only).
enabled = false
listen = "{args.web}"
""",
                more=f"""
[bot.format_strings]
# Lines such as the sign-out ("start a new one from the page for ...") name the pages.
project_name = "the otrbot development setup"

{whitelist}[store]
# The bot's state (whitelist, progress, grade outbox) survives restarts here.
path = "{os.path.join(os.path.dirname(os.path.abspath(args.config_out)), 'otrbot.db')}"
"""))
    # SIGTERM or SIGINT ends the wait below by an exception, so the stop runs
    # once, on this thread, after the wait has let go of the child: Prosody is
    # stopped and reaped, never left behind (nor a zombie).
    def stop(*_):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.start()
        print(f"prosody is up on 127.0.0.1:{server.port} (pid {server.proc.pid})", flush=True)
        server.proc.wait()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.stop()

if __name__ == "__main__":
    main()
