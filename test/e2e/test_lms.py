"""The LMS side end to end: an oauthlib-signed launch, the pages, a potr student, and the grade."""
import asyncio
import os
import re
import time

import pytest
import requests

from harness import await_log, bot_config, devenv, fresh_account
from lms import (FAST_RETRIES, PW, SECRET, OutcomeService, WebStudent, do_lesson_in_chat,
                 launch_params, proof_of, prove, read_replace_result, sign, through_the_pages, web_bot)
from otr_peer import otr_student

def test_a_launched_student_completes_the_exercise_and_the_lms_gets_the_grade(prosody, run_bot):
    lms = OutcomeService()
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    try:
        web = WebStudent(base)
        r = web.launch(sign(base + "/", launch_params(outcome_url=lms.url, sourcedid="sid<&>1")))
        assert r.status_code == 200, r.text
        assert "Set-Cookie" in r.headers and "otrbot_session=" in r.headers["Set-Cookie"]
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert 'id="start"' in r.text and bot_jid in r.text
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        web.get("/enter_bot_secret")
        assert web.step().startswith("Step 4 of 4")
        r = web.post("/enter_bot_secret", bot_secret=code)
        assert web.last.status_code == 200 and 'id="done"' in r.text, web.error()
        assert web.step().startswith("Done")
        admin_view = requests.get(base + "/admin/whitelist", timeout=30)
        assert admin_view.status_code == 404  # no admin token in this bot
        requests_seen = lms.wait_for(1)
        assert requests_seen == [(True, True, "sid<&>1", "1.0")]
        assert lms.refused == []
        bot.wait_for_log(r"grade \d+ of 1\.0 for \S+ accepted by http://127\.0\.0\.1:%d/outcomes" % lms.port)
        # Entering the code again sends no second grade.
        web.post("/enter_bot_secret", bot_secret=code)
        bot.wait_for_log(r"completed the exercise \(no grade: already sent\)")
        assert len(lms.requests) == 1
        assert SECRET not in bot.log and code not in bot.log
        assert "test-consumer-secret" not in bot.log
    finally:
        lms.close()


def test_the_student_reads_the_congratulation_in_their_chat_in_their_language(prosody, run_bot):
    """The last line of the lesson: the code typed on the page while the student is still in
    the chat (German launch) congratulates them there; after it, no Step 4, no "the code is
    still valid" when OTR ends, no timeout warning."""
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, extra="warning_timeout = 3\n"
                                 "session_timeout = 600\ntimeout_check_interval = 1\n")
    web = WebStudent(base)
    r = web.launch(sign(base + "/", launch_params(locale="de-DE")))
    assert r.status_code == 200, r.text
    web.get("/enter_jid")
    web.post("/enter_jid", jid=student)
    _, word = proof_of(web)

    async def lesson():
        s = await otr_student(prosody, student, PW, bot_jid)
        s.say("hallo " + word)  # the word from the page: the JID is the student's
        await s.read_until("plain", "Schritt 1:")
        web.post("/ask_for_secret", secret=SECRET)
        assert web.last.url.split("?")[0].endswith("/enter_bot_secret"), web.error()
        s.start_otr()
        await s.wait_otr("encrypted")
        await s.read_until("encrypted", "Schritt 3: Authentifiziere mich")
        s.authenticate(SECRET)
        await s.wait_otr("smp_success")
        lines = await s.read_until("encrypted", "Hier ist dein Nachweis")
        code = re.search(r"([A-Z2-9]{4}-[A-Z2-9]{4})", lines[-1][1]).group(1)
        await s.read_until("encrypted", "Schritt 4:")
        page = web.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in page.text, web.error()
        await s.read_until("encrypted", "Du hast den richtigen Code eingegeben: Die Aufgabe ist "
                                        "abgeschlossen. Herzlichen Glückwunsch!")
        s.say("und jetzt?")
        said = await s.read_until("encrypted", "Du hast die Aufgabe abgeschlossen")
        s.end_otr()
        s.say("tschüss")
        said += await s.read_until("plain", "Du hast die Aufgabe abgeschlossen. Gut gemacht!")
        # Past warning_timeout (3 s, checked every second): the bot says why it does not warn.
        await await_log(bot, r"%s is idle but has completed the lesson: not warned" % re.escape(student))
        await s.ping_server()  # anything the bot sent before now has arrived
        while not s.inbox.empty():
            said.append(s.inbox.get_nowait())
        texts = [text for _, text in said]
        assert not any(t.startswith(("Schritt 4", "Bist du noch da")) or "noch gültig" in t
                       for t in texts), texts
        await s.logout()
    asyncio.run(lesson())


