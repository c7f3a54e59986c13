"""The whole lesson with a second real client: Debian's mcabber 1.1.2 (libotr) in tmux, doing
exactly what the bot's lines for mcabber say, launched from a strict test LMS that gets the
grade; the student reads the congratulation in mcabber at the end."""
import re

from harness import fresh_account
from lms import OutcomeService, WebStudent, launch_params, proof_of, sign
from mcabber import Mcabber
from lms import PW, SECRET, enter_jid, give_secret, web_bot

CODE = r"([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})"


def test_a_mcabber_student_does_the_whole_lesson_with_the_bots_own_commands(prosody, run_bot,
                                                                          tmp_path):
    lms = OutcomeService()
    student = fresh_account(prosody, "mcabber")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    web = WebStudent(base)
    assert web.launch(sign(base + "/", launch_params(outcome_url=lms.url))).status_code == 200
    _, word = enter_jid(web, student)  # the page shows the word to send from the student's JID
    client = Mcabber(str(tmp_path), prosody.ca_crt, student, PW, prosody.port)
    try:
        # The proof, as the page says: the word in a chat message to the bot (mcabber: /say_to,
        # the bot is no contact yet). Then the bot's contact request: an event to accept.
        client.wait_for(r"Your status has been set")  # connected: a line typed now is sent
        client.type("/say_to %s %s" % (bot_jid, word))
        event = client.wait_for(r"Please use /event (\d+) accept").group(1)
        client.type("/event %s accept" % event)
        # The bot's chat window: select it in the roster, Enter opens it; a line there goes to it.
        client.type("/roster search %s" % bot_jid)
        client.type("")
        client.wait_for(r"Hello! I am OTR Bot")
        bot.wait_for_log(re.escape(student) + r" uses mcabber")
        # Step 1 in mcabber's words (the bot asked mcabber which program it is, XEP-0092), and
        # what it says works as written.
        client.wait_for(r"Step 1 in mcabber: at first OTR is switched off for every contact")
        web.get("/jid_entered")  # the page moved on: the JID is the student's
        assert proof_of(web) is None and web.step().startswith("Step 1 of 4"), web.last.text
        give_secret(web)
        client.type("/otrpolicy . manual")
        client.type("/otr start .")
        client.wait_for(r"OTR: channel established")
        client.wait_for(r"Step 3 in mcabber: type /otr smpq \. followed by the secret")
        bot.wait_for_log(re.escape(student) + r": awaiting_otr -> secret_known \(otr_enabled\)")
        # A wrong secret first, then the right one, both as Step 3 says.
        client.type("/otr smpq . orange bicycle 9")
        client.wait_for(r"The authentication failed: the secret your chat program checked")
        bot.wait_for_log(re.escape(student) + r": smp_in_progress -> secret_known "
                                              r"\(incorrect_secret_received\)")
        client.type("/otr smpq . %s" % SECRET)
        client.wait_for(r"Socialist Millionaires' Protocol: Success!")
        client.wait_for(r"Authentication succeeded! Your chat program should now show me as trusted")
        code = client.wait_for(r"Here is your proof, sent over our verified channel: " + CODE).group(1)
        # Step 3's promise: mcabber shows the bot as trusted.
        client.type("/otr fingerprint .")
        shown = client.wait_for(re.escape(bot_jid) + r" \[([0-9A-F ]{44})\]: trusted").group(1)
        # ... with the fingerprint the page shows, and the page says where mcabber shows it.
        live = web.http.get(base + "/progress", params={"s": web.token}, timeout=30).json()
        assert live["fingerprint"] == shown and live["client"] == "mcabber"
        assert "/otr fingerprint ." in live["fingerprint_text"]

        web.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in web.last.text, web.error()
        assert lms.wait_for(1) == [(True, True, "sourced-1", "1.0")]
        # The last line the student reads, in mcabber.
        client.wait_for(r"You entered the right code: the exercise is complete\. Congratulations!")
        assert SECRET not in bot.log and code not in bot.log
    finally:
        client.close()
        lms.close()
