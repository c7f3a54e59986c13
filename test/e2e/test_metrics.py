"""GET /metrics on [metrics] listen, read by an independent parser (Debian's
python3-prometheus-client): every family there with its type, and each counter moving when its
event happens: a refused and an accepted LTI 1.1 launch, a whole lesson (steps, the SMP checks,
the completion), a grade that fails once and is then delivered, a session ended by an admin
before its lesson was done, a cut XMPP connection, the store's writes and the HTTP requests."""
import asyncio
import os
import sys
import threading
import types

import pytest
import requests

from harness import ROOT, bot_config, devenv, fresh_account
from lms import (FAST_RETRIES, PW, OutcomeService, WebStudent, do_lesson_in_chat, launch_params,
                 sign, through_the_pages)
from otr_peer import otr_student

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import chaos_faults  # noqa: E402  (the fault harness's proxy: cuts the bot's connection)

TOKEN = "metrics-test-admin-token"
FAMILIES = {
    "otrbot_lessons_started": "counter", "otrbot_lessons_completed": "counter",
    "otrbot_lessons_abandoned": "counter", "otrbot_lesson_steps_reached": "counter",
    "otrbot_lesson_step_duration_seconds": "histogram", "otrbot_smp_outcomes": "counter",
    "otrbot_sessions_open": "gauge", "otrbot_students_stuck": "gauge", "otrbot_key_pool_keys": "gauge",
    "otrbot_key_pool_waiters": "gauge", "otrbot_crypto_job_seconds": "histogram",
    "otrbot_crypto_jobs_waiting": "gauge", "otrbot_grade_outbox": "gauge",
    "otrbot_grade_delivery_attempts": "counter", "otrbot_lti_launches": "counter",
    "otrbot_http_requests": "counter", "otrbot_http_request_duration_seconds": "histogram",
    "otrbot_xmpp_reconnects": "counter", "otrbot_xmpp_stanzas": "counter",
    "otrbot_xmpp_reply_seconds": "histogram",
    "otrbot_store_write_duration_seconds": "histogram", "otrbot_store_write_retries": "counter",
    "otrbot_build_info": "gauge",
}


def scrape(url):
    """{(sample name, frozenset of labels): value} and {family: type}, as the parser reads them."""
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        pytest.fail("python3-prometheus-client is needed: run scripts/install-deps.sh")
    r = requests.get(url, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples, types_ = {}, {}
    for family in text_string_to_metric_families(r.text):
        types_[family.name] = family.type
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples, types_


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


def test_metrics_are_off_unless_an_address_is_given_and_never_on_the_pages_port(prosody, run_bot):
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, web_port=port))
    bot.wait_for_log(r"\[manager\] online")
    assert "metrics on" not in bot.log
    assert requests.get("http://127.0.0.1:%d/metrics" % port, timeout=30).status_code == 404