def test_an_lms_that_fails_first_gets_the_grade_once_later(prosody, run_bot):
    lms = OutcomeService(failures=[500])
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, tail=FAST_RETRIES)
    try:
        web = WebStudent(base)
        web.launch(sign(base + "/", launch_params(outcome_url=lms.url)))
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        web.post("/enter_bot_secret", bot_secret=code)
        bot.wait_for_log(r"not delivered to \S+ \(the LMS answered HTTP 500\); attempt 2 in")
        bot.wait_for_log(r"grade \d+ of 1\.0 for \S+ accepted by .* \(attempt 2\)")
        seen = lms.wait_for(2)
        assert len(seen) == 2 and all(valid and body_ok for valid, body_ok, _, _ in seen)
    finally:
        lms.close()


def test_an_instructor_launch_completes_without_a_grade(prosody, run_bot):
    lms = OutcomeService()
    student = fresh_account(prosody, "teacher")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    try:
        web = WebStudent(base)
        r = web.launch(sign(base + "/", launch_params(roles="urn:lti:role:ims/lis/Instructor",
                                                      outcome_url=lms.url)))
        assert "no grade is sent" in r.text
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        web.post("/enter_bot_secret", bot_secret=code)
        bot.wait_for_log(r"completed: no grade to send \(not a graded learner launch")
        assert lms.requests == []
    finally:
        lms.close()


