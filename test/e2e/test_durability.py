"""Nothing lost across restarts: the real binary killed with SIGKILL, its SQLite store, and a strict LMS."""
import asyncio
import hashlib
import os
import re
import sqlite3
import subprocess

import pytest
import requests

import harness
from harness import await_log, bot_config, devenv, fresh_account, store_section
from lms import OutcomeService, WebStudent, launch_params, proof_of, sign
from otr_peer import otr_student
from student import CODE
from lms import FAST_RETRIES, PW, SECRET, do_lesson_in_chat, through_the_pages

TOKEN = "admin-token-for-durability-tests"
AUTH = {"Authorization": "Bearer " + TOKEN}


class Durable:
    """A bot whose every run shares one store: start() again after kill() is a restart."""

    def __init__(self, prosody, run_bot, tmp_path, tail="", **kw):
        self.run_bot = run_bot
        self.jid = fresh_account(prosody, "bot")
        self.port = devenv.free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.db = str(tmp_path / "state.db")
        self.config = bot_config(prosody, bot=self.jid, password=PW, web_port=self.port,
                                 admin_token=TOKEN, tail=tail + store_section(self.db), **kw)

    def start(self):
        bot = self.run_bot(self.config)
        bot.wait_for_web(self.port)
        bot.wait_for_log(r"\[manager\] online")
        return bot

    def query(self, sql, *args):
        """Reads the store as the bot left it (WAL: readers do not block the bot)."""
        with sqlite3.connect("file:%s?mode=ro" % self.db, uri=True) as db:
            return db.execute(sql, args).fetchall()

    async def wait_step(self, jid, steps, timeout=30):
        """Waits (on the store itself) until `jid`'s stored step is one of `steps`."""
        async def poll():
            while not any(row[0] in steps for row in
                          self.query("SELECT step FROM students WHERE jid = ?", jid)):
                await asyncio.sleep(0.05)
        await asyncio.wait_for(poll(), timeout)

    def wait_rows(self, sql, expected, timeout=30):
        """Waits until `sql` reads `expected` in the store."""
        async def poll():
            while self.query(sql) != expected:
                await asyncio.sleep(0.05)
        asyncio.run(asyncio.wait_for(poll(), timeout))

    def grades(self):
        r = requests.get(self.base + "/admin/grades", headers=AUTH, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()


async def read_plain_until(student, needle):
    """Lines until one containing `needle`, which must come unencrypted (as
    plaintext, or as plaintext while the student's client still had OTR on)."""
    lines = []
    while True:
        kind, text = await asyncio.wait_for(student.inbox.get(), 60)
        lines.append((kind, text))
        if needle in text:
            assert kind in ("plain", "plain-during-otr"), (kind, text)
            return lines


async def authenticate_for_the_code(s):
    """At Step 3: SMP with the page's secret, then the code over the verified session."""
    s.authenticate(SECRET)
    await s.wait_otr("smp_success")
    proof = await s.read_until("encrypted", "Here is your proof")
    await s.logout()
    return CODE.match(proof[-1][1]).group(1)


def finish_on_the_page(web, bot, lms, code, sourcedid):
    """The code typed on the page completes the exercise, and the LMS accepts one grade."""
    web.post("/enter_bot_secret", bot_secret=code)
    assert web.step().startswith("Done"), web.error()
    bot.wait_for_log(r"grade 1 of 1\.0 for \S+ accepted by")
    assert lms.accepted == [sourcedid]


def launched(base, lms=None, sourcedid="sourced-1", **kw):
    web = WebStudent(base)
    params = launch_params(outcome_url=lms.url if lms else None, sourcedid=sourcedid, **kw)
    r = web.launch(sign(base + "/", params))
    assert r.status_code == 200, r.text
    return web


def test_the_whitelist_from_the_api_and_the_pages_survives_kill_9(prosody, run_bot, tmp_path):
    d = Durable(prosody, run_bot, tmp_path, whitelist=("student@localhost",))
    bot = d.start()
    by_api = fresh_account(prosody, "by-api")
    r = requests.post(d.base + "/admin/whitelist", json={"jid": by_api, "locale": "de_DE"},
                      headers=AUTH, timeout=30)
    assert r.status_code == 201, r.text
    by_page = fresh_account(prosody, "by-page")
    web = launched(d.base, locale="nl-NL")
    web.get("/enter_jid")
    web.post("/enter_jid", jid=by_page)
    assert web.last.url.split("?")[0].endswith("/jid_entered")
    _, word = proof_of(web)  # claimed: not whitelisted before the word comes from it
    # A backup as the README says, while the bot runs (Debian's sqlite3 tool).
    copy = str(tmp_path / "backup.db")
    subprocess.run(["sqlite3", d.db, ".backup '%s'" % copy], check=True, timeout=60)
    with sqlite3.connect(copy) as backup:
        kept = {row[0] for row in backup.execute("SELECT jid FROM students WHERE removed = 0")}
    assert by_api in kept and by_page not in kept
    # A JID of the config's seed removed at run time stays removed.
    assert requests.delete(d.base + "/admin/whitelist/student@localhost", headers=AUTH,
                           timeout=30).status_code == 204
    bot.kill()

    d.start()
    r = requests.get(d.base + "/admin/whitelist", headers=AUTH, timeout=30)
    assert {e["jid"]: e["locale"] for e in r.json()} == {by_api: "de_DE"}
    # The page open in the student's browser goes on working, with the same word: the claim
    # came back with the visit.
    r = web.get("/jid_entered")
    assert r.status_code == 200 and by_page in r.text and proof_of(web)[1] == word

    async def hello():
        s = await otr_student(prosody, by_page, PW, d.jid)
        s.say("hallo, " + word)
        lines = await s.read_until("plain", "Stap 1")
        await s.logout()
        return lines
    assert asyncio.run(hello())  # answered, in the language the launch asked for
    r = requests.get(d.base + "/admin/whitelist", headers=AUTH, timeout=30)
    assert {e["jid"]: e["locale"] for e in r.json()} == {by_api: "de_DE", by_page: "nl_NL"}
    rows = d.query("SELECT source, added_by FROM students WHERE jid = ?", by_page)
    assert rows == [("pages", "LMS user student-1 (test-consumer)")]
    web.get("/jid_entered")
    assert proof_of(web) is None and web.step().startswith("Stap 1 van 4")


def test_a_word_sent_while_the_bot_is_down_binds_as_soon_as_it_is_back(run_bot, tmp_path):
    """The student sends the page's word while the bot is down (kill -9): the server keeps it
    (Prosody's mod_offline, as a usual Prosody has it) and delivers it when the bot is back; the
    claim came back with the stored visit, so it binds at once, before the page asks anything, and
    the student is answered."""
    prosody = devenv.Prosody(str(tmp_path / "prosody"), {}, offline=True)
    prosody.prepare()
    prosody.start()
    try:
        _word_sent_while_the_bot_is_down(prosody, run_bot, tmp_path)
    finally:
        prosody.stop()


def _word_sent_while_the_bot_is_down(prosody, run_bot, tmp_path):
    d = Durable(prosody, run_bot, tmp_path)
    bot = d.start()
    student = fresh_account(prosody, "offline-word")
    web = launched(d.base)
    web.get("/enter_jid")
    web.post("/enter_jid", jid=student)
    _, word = proof_of(web)
    bot.kill()

    async def scenario():
        s = harness.make_student(student, PW, prosody)
        await s.login(prosody.port)
        s.send_message(mto=d.jid, mbody="my word: " + word, mtype="chat")
        await s.ping_server()  # the server has it, kept for the bot
        back = await asyncio.get_running_loop().run_in_executor(None, d.start)
        try:
            first = await s.next_message()
        except asyncio.TimeoutError:
            raise AssertionError(back.log[-6000:])
        await s.logout()
        return back, first["body"]
    back, first = asyncio.run(scenario())
    assert first.startswith("Hello! I am OTR Bot"), first
    back.wait_for_log(r"%s proved that it is theirs" % re.escape(student))
    web.get("/jid_entered")
    assert proof_of(web) is None and web.step().startswith("Step 1 of 4"), web.last.text


def test_a_grade_the_lms_refused_before_kill_9_is_accepted_once_after_it(prosody, run_bot, tmp_path):
    lms = OutcomeService(failures=[500] * 1000)
    d = Durable(prosody, run_bot, tmp_path, tail=FAST_RETRIES)
    bot = d.start()
    try:
        student = fresh_account(prosody, "student")
        web = launched(d.base, lms, sourcedid="sid-kill-9")
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, d.jid))
        web.post("/enter_bot_secret", bot_secret=code)
        assert web.step().startswith("Done")
        bot.wait_for_log(r"grade 1 for \S+ not delivered to \S+ \(the LMS answered HTTP 500\)")
        bot.kill()
        with lms.cond:
            lms.failures.clear()  # the LMS is well again

        bot = d.start()
        bot.wait_for_log(r"store .*: \d+ student\(s\), 1 grade\(s\) waiting to be sent")
        bot.wait_for_log(r"grade 1 of 1\.0 for %s accepted by" % student)
        assert lms.accepted == ["sid-kill-9"]
        assert d.grades() == []
        # Completed stays completed; completing again is not a second grade.
        web.get("/enter_bot_secret")
        assert web.step().startswith("Done")
        assert d.query("SELECT count(*) FROM grades") == [(1,)]
        assert d.query("SELECT completed FROM students WHERE jid = ?", student) == [(1,)]
        assert code not in open(d.db, "rb").read().decode("latin-1")  # only its HMAC is kept
    finally:
        lms.close()


