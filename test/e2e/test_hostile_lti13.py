"""Hostile input, LTI 1.3: a platform's takeover by dynamic registration, registration invites, a
flood of logins, a platform's URLs into the school's network, a slow key set, a grade service on
another host. The platforms are played by platform13.py (python3-jwt), the bot is the real one."""
import re
import subprocess
import threading

import requests

from harness import BINARY, devenv
from platform13 import Platform, make_invite, register
from tool13 import Login, http, lti13_bot, refusal

TOKEN = "admin-token-for-lti13-hostile-tests"


def rss_kib(bot):
    with open("/proc/%d/status" % bot.proc.pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def test_a_registration_cannot_speak_for_a_platform_set_by_hand(prosody, run_bot):
    real = Platform()
    # Another site (127.0.0.1, not localhost) whose configuration claims the real issuer, with
    # every endpoint its own: the old Canvas exception let it in.
    attacker = Platform(client_id="attacker", host="127.0.0.1")
    attacker.config_hook = lambda c: dict(c, issuer=real.issuer)
    try:
        bot, _, base = lti13_bot(prosody, run_bot, real)
        r = register(base, attacker, make_invite(bot))
        assert r.status_code == 502, r.text
        assert attacker.registrations == []
        bot.wait_for_log(r"is not on the host of its configuration URL")
        # The real platform's logins still go to the real platform, and its launches work.
        login = Login(base, real)
        assert login.location.startswith(real.issuer + "/auth?")
        assert login.launch(real.sign(real.claims(login.nonce))).status_code == 200
    finally:
        real.close()
        attacker.close()


def test_a_registration_never_replaces_a_registered_platform(prosody, run_bot):
    platform = Platform(client_id="registered-once")
    liar = Platform(client_id="liar", host="127.0.0.1")
    liar.config_hook = lambda c: dict(c, issuer=platform.issuer)
    try:
        bot, _, base = lti13_bot(prosody, run_bot, None)
        platform.tool_jwks_url = base + "/lti13/jwks"
        assert register(base, platform, make_invite(bot)).status_code == 200
        bot.wait_for_log(r"platform %s \(client registered-once\) registered" % re.escape(platform.issuer))
        # The same platform and client again (a second invite): refused, nothing replaced.
        r = register(base, platform, make_invite(bot))
        assert r.status_code == 409, r.text
        bot.wait_for_log(r"registration refused: the platform .* is registered already")
        # Another host speaking for its issuer: refused before anything is sent to it.
        assert register(base, liar, make_invite(bot)).status_code == 502
        assert liar.registrations == []
        login = Login(base, platform)
        assert login.location.startswith(platform.issuer + "/auth?")
        assert login.launch(platform.sign(platform.claims(login.nonce))).status_code == 200
    finally:
        platform.close()
        liar.close()


def test_invites_are_typed_on_the_page_used_once_and_bound_to_their_host(prosody, run_bot):
    platform = Platform(client_id="invited")
    try:
        bot, _, base = lti13_bot(prosody, run_bot, None, admin_token=TOKEN)
        platform.tool_jwks_url = base + "/lti13/jwks"
        admin = {"Authorization": "Bearer " + TOKEN}
        # The admin API makes one (valid for two hours here); bad bodies are refused.
        for bad in ({"hours": 0}, {"hours": 721}, {"hours": "2"}, {"host": "https://x.example"}):
            assert http().post(base + "/admin/lti13/invites", json=bad, headers=admin, timeout=30).status_code == 400
        assert http().post(base + "/admin/lti13/invites", json={}, timeout=30).status_code == 401
        made = http().post(base + "/admin/lti13/invites", json={"hours": 2}, headers=admin, timeout=30)
        assert made.status_code == 201, made.text
        answer = made.json()
        invite = answer["invite"]
        assert answer["register_url"] == base + "/lti13/register" and answer["host"] == ""
        # The registration page's URL carries no invite: the platform's own parameters only.
        page = http().get(base + "/lti13/register", params=platform.registration_params(), timeout=30)
        assert "invite" not in page.url and 'id="invite"' in page.text
        # Posted from another site (a forged form): refused, the invite stays good.
        r = register(base, platform, invite, headers={"Sec-Fetch-Site": "cross-site"})
        assert r.status_code == 403 and "from this page" in refusal(r)
        # An invite for another platform's host: refused.
        other = make_invite(bot, host="moodle.example.edu")
        r = register(base, platform, other)
        assert r.status_code == 403 and "for another platform" in refusal(r)
        # Used once; the second time it is spent.
        assert register(base, platform, invite).status_code == 200
        r = register(base, platform, invite)
        assert r.status_code == 403 and "used already" in refusal(r)
        assert len(platform.registrations) == 1
        # The command line refuses what makes no invite.
        bad = subprocess.run([BINARY, "lti13-invite", "--config", bot.config_path, "--hours", "0"],
                             capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2 and "--hours" in bad.stderr and bad.stdout == ""
        assert invite not in bot.log and other not in bot.log
    finally:
        platform.close()


def test_a_flood_of_logins_keeps_nothing_and_real_logins_go_on(prosody, run_bot):
    platform = Platform()
    try:
        # The flood comes from many addresses: the per-address limit is off here.
        bot, _, base = lti13_bot(prosody, run_bot, platform)
        bot.stop()
        text = open(bot.config_path).read().replace("[lti]\n", "[lti]\nmax_requests_per_address_per_minute = 0\n", 1)
        open(bot.config_path, "w").write(text)
        bot.start()
        bot.wait_for_log(r"\[manager\] online")
        session = http()
        params = {"iss": platform.issuer, "target_link_uri": base + "/lti13/launch",
                  "client_id": platform.client_id}

        def flood(count, hint):
            for i in range(count):
                session.cookies.clear()  # a flood keeps no cookies (nor would the client's jar scale)
                r = session.post(base + "/lti13/login", data=dict(params, login_hint=hint + str(i)),
                                 allow_redirects=False, timeout=30)
                yield r.status_code

        assert set(flood(300, "w")) == {302}  # warm-up: the threads' first allocations
        before = rss_kib(bot)
        # 60 KB hints (the bot kept each whole): refused, they are no login.
        assert set(flood(300, "h" * 60_000)) == {400}
        assert set(flood(6000, "small-hint-")) == {302}
        grown = rss_kib(bot) - before
        assert grown < 8 * 1024, "the bot grew by %d KiB over 6,300 logins" % grown
        login = Login(base, platform)
        assert login.response.status_code == 302
        assert login.launch(platform.sign(platform.claims(login.nonce))).status_code == 200
        # The login's state is sealed: a state changed by one character is no login.
        other = Login(base, platform)
        forged = other.state[:-1] + ("0" if other.state[-1] != "0" else "1")
        r = other.launch(platform.sign(platform.claims(other.nonce)), state=forged)
        assert r.status_code == 401
        # Replayed: the nonce was used.
        token = platform.sign(platform.claims(other.nonce))
        assert other.launch(token).status_code == 200
        assert other.launch(token).status_code == 401
    finally:
        platform.close()


def test_a_registered_platforms_urls_are_never_fetched_from_private_addresses(prosody, run_bot):
    platform = Platform(client_id="registered-private")
    try:
        bot, _, base = lti13_bot(prosody, run_bot, None)
        platform.tool_jwks_url = base + "/lti13/jwks"
        assert register(base, platform, make_invite(bot)).status_code == 200
        # The same bot with allow_private_urls = false: its registered platform is on 127.0.0.1.
        bot.stop()
        text = open(bot.config_path).read().replace("allow_private_urls = true", "allow_private_urls = false")
        open(bot.config_path, "w").write(text)
        bot.start()
        bot.wait_for_log(r"web pages on")
        login = Login(base, platform)
        r = login.launch(platform.sign(platform.claims(login.nonce)))
        assert r.status_code == 502 and "keys" in refusal(r)
        assert platform.jwks_requests == 0
        bot.wait_for_log(r"is at (127\.0\.0\.1|::1), a loopback or private address")
    finally:
        platform.close()


def test_a_slow_key_set_holds_up_only_its_own_platform(prosody, run_bot):
    slow, quick = Platform(client_id="slow"), Platform(client_id="quick")
    try:
        bot, _, base = lti13_bot(prosody, run_bot, slow, extra=quick.config_table())
        slow.jwks_gate = threading.Event()
        slow_login = Login(base, slow)
        result = {}
        t = threading.Thread(target=lambda: result.update(
            status=slow_login.launch(slow.sign(slow.claims(slow_login.nonce))).status_code))
        t.start()
        with slow.cond:
            assert slow.cond.wait_for(lambda: slow.jwks_requests >= 1, 60)
        # The slow platform's key set has not answered: the other platform's launch goes on.
        login = Login(base, quick)
        assert login.launch(quick.sign(quick.claims(login.nonce))).status_code == 200
        assert t.is_alive()
        slow.jwks_gate.set()
        t.join(60)
        assert result["status"] == 200
        # Its set is cached now: served without asking the platform again, tarpit or not.
        slow.jwks_gate = threading.Event()
        again = Login(base, slow)
        assert again.launch(slow.sign(slow.claims(again.nonce))).status_code == 200
        assert slow.jwks_requests == 1
        slow.jwks_gate.set()
    finally:
        slow.close()
        quick.close()


def test_a_grade_service_on_another_host_is_refused(prosody, run_bot):
    platform = Platform()
    try:
        bot, _, base = lti13_bot(prosody, run_bot, platform)
        login = Login(base, platform)
        claims = platform.claims(login.nonce)
        claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitem"] = \
            "http://127.0.0.2:%d/lineitems/1/lineitem" % devenv.free_port()
        r = login.launch(platform.sign(claims))
        assert r.status_code == 400 and "grade service" in refusal(r)
        bot.wait_for_log(r"grade_hosts")
    finally:
        platform.close()
