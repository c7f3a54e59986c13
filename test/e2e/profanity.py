"""A real OTR client for the tests: Debian's Profanity (libotr), in tmux. Typing is
send-keys; reading is capture-pane; every wait is for text on the screen."""
import os
import re
import shutil
import subprocess
import time

import pytest

import harness


class Profanity:
    """One Profanity process in a tmux session of its own, with its own HOME."""

    def __init__(self, workdir, ca_crt):
        for tool in ("profanity", "tmux", "openssl"):
            if not shutil.which(tool):
                pytest.fail("%s is needed: run scripts/install-deps.sh" % tool)
        self.home = os.path.join(workdir, "profanity-home")
        self.certs = os.path.join(workdir, "profanity-certs")
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.certs, exist_ok=True)
        # Profanity trusts a private CA through a folder prepared with openssl rehash.
        shutil.copy(ca_crt, os.path.join(self.certs, "ca.crt"))
        subprocess.run(["openssl", "rehash", self.certs], check=True, capture_output=True)
        self.session = "profanity-%d-%d" % (os.getpid(), id(self) % 100000)
        self.tmux = ["tmux", "-L", self.session]
        subprocess.run(self.tmux + ["new-session", "-d", "-s", self.session, "-x", "250", "-y", "80",
                                    "env", "HOME=" + self.home, "TERM=xterm", "profanity"],
                       check=True)
        self.wait_for(r"Type '/help' to show complete help")

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
                raise AssertionError("Profanity did not show %r within %s s; the screen:\n%s"
                                     % (pattern, timeout, text))
            time.sleep(0.1)  # polling the screen for an event, not a fixed wait

    def connect(self, jid, password, port):
        self.type("/tls certpath set " + self.certs)
        self.wait_for(r"Certificate path set to")
        self.type("/connect %s server 127.0.0.1 port %d tls force" % (jid, port))
        self.wait_for(r"(?i)password")
        self.type(password)
        self.wait_for(r"logged in successfully")

    def close(self):
        subprocess.run(self.tmux + ["kill-server"], capture_output=True)
