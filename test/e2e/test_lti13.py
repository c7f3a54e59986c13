"""LTI 1.3 against a platform written with python3-jwt and python3-cryptography (platform13.py):
the OIDC login and launch, the lesson, one AGS score with a token the platform issued for the
tool's own client assertion; every refusal the launch must make; key rotation; dynamic
registration; and a launch in headless Chromium from login to grade."""
import asyncio
import hashlib
import hmac
import json
import os
import re
import time
import urllib.parse

import jwt

from harness import bot_config, devenv, fresh_account, store_section
from lms import WebStudent
from cryptography.hazmat.primitives import serialization

from platform13 import CLAIM, SCORE_SCOPE, Platform, lti13_section, make_invite, new_key, register
from lms import PW, do_lesson_in_chat, through_the_pages
from tool13 import Login, b64, http, lti13_bot, refusal


def test_login_redirects_to_the_platform_with_the_oidc_request_and_a_bound_state(prosody, run_bot):
    platform = Platform()
    try:
        bot, _, base = lti13_bot(prosody, run_bot, platform)
        # The tool's key, made at the first start beside the store, private to the bot.
        key = os.path.join(os.path.dirname(bot.config_path), "lti13-key.pem")
        assert os.stat(key).st_mode & 0o777 == 0o600
        bot.wait_for_log(r"LTI 1\.3: made the tool's key %s" % re.escape(key))
        login = Login(base, platform)
        assert login.response.status_code == 302, login.response.text
        assert login.location.startswith(platform.issuer + "/auth?")
        q = login.query
        assert (q["scope"], q["response_type"], q["response_mode"], q["prompt"]) == \
            ("openid", "id_token", "form_post", "none")
        assert q["client_id"] == platform.client_id and q["login_hint"] == "student-13"
        assert q["redirect_uri"] == base + "/lti13/launch" and q["lti_message_hint"] == "hint"
        assert len(q["state"]) >= 32 and len(q["nonce"]) >= 32 and q["state"] != q["nonce"]
        assert {"HttpOnly", "Secure", "SameSite=None", "Partitioned"} <= set(login.cookie_attributes)
        # The tool's key set: one RSA key, read by PyJWT.
        jwks = http().get(base + "/lti13/jwks", timeout=30).json()
        assert [k["kty"] for k in jwks["keys"]] == ["RSA"] and jwks["keys"][0]["kid"] == "otrbot-1"
        jwt.PyJWK(jwks["keys"][0])
        # A login for another tool's address.
        r = http().get(base + "/lti13/login", params={"iss": platform.issuer, "login_hint": "x",
                                                     "target_link_uri": "https://other-tool.example/launch"},
                       allow_redirects=False, timeout=30)
        assert r.status_code == 400 and "another tool" in refusal(r)
        # A platform the bot does not know.
        r = http().get(base + "/lti13/login", params={"iss": "https://elsewhere.example", "login_hint": "x",
                                                     "target_link_uri": base + "/lti13/launch"}, timeout=30)
        assert r.status_code == 400 and "not registered" in refusal(r)
    finally:
        platform.close()


