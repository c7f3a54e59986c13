"""The admin REST API: bearer token, whitelist and sessions, JSON in and out."""
import asyncio

import requests

from harness import await_log, bot_config, devenv, fresh_account
from otr_peer import otr_student

PW = "pw-for-tests"
TOKEN = "admin-token-for-tests-0123456789"


def admin_bot(prosody, run_bot, token=TOKEN, whitelist=(), lti_extra=""):
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=whitelist, web_port=port,
                             admin_token=token, lti_extra=lti_extra))
    bot.wait_for_log(r"\[manager\] online")
    bot.wait_for_web(port)
    return bot, bot_jid, "http://127.0.0.1:%d/admin" % port


def auth(token=TOKEN):
    return {"Authorization": "Bearer " + token}


def test_without_a_token_configured_the_admin_api_does_not_exist(prosody, run_bot):
    bot, bot_jid, api = admin_bot(prosody, run_bot, token="")
    for method, path in (("GET", "/whitelist"), ("POST", "/whitelist"), ("DELETE", "/whitelist/a@b.c"),
                         ("GET", "/sessions"), ("DELETE", "/sessions/a@b.c"), ("GET", "/nothing")):
        r = requests.request(method, api + path, headers=auth("anything"), timeout=30)
        assert r.status_code == 404, (method, path)
        assert r.json() == {"error": "not found"}


def test_a_missing_or_wrong_token_is_401(prosody, run_bot):
    bot, bot_jid, api = admin_bot(prosody, run_bot)
    assert requests.get(api + "/whitelist", timeout=30).status_code == 401
    for header in ("Bearer wrong", "Bearer " + TOKEN[:-1], "Basic " + TOKEN, TOKEN, "Bearer  " + TOKEN):
        r = requests.get(api + "/whitelist", headers={"Authorization": header}, timeout=30)
        assert r.status_code == 401, header
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert "error" in r.json()
    assert TOKEN not in bot.log


def test_behind_a_trusted_proxy_wrong_tokens_lock_out_their_client_only(prosody, run_bot):
    """The compose proxy sets X-Forwarded-For to the client's address: ten wrong tokens from one
    client refuse that client for the minute, not everyone behind the proxy."""
    bot, bot_jid, api = admin_bot(prosody, run_bot, lti_extra="trust_forwarded_headers = true")
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(10):
        r = requests.get(api + "/whitelist", headers=dict(auth("wrong"), **guesser), timeout=30)
        assert r.status_code == 401
    r = requests.get(api + "/whitelist", headers=dict(auth(), **guesser), timeout=30)
    assert r.status_code == 429  # even with the right token, for the rest of the minute
    # The admin, another client behind the same proxy, still gets in; a chain a client wrote
    # itself counts by its right-most entry, the one the proxy added.
    admin = {"X-Forwarded-For": "203.0.113.7, 198.51.100.2"}
    assert requests.get(api + "/whitelist", headers=dict(auth(), **admin), timeout=30).status_code == 200
    bot.wait_for_log(r"admin API: 10 wrong tokens from 203\.0\.113\.7 in a minute")


def test_the_whitelist_and_sessions_through_the_api(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, api = admin_bot(prosody, run_bot, whitelist=("teacher@localhost",))
    assert requests.get(api + "/whitelist", headers=auth(), timeout=30).json() == \
        [{"jid": "teacher@localhost", "locale": "en_GB"}]
    r = requests.post(api + "/whitelist", headers=auth(), json={"jid": student.upper(), "locale": "nl_NL"},
                      timeout=30)
    assert r.status_code == 201 and r.json() == {"jid": student, "locale": "nl_NL"}
    for bad in ({"jid": "not a jid"}, {"locale": "nl_NL"}, {"jid": 42}, [1, 2],
                {"jid": "x@localhost", "locale": "dutch"}):
        r = requests.post(api + "/whitelist", headers=auth(), json=bad, timeout=30)
        assert r.status_code == 400 and "error" in r.json(), bad
    r = requests.post(api + "/whitelist", headers=dict(auth(), **{"Content-Type": "application/json"}),
                      data="{not json", timeout=30)
    assert r.status_code == 400

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        # Whitelisted at run time: the bot invites the student.
        await s.wait_presence(bot_jid, "subscribe")
        s.say("hello")
        # Whitelisted with nl_NL: the bot speaks Dutch to this student.
        await s.read_until("plain", "Stap 1:")
        s.start_otr()
        await s.wait_otr("encrypted")
        await await_log(bot, student + r": awaiting_otr -> encrypted")
        sessions = requests.get(api + "/sessions", headers=auth(), timeout=30).json()
        assert len(sessions) == 1
        assert sessions[0]["jid"] == student and sessions[0]["step"] == "encrypted"
        assert sessions[0]["locale"] == "nl_NL" and sessions[0]["last_activity"] > 1_700_000_000
        # Ending the session: the sign-out line, then offline for the student.
        assert requests.delete(api + "/sessions/" + student, headers=auth(), timeout=30).status_code == 204
        await s.read_until("encrypted", "Je sessie is afgelopen")
        await s.wait_presence(bot_jid, "unavailable")
        await s.logout()

    asyncio.run(scenario())
    assert requests.get(api + "/sessions", headers=auth(), timeout=30).json() == []
    assert requests.delete(api + "/sessions/" + student, headers=auth(), timeout=30).status_code == 404
    assert requests.delete(api + "/whitelist/nobody%40localhost", headers=auth(), timeout=30).status_code == 404
    assert requests.delete(api + "/whitelist/teacher%40localhost", headers=auth(), timeout=30).status_code == 204
    assert requests.get(api + "/whitelist", headers=auth(), timeout=30).json() == []


def test_a_student_whitelisted_again_after_a_timeout_gets_a_fresh_key(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=(student,), web_port=port,
                             admin_token=TOKEN,
                             extra="warning_timeout = 3\nsession_timeout = 6\ntimeout_check_interval = 1"))
    bot.wait_for_log(r"\[manager\] online")
    bot.wait_for_web(port)
    api = "http://127.0.0.1:%d/admin" % port

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        s.start_otr()
        await s.wait_otr("encrypted")
        first = s.bot_fingerprint()
        await s.read_until("encrypted", "Your session has ended")
        await await_log(bot, r"session of %s ended \(inactive\)" % student)
        r = requests.post(api + "/whitelist", headers=auth(), json={"jid": student}, timeout=30)
        assert r.status_code == 201
        s.end_otr()  # the bot ended OTR; the client returns to plaintext
        s.start_otr()
        await s.wait_otr("encrypted")
        assert s.bot_fingerprint() != first, "a new session has a new key"
        await s.logout()

    asyncio.run(scenario())