def test_an_lms_unreachable_for_long_gets_the_grade_once_when_back(prosody, run_bot, tmp_path):
    port = devenv.free_port()
    lms_url = "http://127.0.0.1:%d/outcomes" % port
    d = Durable(prosody, run_bot, tmp_path, tail=FAST_RETRIES)
    bot = d.start()
    student = fresh_account(prosody, "student")
    web = WebStudent(d.base)
    web.launch(sign(d.base + "/", launch_params(outcome_url=lms_url, sourcedid="sid-down")))
    through_the_pages(web, student)
    code = asyncio.run(do_lesson_in_chat(prosody, student, d.jid))
    web.post("/enter_bot_secret", bot_secret=code)
    at = bot.wait_for_log(r"grade 1 for \S+ not delivered to \S+ \(.*\); attempt 2 in")
    bot.wait_for_log(r"grade 1 for \S+ not delivered to \S+ \(.*\); attempt 3 in", after=at)
    [pending] = d.grades()
    assert pending["state"] == "pending" and pending["attempts"] >= 2 and pending["last_error"]
    assert "secret" not in pending and pending["jid"] == student
    lms = OutcomeService(port=port)
    try:
        bot.wait_for_log(r"grade 1 of 1\.0 for \S+ accepted by")
        assert lms.accepted == ["sid-down"] and len(lms.requests) == 1
        assert d.grades() == []
    finally:
        lms.close()