def test_a_key_file_that_is_not_a_key_stops_the_start_with_exit_3(prosody, run_bot, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
    bot = run_bot(bot_config(prosody, tail=lti13_section(key_file=str(bad))))
    assert bot.wait_exit() == 3
    assert "bad setting lti13.private_key_file: %s: it is not a PEM private key" % bad in bot.log


def test_a_student_launched_by_lti13_completes_and_the_platform_gets_one_score(prosody, run_bot):
    platform = Platform()
    student = fresh_account(prosody, "student")
    try:
        bot, bot_jid, base = lti13_bot(prosody, run_bot, platform)
        login = Login(base, platform)
        id_token = platform.sign(platform.claims(login.nonce))
        r = login.launch(id_token)
        assert r.status_code == 200, refusal(r)
        web = WebStudent(base)
        web._remember(r)
        assert 'id="start"' in r.text
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        r = web.post("/enter_bot_secret", bot_secret=code)
        assert "completed the exercise" in r.text
        scores = platform.wait_for("scores", 1)
        path, score, ok = scores[0]
        assert ok and path == "/lineitems/7/lineitem/scores"
        assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("student-13", 1, 1)
        assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", score["timestamp"])
        assert platform.token_requests == [(True, None)]
        bot.wait_for_log(r"grade 1 of 1\.0 for %s accepted" % re.escape(student))
        # No token, state, nonce, browser binding or access token in the log (debug level).
        log = bot.log
        for secret in [id_token, id_token.split(".")[2], login.state, login.nonce,
                       login.cookie.split("=", 1)[1], code] + sorted(platform.tokens):
            assert secret not in log
    finally:
        platform.close()


def test_every_launch_that_cannot_be_trusted_is_refused_with_its_reason(prosody, run_bot):
    platform = Platform()
    try:
        bot, _, base = lti13_bot(prosody, run_bot, platform)
        stranger = new_key()

        def refused(token_for, status, reason, **login_extra):
            login = Login(base, platform, **login_extra)
            assert login.response.status_code == 302
            r = login.launch(token_for(login))
            assert r.status_code == status and reason in refusal(r), (r.status_code, refusal(r))

        kid = platform.keys[-1][0]
        # Signed by someone else under the platform's key id.
        refused(lambda l: jwt.encode(platform.claims(l.nonce), stranger, algorithm="RS256",
                                     headers={"kid": kid}), 401, "signature is wrong")
        # alg=none, and HS256 with the platform's public key as the HMAC secret.
        refused(lambda l: jwt.encode(platform.claims(l.nonce), None, algorithm="none"),
                401, "not signed with RS256")

        def hs256(login):
            # The classic confusion: the public key (as PEM) used as an HMAC secret.
            pem = platform.keys[-1][1].public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
            body = b64(json.dumps(platform.claims(login.nonce)).encode())
            sig = b64(hmac.new(pem, (head + "." + body).encode(), hashlib.sha256).digest())
            return head + "." + body + "." + sig
        refused(hs256, 401, "not signed with RS256")
        # Meant for another tool; expired; issued in the future; another platform's iss.
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), aud="another-tool")), 401, "another tool")
        now = int(time.time())
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), iat=now - 4000, exp=now - 3600)),
                401, "expired")
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), iat=now + 3600, exp=now + 4000)),
                401, "future")
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), iss="https://elsewhere.example")),
                401, "another platform")
        # Not valid yet (nbf); valid for ten years; an extension the bot must understand (crit,
        # which PyJWT signs as given); a time beyond any integer.
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), nbf=now + 3600)), 401, "not valid yet")
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), iat=now, exp=now + 10 * 365 * 86400)),
                401, "valid for too long")
        refused(lambda l: platform.sign(platform.claims(l.nonce), headers={"crit": ["exp"]}), 401,
                "extensions the bot does not know")
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), exp=1e30)), 401, "no exp or iat")
        # Not a resource link launch; not 1.3.0; the nonce of another login.
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), **{CLAIM + "message_type": "LtiDeepLinkingRequest"})),
                400, "not a resource link launch")
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), **{CLAIM + "version": "1.1"})),
                400, "not LTI version 1.3.0")
        refused(lambda l: platform.sign(dict(platform.claims(l.nonce), **{CLAIM + "target_link_uri": "https://other-tool.example/launch"})),
                400, "another tool&apos;s address")
        first = Login(base, platform)
        refused(lambda l: platform.sign(platform.claims(first.nonce)), 401, "nonce is not this login")

        # A launch works once: replayed (same token, state and cookie), its nonce was used.
        login = Login(base, platform)
        token = platform.sign(platform.claims(login.nonce))
        assert login.launch(token).status_code == 200
        r = login.launch(token)
        assert r.status_code == 401 and "already used" in refusal(r)
        # A state from another login: the cookie this browser has is for the other state.
        a, b = Login(base, platform), Login(base, platform)
        r = a.launch(platform.sign(platform.claims(b.nonce)), state=b.state)
        assert r.status_code == 401 and 'id="new_window"' in r.text
        # Login CSRF: the binding posted from another site's page (an attacker's state, id_token
        # and bind, posted from a victim's browser) is ignored; from the tool's own page it binds.
        for evil in ({"Origin": "https://attacker.example", "Sec-Fetch-Site": "cross-site"},
                     {"Origin": "https://attacker.example"}, {}):
            d = Login(base, platform)
            bind = d.cookie.split("=", 1)[1]
            r = d.launch(platform.sign(platform.claims(d.nonce)), cookie="", bind=bind, headers=evil)
            assert r.status_code == 401, (evil, r.status_code)
        bot.wait_for_log(r"a browser binding posted from another site \(Origin https://attacker\.example")
        for own in ({"Sec-Fetch-Site": "same-origin", "Origin": base}, {"Origin": base}):
            d = Login(base, platform)
            bind = d.cookie.split("=", 1)[1]
            r = d.launch(platform.sign(platform.claims(d.nonce)), cookie="", bind=bind, headers=own)
            assert r.status_code == 200, (own, r.status_code, refusal(r))
        # Without any cookie and without platform storage: the page offers a new window, whose
        # login starts again at this tool (a first-party cookie there).
        c = Login(base, platform)
        r = c.launch(platform.sign(platform.claims(c.nonce)), cookie="")
        assert r.status_code == 401
        href = re.search(r'id="new_window" href="([^"]+)"', r.text).group(1).replace("&amp;", "&")
        again = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(href).query))
        assert href.startswith(base + "/lti13/login?") and again["iss"] == platform.issuer and again["login_hint"] == "student-13"
        for reason in ("signature is wrong", "another tool", "expired", "nonce is not this login"):
            bot.wait_for_log(r"LTI 1\.3 launch from \S+ refused \(\d+\): .*" + re.escape(reason))
        assert bot.proc.poll() is None
    finally:
        platform.close()


