"""The whole lesson with a real client: Profanity 0.13 (libotr) in tmux, on a Prosody
without optional modules (no mod_carbons: Profanity's <private/> carbons hint and its
no-copy/no-store hints reach the bot), launched from a strict test LMS that gets the grade."""
import re

from harness import fresh_account
from lms import OutcomeService, WebStudent, launch_params, proof_of, sign
from profanity import Profanity
from lms import PW, SECRET, enter_jid, give_secret, web_bot


def test_a_profanity_student_does_the_whole_lesson_on_a_server_without_carbons(prosody_minimal, run_bot,
                                                                               tmp_path):
    server = prosody_minimal
    lms = OutcomeService()
    student = fresh_account(server, "profanity")
    bot, bot_jid, base = web_bot(server, run_bot)
    client = Profanity(str(tmp_path), server.ca_crt)
    try:
        web = WebStudent(base)
        assert web.launch(sign(base + "/", launch_params(outcome_url=lms.url))).status_code == 200
        _, word = enter_jid(web, student)  # the page shows the word to send from the student's JID

        client.connect(student, PW, server.port)
        client.type("/otr gen")  # Profanity needs its own key before /otr start
        client.wait_for(r"Private key generation complete")
        client.type("/msg %s %s" % (bot_jid, word))  # the proof, as the page says
        client.wait_for(r"Step 1: start an encrypted OTR conversation")
        web.get("/jid_entered")  # the page moved on: the JID is the student's
        assert proof_of(web) is None and web.step().startswith("Step 1 of 4"), web.last.text
        give_secret(web)
        # The bot asked Profanity which program it is (XEP-0092): Step 1 in its own words.
        client.wait_for(r"Step 1 in Profanity: if Profanity shows my authorization request, type "
                        r"/sub allow")
        bot.wait_for_log(re.escape(student) + r" uses Profanity")
        # As Step 1 says: the bot's request accepted, the bot is shown online (its directed
        # presence; it pre-approved the student's own request).
        client.type("/sub allow")
        client.wait_for(re.escape(bot_jid) + r" \[online\]")
        client.type("/otr start")
        client.wait_for(r"OTR session started \(untrusted\)")
        # Asking for the bot's presence mid-lesson no longer ends OTR (it used to get an
        # unavailable from the pending subscription).
        client.type("/sub request")
        bot.wait_for_log(re.escape(student) + r": encrypted -> secret_known|"
                         + re.escape(student) + r": awaiting_otr -> .*secret_known")
        client.wait_for(r'Step 3 in Profanity: type /otr secret followed by the secret')
        screen = client.screen()
        # Step 1 was said once, in answer to the word.
        assert screen.count("Step 1: start an encrypted OTR conversation") == 1, screen
        # A wrong secret first: Profanity's check fails, the bot explains what that can mean.
        client.type('/otr secret "orange bicycle 9"')
        client.wait_for(r"The authentication failed: the secret your chat program checked is not")
        client.wait_for(r"someone sat in the middle of our conversation")
        bot.wait_for_log(re.escape(student) + r": smp_in_progress -> secret_known "
                                              r"\(incorrect_secret_received\)")
        client.type('/otr secret "%s"' % SECRET)  # several words: quoted, as Profanity wants
        client.wait_for(r"Authentication successful")
        client.wait_for(r"Authentication succeeded! Your chat program should now show me as trusted")
        code = client.wait_for(r"Here is your proof, sent over our verified channel: "
                               r"([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})").group(1)
        client.wait_for(r"Step 4: type this code")
        client.type("help")  # Step 4 again, with the code
        client.wait_for(r"Step 4: type the code I sent you, %s, on the page" % code)
        bot.wait_for_log(re.escape(student) + r": smp_in_progress -> verified")
        assert "otr_disabled" not in bot.log  # OTR was never ended by the subscription
        # The page's fingerprint is the one Profanity shows, where the page says to look.
        live = web.http.get(base + "/progress", params={"s": web.token}, timeout=30).json()
        assert "/otr theirfp" in live["fingerprint_text"] and live["client"] == "Profanity"
        client.type("/otr theirfp")
        client.wait_for(re.escape(live["fingerprint"]))

        # Typed as a person copies it from a terminal: lower case, a space for the dash.
        web.post("/enter_bot_secret", bot_secret=code.lower().replace("-", " "))
        assert 'id="done"' in web.last.text, web.error()
        assert lms.wait_for(1) == [(True, True, "sourced-1", "1.0")]
        assert lms.refused == []
        # The last line the student reads, in Profanity.
        client.wait_for(r"You entered the right code: the exercise is complete\. Congratulations!")
        bot.wait_for_log(r"grade \d+ of 1\.0 for \S+ accepted by")
        assert "ignored a carbon copy" not in bot.log
        assert SECRET not in bot.log and code not in bot.log
    finally:
        client.close()
        lms.close()
