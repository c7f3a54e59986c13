"""scripts/run.sh as a developer uses it: it starts Prosody and the bot, says where the
pages are, and Ctrl-C (SIGINT to its process group, as a terminal sends it) leaves
nothing running."""
import os
import re
import signal
import subprocess
import time

import requests

from harness import ROOT, TIMEOUT, devenv


def processes_mentioning(text):
    """PIDs of live processes (zombies included) whose command line or state mentions `text`."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd or (state == "Z" and int(pid) in processes_mentioning.seen):
            found[int(pid)] = (state, cmd)
    processes_mentioning.seen.update(found)
    return found


processes_mentioning.seen = set()


def wait_until(condition, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)  # polling for an event, not a fixed wait


def test_run_sh_starts_everything_and_ctrl_c_stops_everything(tmp_path):
    state = str(tmp_path / "dev-state")
    web = "127.0.0.1:%d" % devenv.free_port()
    env = dict(os.environ, OTRBOT_DEV_PORT=str(devenv.free_port()), OTRBOT_DEV_WEB=web,
               OTRBOT_DEV_STATE=state)
    # A test source newer than its object: run.sh must not rebuild it (only the bot).
    os.utime(os.path.join(ROOT, "test", "unit", "transport", "stanza_rules_test.cpp"))
    out = open(str(tmp_path / "run.out"), "wb")
    # Its own session and process group: the test plays the terminal.
    proc = subprocess.Popen(["bash", os.path.join(ROOT, "scripts", "run.sh")], cwd=ROOT, env=env,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    log = lambda: open(str(tmp_path / "run.out"), encoding="utf-8", errors="replace").read()
    try:
        wait_until(lambda: ("[manager] online" in log() and "web pages on http://%s/" % web in log())
                   or proc.poll() is not None, "the bot to come online with its pages", timeout=600)
        text = log()
        assert proc.poll() is None, text
        # Only the bot was built: no test source was compiled by run.sh.
        assert "stanza_rules_test" not in text and "otrbot_unit_tests" not in text, text
        # The banner puts the pages' address beside the chat instructions.
        assert "1. Open the exercise's pages: http://%s/" % web in text
        assert "student@localhost" in text and "Ctrl-C" in text
        # Two student accounts to try the class with, and where the teacher's view is.
        assert "student2@localhost" in text and "teacher's view" in text
        # run.sh's own settings file holds the bot's password: its owner's only, no warning.
        assert os.stat(os.path.join(state, "otrbot.toml")).st_mode & 0o077 == 0
        assert "can be read by every user" not in text
        # The lines name the development setup, not a URL.
        with open(os.path.join(state, "otrbot.toml")) as f:
            assert 'project_name = "the otrbot development setup"' in f.read()
        assert re.search(r"otrbot built in \d+ s", text), text
        assert requests.get("http://%s/is_up" % web, timeout=30).text == "OK"
        started = processes_mentioning(state)
        commands = " ".join(cmd for _, cmd in started.values())
        assert "prosody" in commands and "otrbot runclient" in commands and "devenv.py" in commands
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("run.sh did not stop on Ctrl-C:\n" + log()[-3000:])
    wait_until(lambda: not processes_mentioning(state), "everything run.sh started to be gone", 10)
    for pid in started:
        try:
            os.kill(pid, 0)
            raise AssertionError("pid %d (%s) is still there" % (pid, started[pid]))
        except ProcessLookupError:
            pass
