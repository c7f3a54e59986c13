"""The lesson end to end: the real otrbot, a private Prosody, and a student whose OTR client is python-potr."""
import asyncio
import re

from harness import bot_config, fresh_account
from otr_peer import otr_student

PW = "pw-for-tests"
SECRET = "purple tractor 42"
CODE = re.compile(r"^Here is your proof, sent over our verified channel: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})$")


def lesson_bot(prosody, run_bot, students, extra="", env=None):
    bot_jid = fresh_account(prosody, "bot")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=students,
                             extra='default_secret = "%s"\n%s' % (SECRET, extra)), env=env)
    bot.wait_for_log(r"\[manager\] online")
    return bot, bot_jid


async def to_encrypted(s, greeted=True):
    """Plaintext hello, then OTR: the bot explains each step."""
    if greeted:
        s.say("hello")
        await s.expect("plain", startswith="Hello! I am OTR Bot")
        await s.expect("plain", startswith="Step 1:")
        await s.expect("plain", startswith="Step 1:")
    s.start_otr()
    await s.wait_otr("encrypted")
    await s.expect("encrypted", startswith="Well done: this conversation is now encrypted")
    await s.expect("encrypted", startswith="But encryption alone")
    # The secret is already known (default_secret): straight to authentication.
    await s.expect("encrypted", startswith="I have received your secret")
    await s.expect("encrypted", startswith="Step 3: authenticate me")


async def verify(s, secret=SECRET, question=None):
    s.authenticate(secret, question)
    if question:
        await s.expect("encrypted", startswith="You asked me a question")
    await s.wait_otr("smp_success")
    await s.expect("encrypted", startswith="Authentication succeeded!")
    code = CODE.match(await s.expect("encrypted", startswith="Here is your proof"))
    assert code, "the code does not have the XXXX-XXXX format"
    await s.expect("encrypted", startswith="Step 4: type this code")
    return code.group(1)


def test_happy_path_from_plaintext_to_the_code(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        code = await verify(s)
        assert s.verified(), "the student's client marks the bot as verified"
        s.say("help")
        await s.expect("encrypted", startswith="Step 4: type this code")
        await s.logout()
        return code

    code = asyncio.run(scenario())
    bot.wait_for_log(student + r": smp_in_progress -> verified")
    assert SECRET not in bot.log and code not in bot.log and PW not in bot.log
    assert "hello" not in bot.log
