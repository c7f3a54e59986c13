"""Each line right for its moment (issue 14's walk): the secret typed into the chat, a failed
check after a good one, OTR ended once the code was sent. A python-potr student, the real bot."""
import asyncio

from harness import fresh_account, make_student
from lms import proved_visit, web_bot
from otr_peer import otr_student
from student import LESSON_SECRET as SECRET, PW, lesson_bot, to_encrypted, verify


def test_the_secret_typed_into_the_chat_is_recognised_and_forgotten(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        s.say("Purple Tractor 42")  # not the secret (SMP tells capitals apart): a reminder
        await s.expect("encrypted", startswith="Step 3: authenticate me")
        s.say("  %s " % SECRET)  # the secret, as SMP would take it (spaces around do not count)
        await s.expect("encrypted", startswith="You typed our shared secret into this chat. Never")
        await s.expect("encrypted", startswith="I have forgotten that secret. Think of a new one")
        # The old secret no longer verifies: the bot has none until the page gives a new one.
        s.authenticate(SECRET)
        await s.read_until("encrypted", "I do not know our secret yet")
        await s.logout()

    asyncio.run(scenario())
    bot.wait_for_log(student + r" typed the shared secret into the chat \(its value is never logged\): it is forgotten")
    bot.wait_for_log(student + r": secret_known -> encrypted \(secret_leaked\)")
    assert SECRET not in bot.log


def test_a_failed_check_after_a_good_one_and_otr_ended_after_the_code(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        await verify(s)
        assert s.verified()
        s.authenticate("not the secret")  # again, wrongly: the client now distrusts the bot
        await s.wait_otr("smp_failed")
        text = await s.expect("encrypted", startswith="That authentication failed, so your chat "
                                                     "program now shows me as not verified")
        assert "The code I sent you is still valid" in text
        assert not s.verified()
        s.end_otr()  # the code was sent: it still completes the exercise, no Step 1 again
        await s.expect("plain", startswith="The encrypted conversation has ended. The code I sent "
                                           "you while it was verified is still valid")
        s.say("help")
        await s.expect("plain", startswith="The encrypted conversation has ended. The code")
        await s.ping_server()
        assert s.inbox.empty()
        await s.logout()

    asyncio.run(scenario())


async def gajim_says_hello(prosody, student, bot_jid, last):
    """A student whose program answers the version request as Gajim (and sends no caps) says
    hello; the bot's lines up to the first that starts with `last`. Returns (student, lines)."""
    s = make_student(student, PW, prosody)
    s.register_plugin("xep_0092", pconfig={"software_name": "Gajim", "version": "1.8.4"})
    await s.login(prosody.port)
    s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
    got = []
    while not got or not got[-1].startswith(last):
        got.append((await s.next_message())["body"])
    return s, got


def test_a_program_known_by_its_version_answer_to_have_no_otr_gets_the_omemo_lesson(prosody, run_bot):
    """No caps in its presence; XEP-0092 says Gajim (OMEMO, no OTR): the OTR lesson that began at
    the first words gives way to the OMEMO lesson, which greets the student at once."""
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s, got = await gajim_says_hello(prosody, student, bot_jid, "Step 1: switch on OMEMO encryption")
        assert got[0].startswith("Hello! I am OTR Bot")
        assert any("with OMEMO encryption, which your chat program already has" in g for g in got)
        assert not any(g.startswith("Your chat program, Gajim, cannot do OTR") for g in got), got
        await s.logout()

    asyncio.run(scenario())
    bot.wait_for_log(student + r": the omemo lesson replaces the otr one")
    bot.wait_for_log(student + r" uses Gajim")


def test_a_course_that_chose_otr_tells_a_program_without_it_which_programs_can(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    proved_visit(base, student, custom_lesson="otr")

    async def scenario():
        s, got = await gajim_says_hello(prosody, student, bot_jid, "Your chat program")
        assert got[-1].startswith("Your chat program, Gajim, cannot do OTR, so this exercise "
                                  "cannot be done with it. On a computer, Pidgin")
        s.send_message(mto=bot_jid, mbody="help", mtype="chat")  # the reminder says the same
        assert (await s.next_message())["body"].startswith("Your chat program, Gajim, cannot")
        await s.logout()

    asyncio.run(scenario())
    bot.wait_for_log(student + r" uses Gajim")
    assert "the omemo lesson replaces" not in bot.log
