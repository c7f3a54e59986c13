"""A full disk at run time, a real one: the store lives on a small tmpfs the test mounts and
fills. A lesson already under way goes on; what needs the disk is refused with a clear error
(a launch, a whitelisting, the completion typed on the page) and nothing acknowledged is lost;
a grade is held; when space returns the bot catches up by itself: the completion lands, the
student is congratulated in the chat, and the LMS gets one grade."""
import asyncio
import errno
import os
import subprocess

import pytest
import requests

from harness import devenv, fresh_account
from lms import FAST_RETRIES, OutcomeService, WebStudent, launch_params, sign
from lms import do_lesson_in_chat, through_the_pages
from test_class_view import rows
from test_durability import AUTH, Durable, launched
from test_metrics import moved, scrape


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs of its own, owned by whoever runs the tests (mounting needs root, or sudo
    as scripts/test.sh uses it): fails loudly when it cannot be made."""
    where = tmp_path / "disk"
    where.mkdir()
    root = [] if os.geteuid() == 0 else ["sudo", "-n"]
    options = "size=4m,mode=0700,uid=%d,gid=%d" % (os.getuid(), os.getgid())
    r = subprocess.run(root + ["mount", "-t", "tmpfs", "-o", options, "otrbot-full-disk",
                               str(where)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail("a full-disk test needs a filesystem of its own, and mounting a tmpfs "
                    "failed (run the tests as root, or with sudo): " + r.stderr.strip())
    yield where
    subprocess.run(root + ["umount", "-l", str(where)], check=False)


def fill(disk):
    """Writes a filler file until the filesystem refuses even one byte more."""
    path = os.path.join(disk, "filler")
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 16, 1 << 12, 1 << 8, 1):
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
    return path


def test_a_full_disk_refuses_clearly_loses_nothing_and_the_bot_catches_up(
        prosody, run_bot, small_disk):
    lms = OutcomeService()
    metrics_port = devenv.free_port()
    metrics = "http://127.0.0.1:%d/metrics" % metrics_port
    d = Durable(prosody, run_bot, small_disk,
                tail=FAST_RETRIES + '\n[metrics]\nlisten = "127.0.0.1:%d"\n' % metrics_port)
    bot = d.start()
    try:
        ada = fresh_account(prosody, "ada")
        web = launched(d.base, lms, sourcedid="sid-full")
        through_the_pages(web, ada)
        teacher = WebStudent(d.base)
        teacher.launch(sign(d.base + "/", launch_params(user="teacher-1", roles="Instructor")))
        before, _ = scrape(metrics)
        filler = fill(small_disk)

        # What needs the disk is refused, with a clear error, and nothing is claimed.
        newcomer = fresh_account(prosody, "newcomer")
        r = requests.post(d.base + "/admin/whitelist", json={"jid": newcomer}, headers=AUTH,
                          timeout=30)
        assert r.status_code == 503 and "could not store it" in r.json()["error"], r.text
        bot.wait_for_log(r"could not store the whitelisting of %s: .*full" % newcomer)
        r = WebStudent(d.base).launch(sign(d.base + "/", launch_params(user="late-student")))
        assert r.status_code == 503 and "could not record the launch; try again" in r.text

        # A lesson under way goes on: its steps wait in memory, in order.
        loop = asyncio.new_event_loop()
        s, code = loop.run_until_complete(do_lesson_in_chat(prosody, ada, d.jid, stay_online=True))
        bot.wait_for_log(r"could not store the step of %s .*full" % ada)
        # The right code: the page says so, and that the bot could not record it yet.
        r = web.post("/enter_bot_secret", bot_secret=code)
        assert r.status_code == 503 and "That is the right code, but the bot could not " \
            "record it just now" in r.text, r.text
        assert not web.step().startswith("Done")
        assert lms.requests == []
        # The teacher view and the admin API still read the store: nothing is graded yet.
        [row] = rows(teacher.get("/class").text)
        assert row[1] == ada and row[-1] == "Not yet", row
        assert requests.get(d.base + "/admin/grades", headers=AUTH, timeout=30).json() == []

        # Space again: the bot catches up by itself, in order, and tells the student.
        os.unlink(filler)
        bot.wait_for_log(r"stored the completion of %s after a retry" % ada)
        bot.wait_for_log(r"%s completed the exercise \(the code on the page, stored after a "
                         r"retry\)" % ada)
        bot.wait_for_log(r"grade 1 of 1\.0 for %s accepted by" % ada)
        assert lms.accepted == ["sid-full"] and len(lms.requests) == 1
        # What the student reads in the chat, the last line included.
        lines = loop.run_until_complete(s.read_until("encrypted", "Congratulations"))
        assert lines[-1] == ("encrypted", "You entered the right code: the exercise is complete. "
                                          "Congratulations!"), lines
        loop.run_until_complete(s.logout())
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        web.get("/enter_bot_secret")
        assert web.step().startswith("Done"), web.step()
        listed = rows(teacher.get("/class").text)
        assert [row[-1] for row in listed] == ["Accepted by the LMS"], listed
        assert d.query("SELECT completed, step FROM students WHERE jid = ?", ada) == \
            [(1, "completed")]
        assert d.query("SELECT COUNT(*) FROM completions WHERE jid = ?", ada) == [(1,)]
        # Now the disk takes writes again: the whitelisting the admin tries again is stored.
        r = requests.post(d.base + "/admin/whitelist", json={"jid": newcomer}, headers=AUTH,
                          timeout=30)
        assert r.status_code == 201, r.text
        assert d.query("SELECT COUNT(*) FROM students WHERE jid = ?", newcomer) == [(1,)]
        # The metrics counted the writes tried again (an admin's alert on them catches a full disk).
        after, _ = scrape(metrics)
        assert moved(before, after, "otrbot_store_write_retries_total") >= 2
        assert moved(before, after, "otrbot_grade_delivery_attempts_total", result="delivered") == 1
    finally:
        lms.close()