@pytest.mark.parametrize("case", ["bad signature", "old timestamp", "unknown consumer key", "replayed nonce"])
def test_bad_launches_are_refused_with_a_clear_page(case, prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    params = launch_params()
    if case == "bad signature":
        body = sign(base + "/", params, secret="not-the-secret")
    elif case == "old timestamp":
        body = sign(base + "/", params, timestamp=int(time.time()) - 3600)
    elif case == "unknown consumer key":
        body = sign(base + "/", params, key="someone-else")
    else:
        body = sign(base + "/", params, nonce="the-same-nonce-twice")
        assert WebStudent(base).launch(body).status_code == 200
    web = WebStudent(base)
    r = web.launch(body)
    assert r.status_code == 401
    assert "This exercise could not be started" in web.error()
    assert "Set-Cookie" not in r.headers
    bot.wait_for_log(r"LTI launch refused \(401\)")
    # Nothing was created: the pages still refuse without a session.
    assert requests.get(base + "/enter_jid", timeout=30).status_code == 403


def test_a_launch_signed_for_the_public_url_behind_a_proxy(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot, lti_extra='public_url = "https://otr.example.edu/lti/"')
    web = WebStudent(base)
    # The LMS signed the public URL; the request reaches the bot on its own address.
    assert web.launch(sign("https://otr.example.edu/lti/", launch_params()), url=base + "/").status_code == 200
    assert "Secure" in web.last.headers["Set-Cookie"]
    assert WebStudent(base).launch(sign(base + "/", launch_params())).status_code == 401


def test_forms_refuse_bad_input_and_keep_the_student_on_the_page(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    web = WebStudent(base)
    web.launch(sign(base + "/", launch_params()))
    web.get("/enter_jid")
    r = web.post("/enter_jid", jid="not a jid")
    assert r.status_code == 400 and "That is not a Jabber ID" in web.error()
    assert 'value="not a jid"' in r.text  # what was typed stays in the field
    csrf = web.csrf
    web.csrf = "forged"
    assert web.post("/enter_jid", jid=student).status_code == 403
    web.csrf = csrf
    web.post("/enter_jid", jid=student)
    # Before the JID is proved, the secret and code forms lead back to the word to send.
    r = web.post("/ask_for_secret", secret=SECRET)
    assert web.last.url.split("?")[0].endswith("/jid_entered") and proof_of(web), web.last.url
    prove(web, student)
    r = web.post("/ask_for_secret", secret="short")
    assert r.status_code == 400
    assert web.error() == "That secret was refused: a secret needs at least 8 characters."
    web.post("/ask_for_secret", secret=SECRET)
    r = web.post("/enter_bot_secret", bot_secret="ABCD-EFGH")
    assert r.status_code == 400 and "not the code" in web.error()
    assert requests.get(base + "/ask_for_secret", params={"s": "forged.token.value"}, timeout=30).status_code == 403
    assert requests.get(base + "/is_up", timeout=30).text == "OK"
    assert requests.get(base + "/no/such/page", timeout=30).status_code == 404
    assert SECRET not in bot.log


def test_the_bot_tells_the_student_when_the_page_refuses_a_weak_secret(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    web = WebStudent(base)
    web.launch(sign(base + "/", launch_params()))
    web.get("/enter_jid")
    assert web.post("/enter_jid", jid=student).status_code == 200
    _, word = proof_of(web)

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        s.say("hi, " + word)
        await s.read_until("plain", "Step 1:")
        assert web.post("/ask_for_secret", secret="aaaabbbb").status_code == 400
        await s.read_until("plain", "was refused: a secret needs at least 5 different characters")
        await s.logout()

    asyncio.run(scenario())


def test_development_mode_serves_the_pages_without_a_launch(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot, lti_extra="enabled = false")
    bot.wait_for_log(r"DEVELOPMENT MODE")
    web = WebStudent(base)
    r = web._remember(web.http.get(base + "/", timeout=30))
    assert r.status_code == 200 and "Development mode" in r.text
    assert web.get("/enter_jid").status_code == 200


def test_a_finished_development_student_starts_again_without_a_restart(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, lti_extra="enabled = false")
    web = WebStudent(base)
    web._remember(web.http.get(base + "/", timeout=30))
    through_the_pages(web, student)
    code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
    r = web.post("/enter_bot_secret", bot_secret=code)
    assert 'id="done"' in r.text and 'action="/start_again"' in r.text
    old_token = web.token
    r = web.post("/start_again")
    assert web.last.url == base + "/" and 'id="start"' in r.text and "Step 0 of 4" in web.step()
    assert 'id="start_again"' not in r.text  # the first page has "Start", not both
    bot.wait_for_log(r"session of %s ended \(development mode: the student starts again\)"
                     % re.escape(student))
    assert "ended by the admin API" not in bot.log
    assert web.token != old_token
    assert requests.get(base + "/enter_jid", params={"s": old_token}, timeout=30).status_code == 403
    # The same student goes through the whole lesson again, with a new key.
    through_the_pages(web, student)
    again = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
    r = web.post("/enter_bot_secret", bot_secret=again)
    assert 'id="done"' in r.text, web.error()
    keys = re.findall(r"OTR key ready for %s: fingerprint (\S+)" % re.escape(student), bot.log)
    assert len(keys) == 2 and keys[0] != keys[1]


def test_development_mode_error_pages_lead_back_to_the_start(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot, lti_extra="enabled = false")
    r = requests.get(base + "/no_such_page", timeout=30)
    assert r.status_code == 404
    assert "Development mode" in r.text and '<a class="button" id="start_again" href="/">' in r.text
    # Start again is development mode's only: with an LMS, there is no such page.
    bot2, _, base2 = web_bot(prosody, run_bot)
    assert requests.post(base2 + "/start_again", timeout=30).status_code == 404


def test_without_development_mode_a_plain_visit_is_refused(prosody, run_bot):
    bot, bot_jid, base = web_bot(prosody, run_bot)
    r = requests.get(base + "/", timeout=30)
    assert r.status_code == 400 and "needs an LTI launch" in r.text


def test_hostile_requests_get_clear_errors_and_the_server_stays_up(prosody, run_bot):
    import socket
    bot, bot_jid, base = web_bot(prosody, run_bot)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert requests.post(base + "/", data="x=" + "a" * 200_000, headers=form, timeout=30).status_code == 413
    assert requests.post(base + "/", data="%zz=%", headers=form, timeout=30).status_code == 400
    assert requests.post(base + "/enter_jid", data="jid=x", headers=form, timeout=30).status_code == 403
    r = requests.request("PATCH", base + "/", timeout=30)
    assert r.status_code == 405 and r.headers["Allow"] == "POST, GET"
    host, port = base[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 4")
    r = requests.get(base + "/is_up", timeout=30)
    assert r.status_code == 200 and r.text == "OK"
    assert bot.proc.poll() is None


GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeRequest xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
  <imsx_POXHeader><imsx_POXRequestHeaderInfo><imsx_version>V1.0</imsx_version>
    <imsx_messageIdentifier>m1</imsx_messageIdentifier></imsx_POXRequestHeaderInfo></imsx_POXHeader>
  <imsx_POXBody><replaceResultRequest><resultRecord>
    <sourcedGUID><sourcedId>sid-1</sourcedId></sourcedGUID>
    <result><resultScore><language>en</language><textString>1.0</textString></resultScore></result>
  </resultRecord></replaceResultRequest></imsx_POXBody>
</imsx_POXEnvelopeRequest>"""


@pytest.mark.parametrize("case", ["two declarations", "other namespace", "no sourcedId", "no message id",
                                  "score above 1", "score not a number", "not XML"])
def test_the_test_lms_refuses_what_a_strict_lms_refuses(case):
    """The test LMS is no kind fake: it reads requests as libxml2 and the LTI 1.1
    Basic Outcomes structure demand, so a bot bug there fails the grade tests."""
    assert read_replace_result(GOOD.encode()) == ("sid-1", "1.0", None)
    body = {
        "two declarations": '<?xml version="1.0" encoding="UTF-8"?>\n' + GOOD,
        "other namespace": GOOD.replace("imsoms_v1p0", "imsoms_v2"),
        "no sourcedId": GOOD.replace("<sourcedId>sid-1</sourcedId>", ""),
        "no message id": GOOD.replace("<imsx_messageIdentifier>m1</imsx_messageIdentifier>", ""),
        "score above 1": GOOD.replace(">1.0<", ">1.5<"),
        "score not a number": GOOD.replace(">1.0<", ">full<"),
        "not XML": GOOD.replace("</imsx_POXBody>", ""),
    }[case]
    _, _, problem = read_replace_result(body.encode())
    assert problem, case


def test_a_grade_request_the_lms_cannot_read_is_answered_with_failure(prosody, run_bot):
    """What the LMS answers to an unreadable request (imsx_codeMajor failure) is what
    the bot sees: it is not counted as delivered."""
    import requests as http
    lms = OutcomeService()
    try:
        r = http.post(lms.url, data=b'<?xml version="1.0"?>\n' + GOOD.encode(), timeout=30)
        assert r.status_code == 200
        assert "<imsx_codeMajor>failure</imsx_codeMajor>" in r.text
        assert lms.refused and "not well-formed" in lms.refused[0]
    finally:
        lms.close()


def _bot_with_manager_gate(prosody, run_bot, gate):
    """A bot whose session manager is held while the file `gate` exists; its web base URL."""
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=(), web_port=port),
                  env={"OTRBOT_TEST_MANAGER_GATE": gate})
    bot.wait_for_log(r"\[manager\] online")
    bot.wait_for_web(port)
    return bot, "http://127.0.0.1:%d" % port


def test_the_pages_and_is_up_keep_answering_while_the_session_manager_is_held(prosody, run_bot, tmp_path):
    """Pistache's threads never wait for the bot: while the session manager is
    stuck in one student's request (a test hook holds it), other requests of
    that kind queue in the actors, and /is_up, a new launch and its pages are
    answered. (Before the web side was made of actors, two such requests took
    both of Pistache's threads, and everything waited.)"""
    import threading
    gate = str(tmp_path / "manager-gate")
    bot, base = _bot_with_manager_gate(prosody, run_bot, gate)
    students = [fresh_account(prosody, "held") for _ in range(3)]
    webs = []
    for i, _ in enumerate(students):
        web = WebStudent(base)
        assert web.launch(sign(base + "/", launch_params(user="held-%d" % i))).status_code == 200
        assert web.get("/enter_jid").status_code == 200
        webs.append(web)
    open(gate, "w").close()
    done = {}

    def submit(i):
        webs[i].post("/enter_jid", jid=students[i])
        done[i] = webs[i].last.url

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    try:
        bot.wait_for_log(r"test hook: the session manager is held while")
        # More requests than Pistache has threads are now waiting for the manager.
        r = requests.get(base + "/is_up", timeout=5)
        assert r.status_code == 200 and r.text == "OK"
        late = WebStudent(base)
        late.http.request = _bounded(late.http.request)
        assert late.launch(sign(base + "/", launch_params(user="late"))).status_code == 200
        assert late.get("/enter_jid").status_code == 200 and 'name="jid"' in late.last.text
        assert done == {}  # the held ones are still waiting
    finally:
        os.remove(gate)
    for t in threads:
        t.join(timeout=60)
    assert sorted(done) == [0, 1, 2]
    assert all(url.split("?")[0].endswith("/jid_entered") for url in done.values()), done


def test_a_page_whose_manager_does_not_answer_says_so_when_its_deadline_passes(prosody, run_bot, tmp_path):
    """The web actor keeps its requests' deadlines itself (one timer, not CAF's clock per
    request): a JID sent while the session manager is held gets the 503 page that says the bot
    could not add it, once the 8 s deadline has passed, and the same page works once the manager
    is free again. The page comes from the deadline, not from the manager: it is written while
    the manager is still held."""
    gate = str(tmp_path / "manager-gate")
    bot, base = _bot_with_manager_gate(prosody, run_bot, gate)
    student = fresh_account(prosody, "late")
    web = WebStudent(base)
    assert web.launch(sign(base + "/", launch_params(user="deadline"))).status_code == 200
    assert web.get("/enter_jid").status_code == 200
    open(gate, "w").close()
    try:
        web.http.request = _bounded(web.http.request, 30)
        r = web.post("/enter_jid", jid=student)
        assert r.status_code == 503, r.text[:2000]
        assert "The bot could not add you; try again." in r.text
        assert os.path.exists(gate)  # answered by the deadline: the manager is still held
        bot.wait_for_log(r"the session manager did not answer: .*request_timeout")
    finally:
        os.remove(gate)
    r = web.post("/enter_jid", jid=student)
    assert r.status_code == 200 and web.last.url.split("?")[0].endswith("/jid_entered"), r.text[:2000]


def _bounded(request, seconds=5):
    """requests' call with a bound (5 s): a page that waits for a held manager fails the test."""
    def call(*args, **kw):
        kw["timeout"] = seconds
        return request(*args, **kw)
    return call
