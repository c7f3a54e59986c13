"""The bot online: subscriptions and answers for whitelisted students, nothing for strangers."""
import asyncio

from harness import bot_config, fresh_account, make_student

PW = "pw-for-tests"


def test_whitelisted_student_gets_the_subscription_handshake_and_a_reply(prosody, run_bot):
    bot_jid = fresh_account(prosody, "bot")
    student_jid = fresh_account(prosody, "student")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=(student_jid,)))
    bot.wait_for_log(r"\[manager\] online")

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
    bot_jid = fresh_account(prosody, "bot")
    student_jid = fresh_account(prosody, "student")
    stranger_jid = fresh_account(prosody, "stranger")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=(student_jid,)))
    bot.wait_for_log(r"\[manager\] online")

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
