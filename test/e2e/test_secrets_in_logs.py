"""No secret reaches a log line or an HTTP answer, at the most verbose level: a whole graded
lesson (launch, pages, OTR, SMP, the code) and the admin API, with the bot at `trace` (the XMPP
wire log included); every answer the browser and the admin got is searched too."""
import asyncio
import re

from harness import bot_config, devenv, fresh_account
from lms import OutcomeService, WebStudent, launch_params, sign
from lms import PW, SECRET, do_lesson_in_chat, through_the_pages

ADMIN_TOKEN = "admin-token-7f3a9c1e5b2d8f40"
WORDS = "words only the student and the bot may read 5917"


def test_no_secret_in_any_log_line_or_http_answer_at_trace_level(prosody, run_bot):
    lms = OutcomeService()
    student = fresh_account(prosody, "student")
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    config = bot_config(prosody, bot=bot_jid, password=PW, web_port=port, admin_token=ADMIN_TOKEN)
    bot = run_bot(config.replace('level = "debug"', 'level = "trace"'))
    bot.wait_for_log(r"\[manager\] online")
    base = "http://127.0.0.1:%d" % port
    answers = []
    try:
        web = WebStudent(base)
        web.http.hooks["response"].append(lambda r, *a, **k: answers.append(r))
        launch = web.launch(sign(base + "/", launch_params(outcome_url=lms.url, sourcedid="sid-9")))
        assert launch.status_code == 200
        through_the_pages(web, student)
        # The student's own words inside OTR: never in a log, decrypted or not.
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid, say_encrypted=WORDS))
        web.get("/enter_bot_secret")
        done = web.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in done.text
        assert lms.wait_for(1)[0][2] == "sid-9"
        admin = web.http.get(base + "/admin/whitelist", timeout=30,
                             headers={"Authorization": "Bearer " + ADMIN_TOKEN})
        assert admin.status_code == 200
        bot.wait_for_log(r"grade \d+ of 1\.0 for \S+ accepted")
    finally:
        lms.close()
    assert bot.stop() == 0
    secrets = {
        "the shared secret": SECRET,
        "the code": code,
        "the code without its dash": code.replace("-", ""),
        "the LTI consumer secret": "test-consumer-secret",
        "the admin token": ADMIN_TOKEN,
        "the XMPP password": PW,
        "the student's words": WORDS,
    }
    log = bot.log
    # The most the bot logs: stanzas on the wire (bodies redacted) and OTR's trace lines.
    assert re.search(r"RECV: <message [^\n]*<body>\[message redacted\]</body>", log)
    assert re.search(r" trace \[otr\] ", log)
    for what, value in secrets.items():
        assert value not in log, what + " is in the log"
        for r in answers + [admin]:
            assert value not in r.text, "%s is in the answer to %s" % (what, r.url)
            assert value not in str(r.headers), "%s is in a header of %s" % (what, r.url)