def test_fixed_deployments_refuse_an_unknown_one_and_open_ones_are_recorded(prosody, run_bot):
    platform = Platform()
    try:
        bot, _, base = lti13_bot(prosody, run_bot, platform, deployment_ids=["deployment-9"])
        login = Login(base, platform, lti_deployment_id="deployment-1")
        assert login.response.status_code == 403 and "deployment" in refusal(login.response)
        login = Login(base, platform)  # the login does not say: the token does
        r = login.launch(platform.sign(platform.claims(login.nonce)))
        assert r.status_code == 403 and "deployment is not one this tool accepts" in refusal(r)
    finally:
        platform.close()
    platform = Platform()
    try:
        bot, _, base = lti13_bot(prosody, run_bot, platform)
        login = Login(base, platform)
        assert login.launch(platform.sign(platform.claims(login.nonce))).status_code == 200
        bot.wait_for_log(r"a new deployment deployment-1 of platform %s" % re.escape(platform.issuer))
    finally:
        platform.close()


def test_the_platform_rotates_its_key_and_the_next_launch_still_validates(prosody, run_bot):
    platform = Platform()
    try:
        bot, _, base = lti13_bot(prosody, run_bot, platform)
        login = Login(base, platform)
        assert login.launch(platform.sign(platform.claims(login.nonce))).status_code == 200
        platform.rotate()
        login = Login(base, platform)
        r = login.launch(platform.sign(platform.claims(login.nonce)))
        assert r.status_code == 200, refusal(r)
        bot.wait_for_log(r"fetched the platform key set \S+ again")
        # The old key is gone from the set: a token signed with it no longer validates.
        login = Login(base, platform)
        r = login.launch(platform.sign(platform.claims(login.nonce), key_index=0))
        assert r.status_code == 401
    finally:
        platform.close()


def test_dynamic_registration_registers_stores_and_launches(prosody, run_bot, tmp_path):
    platform = Platform(client_id="registered-client")
    try:
        bot_jid = fresh_account(prosody, "bot")
        port = devenv.free_port()
        config = bot_config(prosody, bot=bot_jid, password=PW, web_port=port,
                            tail=lti13_section(None) + store_section(str(tmp_path / "kept.db")))
        bot = run_bot(config)
        bot.wait_for_log(r"\[manager\] online")
        base = "http://127.0.0.1:%d" % port
        platform.tool_jwks_url = base + "/lti13/jwks"
        r = register(base, platform, "otrbot-invite:" + "x" * 40)
        assert r.status_code == 403 and "not valid or has expired" in refusal(r)
        assert platform.registrations == []
        invite = make_invite(bot)
        r = register(base, platform, invite)
        assert r.status_code == 200 and 'data-action="close"' in r.text, r.text
        token, request = platform.registrations[0]
        assert token == "Bearer " + platform.registration_token
        assert request["initiate_login_uri"] == base + "/lti13/login"
        assert request["redirect_uris"] == [base + "/lti13/launch"]
        assert request["jwks_uri"] == base + "/lti13/jwks"
        assert SCORE_SCOPE in request["scope"].split() and request["token_endpoint_auth_method"] == "private_key_jwt"
        tool = request["https://purl.imsglobal.org/spec/lti-tool-configuration"]
        assert tool["messages"][0]["type"] == "LtiResourceLinkRequest" and tool["domain"] == "127.0.0.1"
        login = Login(base, platform)
        assert login.response.status_code == 302
        assert login.launch(platform.sign(platform.claims(login.nonce))).status_code == 200
        assert invite not in bot.log and platform.registration_token not in bot.log
        # Kept across a restart; the invite stays used.
        bot.stop()
        bot = run_bot(config)
        bot.wait_for_log(r"LTI 1\.3: 1 platform registration\(s\)")
        bot.wait_for_log(r"web pages on")
        login = Login(base, platform)
        assert login.response.status_code == 302
        r = register(base, platform, invite)
        assert r.status_code == 403 and "used already" in refusal(r)
        assert len(platform.registrations) == 1
    finally:
        platform.close()