def test_a_grade_given_up_is_listed_as_failed_and_an_admin_retry_delivers_it(prosody, run_bot, tmp_path):
    port = devenv.free_port()
    d = Durable(prosody, run_bot, tmp_path, tail=FAST_RETRIES + "give_up_after = 2\n")
    bot = d.start()
    student = fresh_account(prosody, "student")
    web = WebStudent(d.base)
    web.launch(sign(d.base + "/", launch_params(outcome_url="http://127.0.0.1:%d/outcomes" % port,
                                                sourcedid="sid-retry")))
    through_the_pages(web, student)
    code = asyncio.run(do_lesson_in_chat(prosody, student, d.jid))
    web.post("/enter_bot_secret", bot_secret=code)
    bot.wait_for_log(r"grade 1 for \S+ not delivered to .* given up")
    [failed] = d.grades()
    assert failed["state"] == "failed" and failed["id"] == 1
    assert requests.post(d.base + "/admin/grades/7/retry", headers=AUTH, timeout=30).status_code == 404
    assert requests.post(d.base + "/admin/grades/1/retry", timeout=30).status_code == 401
    lms = OutcomeService(port=port)
    try:
        r = requests.post(d.base + "/admin/grades/1/retry", headers=AUTH, timeout=30)
        assert r.status_code == 202 and r.json()["state"] == "pending", r.text
        bot.wait_for_log(r"grade 1 of 1\.0 for \S+ accepted by")
        assert lms.accepted == ["sid-retry"]
        assert d.grades() == []
        r = requests.post(d.base + "/admin/grades/1/retry", headers=AUTH, timeout=30)
        assert r.status_code == 409 and "accepted" in r.json()["error"]
    finally:
        lms.close()


