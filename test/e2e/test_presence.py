"""The bot online: subscriptions and answers for whitelisted students, nothing for strangers."""
import asyncio

from harness import bot_config, fresh_account, make_student

PW = "pw-for-tests"


def online_bot(prosody, run_bot, *students):
    """A fresh bot account whitelisting `students`, once it is online."""
    bot_jid = fresh_account(prosody, "bot")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=students))
    bot.wait_for_log(r"\[manager\] online")
    return bot, bot_jid


def test_whitelisted_student_gets_the_subscription_handshake_and_a_reply(prosody, run_bot):
    student_jid = fresh_account(prosody, "student")
    bot, bot_jid = online_bot(prosody, run_bot, student_jid)

    async def scenario():
        s = await make_student(student_jid, PW, prosody).login(prosody.port)
        # The bot asked to subscribe while the student was offline; the server
        # delivers that request at login, and the student's client approves it.
        await s.wait_presence(bot_jid, "subscribe")
        # The student adds the bot too; the bot approves and is online for them.
        s.send_presence(pto=bot_jid, ptype="subscribe")
        await s.wait_presence(bot_jid, "subscribed")
        await s.wait_presence(bot_jid, "available")
        s.send_message(mto=bot_jid, mbody="hello bot", mtype="chat")
        reply = await s.next_message()
        assert reply["from"].bare == bot_jid
        assert "OTR Bot" in reply["body"]
        assert "Off-the-Record" in reply["body"]
        await s.logout()

    asyncio.run(scenario())
    # A student's words never reach the log unless log_user_msgs is on.
    assert "hello bot" not in bot.log
    assert PW not in bot.log


def test_stranger_gets_no_reply_no_subscription_and_no_presence(prosody, run_bot):
    student_jid = fresh_account(prosody, "student")
    stranger_jid = fresh_account(prosody, "stranger")
    bot, bot_jid = online_bot(prosody, run_bot, student_jid)

    async def scenario():
        stranger = await make_student(stranger_jid, PW, prosody).login(prosody.port)
        stranger.send_presence(pto=bot_jid, ptype="subscribe")
        stranger.send_message(mto=bot_jid, mbody="let me in", mtype="chat")
        await stranger.ping_server()  # the stanzas above have reached the bot's stream
        bot.wait_for_log(r"ignored a message from " + stranger_jid)
        # A whitelisted student, after that, gets the bot's answer: by then the
        # bot has handled everything the stranger sent.
        student = await make_student(student_jid, PW, prosody).login(prosody.port)
        student.send_message(mto=bot_jid, mbody="hi", mtype="chat")
        reply = await student.next_message()
        assert reply["from"].bare == bot_jid
        await student.ping_server()
        assert stranger.inbox.empty(), "the stranger got a message"
        while not stranger.presences.empty():
            p = stranger.presences.get_nowait()
            # Prosody itself answers any subscription request with the contact's
            # last presence (unavailable); that comes from the server, for every
            # account alike. What the bot would send is anything else.
            assert p["from"].bare != bot_jid or p["type"] == "unavailable", \
                "the stranger got presence %s from the bot" % p["type"]
        await stranger.logout()
        await student.logout()

    asyncio.run(scenario())
    sent = [line for line in bot.log.splitlines() if "SENT:" in line]
    assert sent, "the wire log at debug level shows what the bot sent"
    assert not [line for line in sent if stranger_jid in line], "the bot sent something to the stranger"


def test_carbons_and_forwarded_messages_are_ignored_and_big_messages_survived(prosody, run_bot):
    student_jid = fresh_account(prosody, "student")
    bot, bot_jid = online_bot(prosody, run_bot, student_jid)

    async def scenario():
        s = await make_student(student_jid, PW, prosody).login(prosody.port)
        # A forwarded message (XEP-0297) and a carbon copy (XEP-0280) are copies of
        # someone's words, not the student talking to the bot.
        s.send_raw('<message to="%s" type="chat"><body>fwd</body><forwarded xmlns="urn:xmpp:forward:0">'
                   '<message from="someone@else.org" type="chat"><body>inner</body></message>'
                   '</forwarded></message>' % bot_jid)
        s.send_raw('<message to="%s" type="chat"><received xmlns="urn:xmpp:carbons:2">'
                   '<forwarded xmlns="urn:xmpp:forward:0"><message from="%s/x" type="chat">'
                   '<body>carbon</body></message></forwarded></received></message>'
                   % (bot_jid, student_jid))
        # 200 KB (Prosody's client stanza limit is 256 KiB), odd but valid characters.
        s.send_message(mto=bot_jid, mbody="\u2603 \u200f \U0001F600 " + "x" * 200_000, mtype="chat")
        s.send_message(mto=bot_jid, mbody="help", mtype="chat")
        # The bot answers in order: greeting and step 1 for the first message it
        # handles, then step 1 again for each later message. Had it handled the
        # forwarded or carbon message, more lines would come before the last.
        got = [(await s.next_message())["body"] for _ in range(3)]
        assert got[0].startswith("Hello! I am OTR Bot")
        assert all(b.startswith("Step 1:") for b in got[1:])
        await s.ping_server()
        assert s.inbox.empty()
        await s.logout()

    asyncio.run(scenario())
    assert bot.log.count("ignored a carbon copy or forwarded message from " + student_jid) == 2
    assert "x" * 10_000 not in bot.log  # huge lines are cut in the log
    assert bot.proc.poll() is None
