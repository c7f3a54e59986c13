"""The pages in a real headless Chromium (Debian's, driven by playwright-core), with screenshots."""
import asyncio
import html
import json
import os
import shutil
import subprocess
import urllib.parse

import pytest

from harness import ROOT, fresh_account
from lms import OutcomeService, launch_params, sign
from test_lms import PW, SECRET, do_lesson_in_chat, web_bot

BROWSER = os.path.join(ROOT, "test", "e2e", "browser")
ARTIFACTS = os.environ.get("OTRBOT_ARTIFACTS", os.path.join(ROOT, "build", "e2e-artifacts"))


def chromium(*args):
    if not shutil.which("node") or not os.path.exists("/usr/bin/chromium"):
        pytest.fail("node and /usr/bin/chromium are needed: run scripts/install-deps.sh")
    if not os.path.isdir(os.path.join(BROWSER, "node_modules", "playwright-core")):
        pytest.fail("playwright-core is not installed: run scripts/test.sh (npm ci in test/e2e/browser)")
    r = subprocess.run(["node", os.path.join(BROWSER, "pages.mjs")] + list(args),
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr + r.stdout
    return json.loads(r.stdout.strip().splitlines()[-1])


def launch_page(path, url, body):
    """An HTML page that posts the signed launch, as an LMS page does."""
    fields = "".join('<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v))
                     for k, v in urllib.parse.parse_qsl(body, keep_blank_values=True))
    with open(path, "w") as f:
        f.write('<!DOCTYPE html><html><body onload="document.forms[0].submit()">'
                '<form method="post" action="%s">%s</form></body></html>' % (html.escape(url), fields))


def test_a_student_goes_through_the_pages_in_chromium(prosody, run_bot, tmp_path):
    out = os.path.join(ARTIFACTS, "pages")
    os.makedirs(out, exist_ok=True)
    lms = OutcomeService()
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    try:
        page = str(tmp_path / "launch.html")
        launch_page(page, base + "/", sign(base + "/", launch_params(outcome_url=lms.url)))
        seen = chromium("before-code", page, student, SECRET, out)
        assert seen["lang"] == "en"
        assert "Step 0 of 4" in seen["index_step"]
        assert "That is not a Jabber ID" in seen["jid_error"]
        assert "Step 1 of 4" in seen["jid_entered_step"]
        assert "at least 5 different characters" in seen["secret_error"]
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        done = chromium("code", seen["url"], code, out)
        assert "Step 4 of 4" in done["step_before"]
        assert "completed the exercise" in done["done"]
        assert done["step_after"].strip().startswith("Done")
        assert lms.wait_for(1)[0][:2] == (True, True)
        for name in ("01-index", "02-jid-refused", "03-jid-entered", "04-secret-refused",
                     "05-enter-code", "06-done"):
            assert os.path.getsize(os.path.join(out, name + ".png")) > 1000
    finally:
        lms.close()