def test_a_launch_replayed_after_a_restart_is_refused(prosody, run_bot, tmp_path):
    d = Durable(prosody, run_bot, tmp_path)
    bot = d.start()
    body = sign(d.base + "/", launch_params(), nonce="one-nonce-only")
    assert WebStudent(d.base).launch(body).status_code == 200
    bot.kill()
    bot = d.start()
    r = WebStudent(d.base).launch(body)
    assert r.status_code == 401 and "already used" in r.text
    bot.wait_for_log(r"a nonce seen before a restart")


def test_a_student_mid_lesson_is_told_of_the_restart_and_finishes(prosody, run_bot, tmp_path):
    lms = OutcomeService()
    d = Durable(prosody, run_bot, tmp_path)
    bot = d.start()
    student = fresh_account(prosody, "student")
    web = launched(d.base, lms, sourcedid="sid-mid")
    through_the_pages(web, student)

    async def lesson():
        nonlocal bot
        s = await otr_student(prosody, student, PW, d.jid)
        s.say("hello")
        await s.read_until("plain", "Step 1:")
        s.start_otr()
        await s.wait_otr("encrypted")
        await s.read_until("encrypted", "Step 3: authenticate me")
        old_fingerprint = s.bot_fingerprint()
        await d.wait_step(student, ("secret_known",))
        bot.kill()
        bot = d.start()
        # The student is still online: told at once, in plaintext (the bot's
        # OTR session is gone), that OTR must start again, and the secret too.
        lines = await read_plain_until(s, "I was restarted")
        lines += await read_plain_until(s, "enter yours on the page")
        assert not any(kind == "encrypted" for kind, _ in lines)
        web.post("/ask_for_secret", secret=SECRET)
        assert web.last.url.split("?")[0].endswith("/enter_bot_secret")
        s.end_otr()  # as the student's client would, told the conversation is gone
        s.start_otr()
        await s.wait_otr("encrypted")
        await s.read_until("encrypted", "Step 3: authenticate me")
        assert s.bot_fingerprint() != old_fingerprint  # a new key, as the bot said
        return await authenticate_for_the_code(s)
    try:
        code = asyncio.run(lesson())
        finish_on_the_page(web, bot, lms, code, "sid-mid")
    finally:
        lms.close()


def test_a_code_sent_before_a_restart_still_completes_after_it(prosody, run_bot, tmp_path):
    """The code went out before a kill -9; after the restart the student, back in their chat,
    types it on the page and reads the congratulation there (no greeting, no Step 1 again)."""
    lms = OutcomeService()
    d = Durable(prosody, run_bot, tmp_path)
    bot = d.start()
    try:
        student = fresh_account(prosody, "student")
        web = launched(d.base, lms, sourcedid="sid-code")
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, d.jid))
        assert d.query("SELECT length(code_mac) FROM students WHERE jid = ?", student) == [(64,)]
        bot.kill()
        bot = d.start()
        web.post("/enter_bot_secret", bot_secret="ZZZZ-ZZZZ")
        assert "not the code" in web.error()

        async def back_in_the_chat():
            s = await otr_student(prosody, student, PW, d.jid)
            await await_log(bot, r"session started for %s" % re.escape(student))
            web.post("/enter_bot_secret", bot_secret=code.lower())
            assert web.step().startswith("Done"), web.error()
            lines = await s.read_until("plain", "You entered the right code")
            s.say("hello again")
            lines += await s.read_until("plain", "You have completed the exercise")
            texts = [text for _, text in lines]
            # Told of the restart when back online (the code stays valid), then done: never
            # greeted again, never sent to Step 1 or 4.
            assert texts[0].startswith("I was restarted"), texts
            assert not any(t.startswith(("Hello! I am", "Step 1", "Step 4")) for t in texts), texts
            await s.logout()
        asyncio.run(back_in_the_chat())
        bot.wait_for_log(r"grade 1 of 1\.0 for \S+ accepted by")
        assert lms.accepted == ["sid-code"]
        assert d.query("SELECT how FROM completions WHERE jid = ?", student) == \
            [("the code on the page",)]
    finally:
        lms.close()