def test_each_metric_moves_when_its_event_happens(prosody, run_bot):
    lms = OutcomeService(failures=(500,))  # the first grade attempt fails, the second lands
    # The proxy runs on a loop of its own, in a thread, while the test's steps run their own.
    proxy, loop = chaos_faults.Proxy(prosody.port), asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(proxy.start(), loop).result(30)
    student, other = fresh_account(prosody, "student"), fresh_account(prosody, "other")
    bot_jid = fresh_account(prosody, "bot")
    web_port, metrics_port = devenv.free_port(), devenv.free_port()
    metrics = "http://127.0.0.1:%d/metrics" % metrics_port
    via = types.SimpleNamespace(port=proxy.port, ca_crt=prosody.ca_crt)
    try:
        bot = run_bot(bot_config(via, bot=bot_jid, password=PW, web_port=web_port, admin_token=TOKEN,
                                 tail=FAST_RETRIES + '\n[metrics]\nlisten = "127.0.0.1:%d"\n' % metrics_port))
        bot.wait_for_log(r"metrics on http://127\.0\.0\.1:%d/metrics" % metrics_port)
        bot.wait_for_log(r"\[manager\] online")
        base = "http://127.0.0.1:%d" % web_port
        before, kinds = scrape(metrics)
        for name, kind in FAMILIES.items():
            assert kinds.get(name) == kind, (name, kinds.get(name))
        assert [v for (n, labels), v in before.items() if n == "otrbot_build_info"] == [1.0]
        assert requests.head(metrics, timeout=30).status_code == 200
        assert requests.post(metrics, timeout=30).status_code == 405
        assert requests.get(metrics.replace("/metrics", "/"), timeout=30).status_code == 404

        # A launch with a bad signature, then a good one and the whole lesson.
        bad = launch_params(outcome_url=lms.url)
        assert WebStudent(base).launch(sign(base + "/", bad, secret="wrong")).status_code == 401
        assert requests.get(base + "/no-such-page", timeout=30).status_code == 404
        web = WebStudent(base)
        assert web.launch(sign(base + "/", launch_params(outcome_url=lms.url))).status_code == 200
        through_the_pages(web, student)

        async def lesson():
            s, code = await do_lesson_in_chat(prosody, student, bot_jid, stay_online=True)
            s.authenticate("not the secret")
            await s.wait_otr("smp_failed")
            await s.logout()
            return code
        code = asyncio.run(lesson())
        r = web.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in r.text, web.error()
        lms.wait_for(2)
        bot.wait_for_log(r"grade \d+ of 1\.0 for \S+ accepted")

        # Another student, whitelisted by an admin, who starts and is ended at step 1.
        auth = {"Authorization": "Bearer " + TOKEN}
        assert requests.post(base + "/admin/whitelist", headers=auth, json={"jid": other},
                             timeout=30).status_code == 201

        during = {}

        async def abandoned():
            s = await otr_student(prosody, other, "pw-for-tests", bot_jid)
            await s.wait_presence(bot_jid, "subscribe")
            s.say("hello")
            await s.read_until("plain", "Step 1:")
            during.update(scrape(metrics)[0])
            assert requests.delete(base + "/admin/sessions/" + other, headers=auth,
                                   timeout=30).status_code == 204
            await s.wait_presence(bot_jid, "unavailable")
            await s.logout()
        asyncio.run(abandoned())

        # The connection to the server cut: the bot connects again.
        mark = len(bot.log)
        loop.call_soon_threadsafe(proxy.cut)
        bot.wait_for_log(r"\[manager\] online", mark)
        after, _ = scrape(metrics)
    finally:
        lms.close()
        loop.call_soon_threadsafe(proxy.close)
        loop.call_soon_threadsafe(loop.stop)

    m = lambda name, **labels: moved(before, after, name, **labels)  # noqa: E731
    assert m("otrbot_lti_launches_total", version="1.1", result="refused") == 1
    assert m("otrbot_lti_launches_total", version="1.1", result="accepted") == 1
    assert m("otrbot_http_requests_total", route="launch", status="401") == 1
    assert m("otrbot_http_requests_total", route="not_found", status="404") == 1
    assert m("otrbot_http_requests_total", route="post_code", status="303") == 1
    assert m("otrbot_http_request_duration_seconds_count", route="post_code") == 1
    assert m("otrbot_lessons_started_total", lesson="otr") == 2
    assert m("otrbot_lessons_completed_total", lesson="otr") == 1
    assert m("otrbot_lessons_abandoned_total", lesson="otr", step="awaiting_otr") == 1
    for step in ("awaiting_otr", "secret_known", "verified", "completed"):
        assert m("otrbot_lesson_steps_reached_total", lesson="otr", step=step) >= 1, step
    assert m("otrbot_lesson_step_duration_seconds_count", lesson="otr", step="awaiting_otr") >= 1
    assert m("otrbot_smp_outcomes_total", result="succeeded") == 1
    assert m("otrbot_smp_outcomes_total", result="failed") == 1
    # The AKE and SMP messages of two lessons went through the cryptography threads.
    ran = m("otrbot_crypto_job_seconds_count", phase="run")
    assert ran >= 8
    assert m("otrbot_crypto_job_seconds_count", phase="queued") == ran
    assert value(after, "otrbot_crypto_jobs_waiting") == 0
    assert m("otrbot_grade_delivery_attempts_total", result="failed") == 1
    assert m("otrbot_grade_delivery_attempts_total", result="delivered") == 1
    assert value(after, "otrbot_grade_outbox", state="pending") == 0
    # The first student's session stays (until its timeout); the second one's ended.
    assert value(during, "otrbot_sessions_open") == 2
    assert value(after, "otrbot_sessions_open") == 1
    assert value(after, "otrbot_key_pool_keys") > 0
    assert m("otrbot_xmpp_reconnects_total") == 1
    assert m("otrbot_xmpp_stanzas_total", direction="in") > 10
    assert m("otrbot_xmpp_stanzas_total", direction="out") > 10
    assert m("otrbot_store_write_duration_seconds_count") > 5
    assert m("otrbot_xmpp_reply_seconds_count", kind="first") == 2  # the two students
    assert m("otrbot_xmpp_reply_seconds_count", kind="answer") >= 3
    assert "not the secret" not in bot.log


def test_the_grafana_dashboard_asks_only_for_metrics_the_bot_has():
    import json
    import re
    with open(os.path.join(ROOT, "docs", "grafana-dashboard.json")) as f:
        dashboard = json.load(f)
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    titles = {p["title"] for p in dashboard["panels"]}
    assert {"Lessons per minute", "Students stuck", "Grades not delivered"} <= titles
    names = set(re.findall(r"\botrbot_[a-z_]+", " ".join(exprs)))
    known = set()
    for family, kind in FAMILIES.items():
        suffixes = {"counter": ["_total"], "gauge": [""],
                    "histogram": ["_bucket", "_sum", "_count"]}[kind]
        known |= {family + s for s in suffixes}
    assert names and names <= known, names - known


def test_lti13_launches_are_counted_by_result(prosody, run_bot):
    from platform13 import Platform, lti13_section
    from tool13 import Login
    platform = Platform()
    try:
        bot_jid = fresh_account(prosody, "bot")
        web_port, metrics_port = devenv.free_port(), devenv.free_port()
        metrics = "http://127.0.0.1:%d/metrics" % metrics_port
        bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, web_port=web_port,
                                 tail=lti13_section(platform) +
                                 '\n[metrics]\nlisten = "127.0.0.1:%d"\n' % metrics_port))
        bot.wait_for_log(r"metrics on http://127\.0\.0\.1:%d/metrics" % metrics_port)
        base = "http://127.0.0.1:%d" % web_port
        platform.tool_jwks_url = base + "/lti13/jwks"
        before, _ = scrape(metrics)
        login = Login(base, platform)
        assert login.launch(platform.sign(platform.claims(login.nonce))).status_code == 200
        other = Login(base, platform)
        assert other.launch(platform.sign(platform.claims("not the login's nonce"))).status_code >= 400
        after, _ = scrape(metrics)
    finally:
        platform.close()
    assert moved(before, after, "otrbot_lti_launches_total", version="1.3", result="accepted") == 1
    assert moved(before, after, "otrbot_lti_launches_total", version="1.3", result="refused") == 1
    assert moved(before, after, "otrbot_http_requests_total", route="lti13_login", status="302") == 2
