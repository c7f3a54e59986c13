"""The chat side of a student whose OTR client is python-potr, as the lesson tests use it:
a bot with a default secret, the way to the encrypted step, and SMP up to the code."""
import re

from harness import bot_config, fresh_account

PW = "pw-for-tests"
LESSON_SECRET = "purple tractor 42"
CODE = re.compile(r"^Here is your proof, sent over our verified channel: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})$")


def lesson_bot(prosody, run_bot, students, extra="", env=None):
    bot_jid = fresh_account(prosody, "bot")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=students,
                             extra='default_secret = "%s"\n%s' % (LESSON_SECRET, extra)), env=env)
    bot.wait_for_log(r"\[manager\] online")
    return bot, bot_jid


async def to_encrypted(s, greeted=True, again=False):
    """Plaintext hello, then OTR: the bot explains each step (`again`: a new OTR conversation
    in the same session, so the bot *still* has the secret)."""
    if greeted:
        s.say("hello")
        await s.expect("plain", startswith="Hello! I am OTR Bot")
        await s.expect("plain", startswith="Step 1:")
        # Step 1 once: the next line the bot says is about encryption (a second
        # Step 1 in reply to "hello" would arrive first and fail the expect below).
    s.start_otr()
    await s.wait_otr("encrypted")
    await s.expect("encrypted", startswith="Well done: this conversation is now encrypted")
    await s.expect("encrypted", startswith="But encryption alone")
    # The secret is already known (default_secret): straight to authentication.
    await s.expect("encrypted", startswith="I still have the secret" if again
                   else "I have received your secret")
    await s.expect("encrypted", startswith="Step 3: authenticate me")


async def verify(s, secret=LESSON_SECRET, question=None):
    s.authenticate(secret, question)
    if question:
        await s.expect("encrypted", startswith="You asked me a question")
    await s.wait_otr("smp_success")
    await s.expect("encrypted", startswith="Authentication succeeded!")
    code = CODE.match(await s.expect("encrypted", startswith="Here is your proof"))
    assert code, "the code does not have the XXXX-XXXX format"
    await s.expect("encrypted", startswith="Step 4: type this code")
    return code.group(1)