def test_after_a_prosody_restart_mid_lesson_the_student_finishes(tmp_path, run_bot):
    accounts = {"bot@localhost": "botpw", "student@localhost": "studentpw"}
    server = devenv.Prosody(str(tmp_path / "prosody"), accounts)
    server.prepare()
    server.start()
    lms = OutcomeService()
    try:
        port = devenv.free_port()
        base = "http://127.0.0.1:%d" % port
        bot = run_bot(bot_config(server, web_port=port, whitelist=()))
        bot.wait_for_web(port)
        at = bot.wait_for_log(r"\[manager\] online")
        web = launched(base, lms, sourcedid="sid-prosody")
        harness.ACCOUNTS["student@localhost"] = (server, "studentpw")
        through_the_pages(web, "student@localhost")

        async def before():
            s = await otr_student(server, "student@localhost", "studentpw", "bot@localhost")
            s.say("hello")
            await s.read_until("plain", "Step 1:")
            s.start_otr()
            await s.wait_otr("encrypted")
            await s.read_until("encrypted", "Step 3: authenticate me")
        asyncio.run(before())
        server.stop()
        at = bot.wait_for_log(r"attempt 1 to reconnect in", after=at)
        server.start()
        bot.wait_for_log(r"\[manager\] online", after=at)

        async def after():
            s = await otr_student(server, "student@localhost", "studentpw", "bot@localhost")
            s.start_otr()
            await s.wait_otr("encrypted")
            await s.read_until("encrypted", "Step 3: authenticate me")
            return await authenticate_for_the_code(s)
        code = asyncio.run(after())
        finish_on_the_page(web, bot, lms, code, "sid-prosody")
    finally:
        lms.close()
        server.stop()


@pytest.mark.parametrize("case", ["corrupt", "missing directory", "in use"])
def test_a_store_it_cannot_use_is_refused_at_start_and_left_untouched(case, prosody, run_bot, tmp_path):
    db = tmp_path / "state.db"
    if case == "missing directory":
        db = tmp_path / "nowhere" / "state.db"
    config = bot_config(prosody, tail=store_section(str(db)))
    if case == "corrupt":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    digest = hashlib.sha256(db.read_bytes()).hexdigest() if case == "corrupt" else None
    if case == "in use":
        first = run_bot(config)
        first.wait_for_log(r"\[manager\] online")
    bot = run_bot(config)
    assert bot.wait_exit() == 8
    expected = {"corrupt": r"otrbot: store .* (is damaged|is not a readable otrbot database)",
                "missing directory": r"otrbot: store directory .*nowhere does not exist",
                "in use": r"otrbot: store .* is in use by another otrbot"}[case]
    bot.wait_for_log(expected)
    if case == "corrupt":
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
        assert not os.path.exists(str(db) + "-wal")


def test_many_students_completing_at_once_lose_nothing(prosody, run_bot, tmp_path):
    lms = OutcomeService()
    d = Durable(prosody, run_bot, tmp_path)
    bot = d.start()
    n = 6
    try:
        students = [fresh_account(prosody, "crowd") for _ in range(n)]
        webs = []
        for i, jid in enumerate(students):
            web = launched(d.base, lms, sourcedid="sid-crowd-%d" % i, user="crowd-%d" % i)
            through_the_pages(web, jid)
            webs.append(web)

        async def everyone():
            return await asyncio.gather(*(do_lesson_in_chat(prosody, j, d.jid) for j in students))
        codes = asyncio.run(everyone())
        for web, code in zip(webs, codes):
            web.post("/enter_bot_secret", bot_secret=code)
            assert web.step().startswith("Done"), web.error()
        lms.wait_for(n)
        d.wait_rows("SELECT count(*) FROM grades WHERE state = 'done'", [(n,)])
        bot.kill()
        assert sorted(lms.accepted) == sorted("sid-crowd-%d" % i for i in range(n))
        assert d.query("SELECT count(*) FROM completions") == [(n,)]
        assert d.query("SELECT count(*) FROM grades") == [(n,)]
        d.start()
        # Accepted grades stay accepted after kill -9: nothing is sent twice.
        assert d.grades() == []
        assert len(lms.requests) == n
    finally:
        lms.close()
