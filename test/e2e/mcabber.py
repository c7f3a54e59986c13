"""A second real OTR client for the tests: Debian's mcabber 1.1 (libotr), in tmux. Typing is
send-keys; reading is capture-pane; every wait is for text on the screen."""
import os
import re
import shutil
import subprocess
import time

import pytest

import harness


class Mcabber:
    """One mcabber process in a tmux session of its own, with its own HOME and settings: OTR on
    (`otr = 1`, read at start), the test server's CA trusted, logged in at start."""

    def __init__(self, workdir, ca_crt, jid, password, port):
        for tool in ("mcabber", "tmux"):
            if not shutil.which(tool):
                pytest.fail("%s is needed: run scripts/install-deps.sh" % tool)
        self.home = os.path.join(workdir, "mcabber-home")
        os.makedirs(os.path.join(self.home, ".mcabber", "otr"), exist_ok=True)
        rc = os.path.join(self.home, ".mcabber", "mcabberrc")
        with open(rc, "w") as f:
            f.write("\n".join([
                "set jid = %s" % jid, "set password = %s" % password,
                "set server = 127.0.0.1", "set port = %d" % port, "set resource = mcabber",
                "set tls = 1", "set ssl_ca = %s" % ca_crt,
                "set otr = 1", 'set otr_dir = "%s/.mcabber/otr/"' % self.home,
                "set log_win_height = 12", "set roster_width = 30", ""]))
        os.chmod(rc, 0o600)  # mcabber refuses a settings file others can read
        self.session = "mcabber-%d-%d" % (os.getpid(), id(self) % 100000)
        self.tmux = ["tmux", "-L", self.session]
        subprocess.run(self.tmux + ["new-session", "-d", "-s", self.session, "-x", "400", "-y", "70",
                                    "env", "HOME=" + self.home, "TERM=xterm", "mcabber"],
                       check=True)

    def screen(self):
        r = subprocess.run(self.tmux + ["capture-pane", "-p", "-J", "-t", self.session],
                           capture_output=True, text=True)
        return r.stdout

    def type(self, line):
        subprocess.run(self.tmux + ["send-keys", "-t", self.session, "-l", line], check=True)
        subprocess.run(self.tmux + ["send-keys", "-t", self.session, "Enter"], check=True)

    def wait_for(self, pattern, timeout=harness.TIMEOUT):
        """Waits until `pattern` (a regex) is on the screen; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            m = rx.search(text)
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError("mcabber did not show %r within %s s; the screen:\n%s"
                                     % (pattern, timeout, text))
            time.sleep(0.1)  # polling the screen for an event, not a fixed wait

    def close(self):
        subprocess.run(self.tmux + ["kill-server"], capture_output=True)
