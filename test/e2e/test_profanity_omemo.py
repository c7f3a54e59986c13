"""The OMEMO lesson with a real client: Profanity 0.13.1 (libsignal-protocol-c) in tmux, on a
Prosody with no optional module but PEP, launched by a course that chose OMEMO, graded by a
strict test LMS (on the usual Prosody too). Profanity trusts nothing until told (/omemo trust): the student trusts the
bot's real device, whose fingerprint the page shows, and never the decoy."""
import re

import pytest

from harness import fresh_account
from lms import OutcomeService, WebStudent, enter_jid, launch_params, sign, web_bot, PW
from profanity import Profanity


@pytest.mark.parametrize("server_name", ["prosody", "prosody_pep"])
def test_a_profanity_student_takes_the_omemo_lesson(server_name, request, run_bot, tmp_path):
    """On the usual Prosody, and on one with no optional module but PEP."""
    server = request.getfixturevalue(server_name)
    lms = OutcomeService()
    student = fresh_account(server, "profanity")
    bot, bot_jid, base = web_bot(server, run_bot)
    client = Profanity(str(tmp_path), server.ca_crt)
    try:
        web = WebStudent(base)
        r = web.launch(sign(base + "/", launch_params(outcome_url=lms.url, custom_lesson="omemo")))
        assert r.status_code == 200
        _, word = enter_jid(web, student)
        client.connect(student, PW, server.port)
        client.type("/omemo gen")
        client.wait_for(r"OMEMO crytographic materials generated")
        # Profanity 0.13.1 with Prosody 0.12 announces a fresh device only after this.
        client.type("/omemo clear_device_list")
        client.type("/msg %s %s" % (bot_jid, word))  # the proof, in plaintext
        client.wait_for(r"Step 1 in Profanity: type /omemo gen")
        client.type("/sub allow")
        client.type("/omemo start")
        # Both of the bot's devices, as Profanity prints fingerprints (dashes), once it has
        # fetched the bot's device list and bundles (asked again until it has: it says nothing
        # when the fetch is done).
        pattern = r"(?s)OMEMO fingerprint: ([0-9a-f-]{71}).*OMEMO fingerprint: ([0-9a-f-]{71})"
        for _ in range(30):
            client.type("/omemo fingerprint %s" % bot_jid)
            try:
                shown = client.wait_for(pattern, timeout=2)
                break
            except AssertionError:
                continue
        else:
            shown = client.wait_for(pattern, timeout=1)
        web.get("/ask_for_secret")
        real = re.search(r'<code id="bot_fingerprint">([0-9a-f ]+)</code>', web.last.text).group(1)
        real = real.replace(" ", "")
        assert real in (shown.group(1).replace("-", ""), shown.group(2).replace("-", "")), shown.groups()
        client.type("/omemo trust %s %s" % (bot_jid, real))
        client.wait_for(re.escape(real) + r" \(trusted\)")
        client.type("hello bot")
        client.wait_for(r"~ [^\n]*Well done: our chat is now encrypted with OMEMO")  # ~: encrypted
        client.wait_for(r"Step 3: so that I know your device too")
        bot.wait_for_log(re.escape(student) + r": awaiting_omemo -> omemo_encrypted")

        # The student's own fingerprint, from Profanity's console window.
        client.type("/win 1")
        client.type("/omemo fingerprint")
        own = client.wait_for(r"Your OMEMO fingerprint: ([0-9a-f-]{71})").group(1)
        client.type("/win 2")
        web.post("/ask_for_secret", device_fingerprint=own)  # as Profanity prints it
        client.wait_for(r"Both of us are verified")
        code = client.wait_for(r"~ [^\n]*Here is your proof, sent over our verified channel: "
                               r"([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})").group(1)
        client.wait_for(r"Step 4: type this code")
        bot.wait_for_log(re.escape(student) + r": omemo_encrypted -> verified \(devices_verified\)")

        web.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in web.last.text, web.error()
        assert lms.wait_for(1) == [(True, True, "sourced-1", "1.0")]
        client.wait_for(r"You entered the right code: the exercise is complete\. Congratulations!")
    finally:
        client.close()
        lms.close()
