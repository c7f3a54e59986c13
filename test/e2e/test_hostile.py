"""Hostile and careless input: the bot's own JID, echoing peers, floods (each failed before its fix)."""
import asyncio
import os
import re
import signal
import subprocess
import time

import pytest
import requests

from harness import BINARY, Bot, await_log, rss_kib, bot_config, devenv, fresh_account, make_student, store_section
from lms import WebStudent, launch_params, proof_of, prove, sign
from student import PW

TOKEN = "admin-token-for-hostile-tests"


def web_bot(prosody, run_bot, whitelist=(), env=None, **kw):
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=whitelist, web_port=port,
                             admin_token=TOKEN, **kw), env=env)
    bot.wait_for_web(port)
    bot.wait_for_log(r"\[manager\] online")
    return bot, bot_jid, "http://127.0.0.1:%d" % port


def test_the_bots_own_jid_is_refused_on_the_pages_and_by_the_admin_api(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    web = WebStudent(base)
    web.launch(sign(base + "/", launch_params()))
    web.get("/enter_jid")
    web.post("/enter_jid", jid=bot_jid.upper())
    assert web.last.status_code == 400
    assert "the bot's own Jabber ID" in web.error()
    r = requests.post(base + "/admin/whitelist", json={"jid": bot_jid},
                      headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
    assert r.status_code == 400 and "own Jabber ID" in r.json()["error"]
    r = requests.get(base + "/admin/whitelist", headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
    assert r.json() == []
    assert "whitelisted %s" % bot_jid not in bot.log
    assert "session started for %s" % bot_jid not in bot.log


def test_the_bots_own_jid_in_the_configs_whitelist_is_a_bad_setting(prosody, tmp_path):
    bot = Bot(str(tmp_path), bot_config(prosody, whitelist=("bot@localhost",))).start()
    assert bot.wait_exit() == 3
    bot.wait_for_log(r"otrbot: bad setting whitelist\.\"bot@localhost\": the bot's own account")


async def echo_peer(prosody, jid, bot_jid, other_jid):
    """A whitelisted peer that repeats every line the bot sends (an echo bot,
    or a chat room that reflects messages); returns how many lines it got."""
    echo = make_student(jid, PW, prosody)
    got = []

    def repeat(msg):
        if msg["type"] == "chat" and msg["from"].bare == bot_jid:
            got.append(msg["body"])
            echo.send_message(mto=bot_jid, mbody=msg["body"], mtype="chat")
    echo.add_event_handler("message", repeat)
    await echo.login(prosody.port)
    echo.send_message(mto=bot_jid, mbody="hello", mtype="chat")
    return echo, got


def test_a_peer_that_echoes_the_bot_is_not_answered_forever(prosody, run_bot):
    echo_jid = fresh_account(prosody, "echo")
    other = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, whitelist=(echo_jid, other))

    async def scenario():
        echo, got = await echo_peer(prosody, echo_jid, bot_jid, other)
        while "sent the bot's own lines back three times" not in bot.log:
            await asyncio.sleep(0.05)
        # A line the session handed to the gateway just before it recognised the echo may
        # still be on its way: another student's answer, queued at the gateway after it, is
        # the sign that it has gone out; the echo's ping, that it has arrived.
        s = await make_student(other, PW, prosody).login(prosody.port)
        s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
        await s.next_message()
        await echo.ping_server()
        settled = len(got)
        # The bot serves the other student again; by then an endless loop would have sent
        # the echo more lines.
        s.send_message(mto=bot_jid, mbody="help", mtype="chat")
        await s.next_message()
        await echo.ping_server()
        assert len(got) == settled, "the bot went on answering its own lines"
        assert settled < 12, got
        await s.logout()
        await echo.logout()
    asyncio.run(scenario())


def test_a_flood_from_one_student_is_cut_off_and_others_are_still_served(prosody, run_bot):
    flooder = fresh_account(prosody, "flood")
    other = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, whitelist=(flooder, other),
                                 extra="max_messages_per_minute = 20")

    async def scenario():
        f = await make_student(flooder, PW, prosody).login(prosody.port)
        for i in range(200):
            f.send_message(mto=bot_jid, mbody="line %d" % i, mtype="chat")
        while "sent more than 20 messages in a minute" not in bot.log:
            await asyncio.sleep(0.05)
        s = await make_student(other, PW, prosody).login(prosody.port)
        s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
        reply = await s.next_message()
        assert reply["body"]
        await f.ping_server()
        answers = f.inbox.qsize()
        assert 20 <= answers <= 22, answers  # the first 20 (and the greeting), not 200
        await s.logout()
        await f.logout()
    asyncio.run(scenario())
    assert bot.log.count("sent more than 20 messages") == 1


def test_one_visit_binds_one_jid_and_cannot_take_over_another_students(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    mine, other = fresh_account(prosody, "mine"), fresh_account(prosody, "victim")
    web = WebStudent(base)
    web.launch(sign(base + "/", launch_params(user="student-1")))
    web.get("/enter_jid")
    web.post("/enter_jid", jid=mine)
    assert web.last.url.split("?")[0].endswith("/jid_entered")
    web.post("/enter_jid", jid=mine)  # the same again is fine
    assert web.last.url.split("?")[0].endswith("/jid_entered")
    prove(web, mine)
    web.get("/enter_jid")
    web.post("/enter_jid", jid=other)  # anyone else: refused, nobody invited
    assert web.last.status_code == 409 and "already linked to %s" % mine in web.error()
    # Another student's launch cannot take over a JID bound to this one.
    thief = WebStudent(base)
    thief.launch(sign(base + "/", launch_params(user="student-2")))
    thief.get("/enter_jid")
    thief.post("/enter_jid", jid=mine)
    assert thief.last.status_code == 409 and "another student's exercise" in thief.error()
    r = requests.get(base + "/admin/whitelist", headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
    assert [e["jid"] for e in r.json()] == [mine]
    assert "whitelisted %s" % other not in bot.log


def test_a_jid_belongs_to_the_visit_whose_word_comes_from_it_not_to_whoever_typed_it_first(
        prosody, run_bot):
    """Issue 24, item 5: another LMS user who types dave's JID first gets only a claim; the bot
    says nothing to dave until a message from dave carries a visit's word; dave's own launch
    (typing a Unicode variant of it) proves it, and only dave's visit can set the secret."""
    bot, bot_jid, base = web_bot(prosody, run_bot)
    dave = fresh_account(prosody, "dave")
    auth = {"Authorization": "Bearer " + TOKEN}
    thief = WebStudent(base)
    thief.launch(sign(base + "/", launch_params(user="mallory")))
    thief.get("/enter_jid")
    thief.post("/enter_jid", jid=dave)
    assert thief.last.url.split("?")[0].endswith("/jid_entered") and thief.step().startswith("Step 0")
    _, thiefs_word = proof_of(thief)
    # Nothing before the proof: no whitelist entry, no secret, no code for the claimed JID.
    assert requests.get(base + "/admin/whitelist", headers=auth, timeout=30).json() == []
    thief.post("/ask_for_secret", secret="purple tractor 42")
    assert thief.last.url.split("?")[0].endswith("/jid_entered") and proof_of(thief)
    # dave's own launch is not refused: it claims too, with a word of its own.
    owner = WebStudent(base)
    owner.launch(sign(base + "/", launch_params(user="dave-in-the-lms")))
    owner.get("/enter_jid")
    owner.post("/enter_jid", jid=dave.upper())
    assert owner.last.url.split("?")[0].endswith("/jid_entered"), owner.error()
    _, word = proof_of(owner)
    assert word != thiefs_word

    async def chat():
        s = make_student(dave, PW, prosody)
        await s.login(prosody.port)
        s.send_message(mto=bot_jid, mbody="hello?", mtype="chat")  # no word: no answer
        await s.ping_server()
        await await_log(bot, r"a message from %s without the word" % re.escape(dave))
        assert s.inbox.empty()
        # No subscription request either (dave's presences come from the server alone).
        assert all(p["from"].bare != bot_jid for p in list(s.presences._queue))
        s.send_message(mto=bot_jid, mbody="here is my word: %s" % word.lower(), mtype="chat")
        first = await s.next_message()
        await s.logout()
        return first["body"]
    assert asyncio.run(chat())  # the bot's greeting, once bound
    bot.wait_for_log(r"%s proved that it is theirs: the word of a visit by LMS user dave-in-the-lms"
                     % re.escape(dave))
    owner.get("/jid_entered")
    assert proof_of(owner) is None and owner.step().startswith("Step 1 of 4")
    owner.post("/ask_for_secret", secret="purple tractor 42")
    assert owner.last.url.split("?")[0].endswith("/enter_bot_secret"), owner.error()
    # The thief's visit is not bound, and now cannot claim it either.
    thief.get("/jid_entered")
    assert thief.last.url.split("?")[0].endswith("/enter_jid")
    thief.post("/enter_jid", jid=dave)
    assert thief.last.status_code == 409 and "another student's exercise" in thief.error()
    r = requests.get(base + "/admin/whitelist", headers=auth, timeout=30)
    assert [e["jid"] for e in r.json()] == [dave]
    assert thiefs_word not in bot.log and word not in bot.log  # the words are never logged


def test_one_lms_user_binds_at_most_three_jids_at_once(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    jids = ["device%d@localhost" % i for i in range(4)]
    visits = []
    for jid in jids:
        web = WebStudent(base)
        web.launch(sign(base + "/", launch_params(user="collector")))
        web.get("/enter_jid")
        web.post("/enter_jid", jid=jid)
        visits.append(web)
    assert [v.last.url.split("?")[0].endswith("/jid_entered") for v in visits] == [True, True, True, False]
    assert visits[3].last.status_code == 429 and "as many Jabber IDs" in visits[3].error()
    assert "whitelisted %s" % jids[3] not in bot.log  # nobody invited
    # One of the three again is fine; another person may enter the fourth.
    again = WebStudent(base)
    again.launch(sign(base + "/", launch_params(user="collector")))
    again.get("/enter_jid")
    again.post("/enter_jid", jid=jids[0])
    assert again.last.url.split("?")[0].endswith("/jid_entered")
    other = WebStudent(base)
    other.launch(sign(base + "/", launch_params(user="someone-else")))
    other.get("/enter_jid")
    other.post("/enter_jid", jid=jids[3])
    assert other.last.url.split("?")[0].endswith("/jid_entered")


def test_the_whitelist_holds_at_most_its_limit_per_source(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot, whitelist=("teacher@localhost",),
                                 extra="max_whitelisted_from_pages = 1\nmax_whitelisted_from_admin = 2")
    auth = {"Authorization": "Bearer " + TOKEN}
    add = lambda jid: requests.post(base + "/admin/whitelist", json={"jid": jid}, headers=auth, timeout=30)
    assert [add(j).status_code for j in ("a1@localhost", "a2@localhost", "a2@localhost")] == [201] * 3
    full = add("a3@localhost")  # the same JID again is no new entry; a third one is
    assert full.status_code == 409 and "max_whitelisted_from_admin = 2" in full.json()["error"]
    first, second, third = WebStudent(base), WebStudent(base), WebStudent(base)
    p1 = fresh_account(prosody, "p1")
    for web, user, jid in ((first, "student-1", p1), (second, "student-2", "p2@localhost"),
                           (third, "student-3", "p3@localhost")):
        web.launch(sign(base + "/", launch_params(user=user)))
        web.get("/enter_jid")
    first.post("/enter_jid", jid=p1)
    assert first.last.url.split("?")[0].endswith("/jid_entered")
    # Claims waiting for their word count too: no more than the pages may whitelist.
    second.post("/enter_jid", jid="p2@localhost")
    assert second.last.status_code == 503 and "as many students as it may" in second.error()
    bot.wait_for_log(r"p2@localhost not claimed: 1 claims wait for their word already")
    prove(first, p1)
    third.post("/enter_jid", jid="p3@localhost")
    assert third.last.status_code == 503 and "as many students as it may" in third.error()
    bot.wait_for_log(r"p3@localhost not whitelisted: 1 JIDs from the pages already")
    # The config's own entry counts for neither; a removal makes room again.
    assert requests.delete(base + "/admin/whitelist/a1@localhost", headers=auth, timeout=30).status_code == 204
    assert add("a3@localhost").status_code == 201
    listed = requests.get(base + "/admin/whitelist", headers=auth, timeout=30).json()
    assert sorted(e["jid"] for e in listed) == sorted(["a2@localhost", "a3@localhost", p1,
                                                       "teacher@localhost"])


def test_a_visit_cannot_make_the_bot_send_a_stream_of_refusals(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    student = fresh_account(prosody, "student")
    web = WebStudent(base)
    web.launch(sign(base + "/", launch_params()))
    web.get("/enter_jid")
    web.post("/enter_jid", jid=student)
    prove(web, student)
    before = bot.log.count('SENT: <message to="%s' % student)  # the greeting and Step 1
    statuses = []
    for _ in range(12):  # each refused secret is also a line to the student in the chat
        web.get("/ask_for_secret")
        web.post("/ask_for_secret", secret="weak")
        statuses.append(web.last.status_code)
    assert statuses == [400] * 10 + [429] * 2
    assert "Too many attempts" in web.error()
    bot.wait_for_log(r"sent more than 10 secrets in a minute: refused")
    # One chat line per refused secret (the gateway's thread logs it), none for the refused requests.
    bot.wait_for_count('SENT: <message to="%s' % student, before + 10)
    assert bot.log.count('SENT: <message to="%s' % student) == before + 10


def test_sigterm_stops_the_bot_within_seconds_with_lines_waiting_to_be_typed(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, whitelist=(student,),
                                 extra="scheduled_msg_say = true\ntype_speed = 1")

    async def chatter():
        s = await make_student(student, PW, prosody).login(prosody.port)
        for i in range(30):  # at one character a second, hours of typing if it were all queued
            s.send_message(mto=bot_jid, mbody="question %d" % i, mtype="chat")
        await s.ping_server()
        await s.logout()
    asyncio.run(chatter())
    # Every one of the 30 messages has reached the bot (the gateway logs each at debug level).
    received = re.compile(r'RECV: <message [^\n]*from="%s/' % re.escape(student))
    deadline = time.monotonic() + 60
    while len(received.findall(bot.log)) < 30:
        assert time.monotonic() < deadline, "the bot did not get the 30 messages"
        time.sleep(0.05)
    bot.proc.send_signal(signal.SIGTERM)
    # docker and systemd kill after 10 s: the bot is gone well before.
    assert bot.wait_exit(timeout=5) == 0
    bot.wait_for_log(r"shutting down: ending 1 session\(s\) now")


def test_otr_fragments_that_never_end_are_not_kept(prosody, run_bot):
    student = fresh_account(prosody, "student")
    # Under AddressSanitizer (OTRBOT_PRESET=asan) freed memory waits in a quarantine of up to
    # 256 MiB, which would count as growth: measured without it (other builds ignore this).
    asan = os.environ.get("ASAN_OPTIONS", "")
    bot, bot_jid, base = web_bot(prosody, run_bot, whitelist=(student,),
                                 extra="max_messages_per_minute = 0",
                                 env={"ASAN_OPTIONS": (asan + ":" if asan else "") + "quarantine_size_mb=0"})

    async def scenario():
        s = await make_student(student, PW, prosody).login(prosody.port)
        s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
        await s.next_message()
        piece = "A" * 200000

        async def send(first, last):  # pieces of a message announced as 65000 pieces long
            for k in range(first, last + 1):
                s.send_message(mto=bot_jid, mbody="?OTR,%d,65000,%s," % (k, piece), mtype="chat")
            await s.ping_server()
            bot.wait_for_count("dropped before libotr (too many fragments announced)", last)
        # A first round warms the allocators (stanza parsing, buffers); the second
        # adds 10 MB that libotr would keep, waiting for piece 65000.
        await send(1, 25)
        before = rss_kib(bot.proc.pid)
        await send(26, 75)
        grown = rss_kib(bot.proc.pid) - before
        assert grown < 5 * 1024, "the bot grew by %d KiB" % grown
        s.send_message(mto=bot_jid, mbody="still there?", mtype="chat")
        assert (await s.next_message())["body"]  # and it goes on answering
        await s.logout()
    asyncio.run(scenario())


def test_grades_do_not_go_to_loopback_or_private_addresses_unless_allowed(prosody, run_bot):
    from lms import OutcomeService
    from lms import do_lesson_in_chat, through_the_pages
    lms = OutcomeService()  # on 127.0.0.1: a place inside the bot's own network
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, strict_outcomes=True)
    try:
        web = WebStudent(base)
        web.launch(sign(base + "/", launch_params(outcome_url=lms.url, sourcedid="sid-ssrf")))
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        web.post("/enter_bot_secret", bot_secret=code)
        assert web.step().startswith("Done")
        bot.wait_for_log(r"grade 1 for \S+ refused: the URL's host 127\.0\.0\.1 is at "
                         r"127\.0\.0\.1, a loopback or private address")
        r = requests.get(base + "/admin/grades", headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
        [failed] = r.json()
        assert failed["state"] == "failed" and "private address" in failed["last_error"]
        assert lms.requests == []  # nothing was sent there
        # A launch naming something that is not http(s) is simply not graded.
        other = WebStudent(base)
        r = other.launch(sign(base + "/", launch_params(user="student-2", sourcedid="sid-js",
                                                        outcome_url="javascript:alert(1)")))
        assert r.status_code == 200
        bot.wait_for_log(r"names a grade URL that is not http\(s\): no grade will be sent")
    finally:
        lms.close()


def test_security_headers_head_is_up_and_start_up_warnings(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot,
                                 lti_extra='frame_ancestors = ["https://lms.example.org"]')
    page = requests.post(base + "/", data=sign(base + "/", launch_params()),
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://lms.example.org" in csp
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp  # only the pages' own script file
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"  # the page carries the session's token
    up = requests.get(base + "/is_up", timeout=30)
    assert up.text == "OK" and up.headers["X-Content-Type-Options"] == "nosniff"
    head = requests.head(base + "/is_up", timeout=30)
    assert head.status_code == 200 and head.content == b""
    # The tests' admin token and consumer secret are long; the Host header builds the signed URL.
    assert "lti.public_url is empty" in bot.log
    assert "admin.token has fewer" not in bot.log and "lti.frame_ancestors is empty" not in bot.log


def test_a_short_admin_token_and_lti_secret_are_warned_about(prosody, tmp_path):
    text = bot_config(prosody, admin_token="a").replace('secret = "test-consumer-secret"', 'secret = "b"')
    bot = Bot(str(tmp_path), text).start()
    try:
        bot.wait_for_log(r"admin\.token has fewer than 16 characters")
        bot.wait_for_log(r'lti\.consumers\."test-consumer" has a secret of fewer than 16 characters')
        bot.wait_for_log(r"can be read by every user of this machine")  # written with mode 0644
        bot.wait_for_log(r"\[manager\] online")  # up (and its signals handled): it goes on
    finally:
        assert bot.stop() == 0


def test_wrong_admin_tokens_are_throttled_per_address(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    statuses = [requests.get(base + "/admin/whitelist", headers={"Authorization": "Bearer guess%d" % i},
                             timeout=30).status_code for i in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    # Even the right token waits for the minute to end: a guess cannot tell right from wrong.
    right = requests.get(base + "/admin/whitelist", headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
    assert right.status_code == 429
    bot.wait_for_log(r"admin API: 10 wrong tokens from 127\.0\.0\.1 in a minute")


def run_cli(args, tmp_path):
    return subprocess.run([BINARY] + args, capture_output=True, text=True, timeout=30, cwd=str(tmp_path))


@pytest.mark.parametrize("where", ["a directory", "/dev/zero"])
def test_a_settings_path_that_is_no_settings_file_exits_4_at_once(where, tmp_path):
    path = str(tmp_path) if where == "a directory" else "/dev/zero"
    result = run_cli(["runclient", "--config", path], tmp_path)
    assert result.returncode == 4, result.stderr
    assert "no settings: cannot read %s as a settings file" % path in result.stderr


@pytest.mark.parametrize("case", ["a directory", "/dev/zero", "an empty file", "a NUL byte"])
def test_a_secret_file_that_holds_no_secret_is_a_bad_setting(case, prosody, tmp_path):
    secret = tmp_path / "token"
    if case == "a directory":
        secret.mkdir()
    elif case == "an empty file":
        secret.write_text("\n")
    elif case == "a NUL byte":
        secret.write_bytes(b"long-enough-token\x00more")
    path = "/dev/zero" if case == "/dev/zero" else str(secret)
    config = bot_config(prosody).replace('[admin]\ntoken = ""', '[admin]\ntoken_file = "%s"' % path)
    (tmp_path / "bot.toml").write_text(config + store_section(str(tmp_path / "bot.db")))
    result = run_cli(["runclient", "--config", str(tmp_path / "bot.toml")], tmp_path)
    assert result.returncode == 3, result.stderr
    assert "bad setting admin.token_file" in result.stderr


def test_outside_values_cannot_forge_log_lines(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    forged = "student-1\n2026-01-01 00:00:00.000 info  [otrbot] forged line\x1b[31m"
    WebStudent(base).launch(sign(base + "/", launch_params(user=forged)))
    bot.wait_for_log(r"LTI launch from consumer test-consumer \(user student-1\\x0a2026")
    assert "\n2026-01-01 00:00:00.000 info  [otrbot] forged line" not in bot.log
    assert "\x1b[31m" not in bot.log


def test_a_deeply_nested_stanza_is_survived_and_the_student_still_served(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, whitelist=(student,))

    async def scenario():
        s = await make_student(student, PW, prosody).login(prosody.port)
        deep = '<x xmlns="urn:example:deep">' * 2000 + "</x>" * 2000
        s.send_raw('<message to="%s" type="chat"><body>hello</body>%s</message>' % (bot_jid, deep))
        s.send_raw('<message to="%s" type="chat"><body>hi</body><body xml:lang="de">zwei</body>'
                   '<thread>%s</thread></message>' % (bot_jid, "t" * 5000))
        # (A NUL or broken UTF-8 never reaches the bot: the server ends the sender's stream.)
        assert (await s.next_message())["body"].startswith("Hello! I am OTR Bot")
        assert (await s.next_message())["body"].startswith("Step 1:")
        await s.logout()
    asyncio.run(scenario())
    assert bot.proc.poll() is None
    other = fresh_account(prosody, "other")
    requests.post(base + "/admin/whitelist", json={"jid": other},
                  headers={"Authorization": "Bearer " + TOKEN}, timeout=30)

    async def still_served():
        s = await make_student(other, PW, prosody).login(prosody.port)
        s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
        assert (await s.next_message())["body"].startswith("Hello! I am OTR Bot")
        await s.logout()
    asyncio.run(still_served())
