"""The lesson end to end: the real otrbot, a private Prosody, and a student whose OTR client is python-potr."""
import asyncio
import re

import pytest

from harness import await_log, bot_config, fresh_account, make_student
from otr_peer import otr_student
from student import CODE, LESSON_SECRET as SECRET, PW, lesson_bot, to_encrypted, verify

def test_happy_path_from_plaintext_to_the_code(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        code = await verify(s)
        assert s.verified(), "the student's client marks the bot as verified"
        s.say("help")  # Step 4 again, with the code itself (over the verified channel)
        assert code in await s.expect("encrypted", startswith="Step 4: type the code I sent you")
        await s.logout()
        return code

    code = asyncio.run(scenario())
    bot.wait_for_log(student + r": smp_in_progress -> verified")
    assert SECRET not in bot.log and code not in bot.log and PW not in bot.log
    assert "hello" not in bot.log


@pytest.mark.parametrize("server", ["prosody", "prosody_minimal"])
def test_a_client_that_sends_carbons_and_storage_hints_completes_the_lesson(server, request, run_bot):
    """Profanity puts <private xmlns="urn:xmpp:carbons:2"/>, <no-copy/> and <no-store/>
    on every OTR message. A Prosody without mod_carbons (no optional modules at all)
    delivers them to the bot unchanged: they are requests about copies, not copies."""
    prosody = request.getfixturevalue(server)
    student = fresh_account(prosody, "profanity")
    friend = fresh_account(prosody, "friend")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid, profanity_hints=True)
        if server == "prosody_minimal":
            # Proof that this server delivers the hints: a friend receives them.
            f = await make_student(friend, PW, prosody).login(prosody.port)
            s.send_hinted(friend, "hi")
            got = await f.next_message()
            assert got.xml.find("{urn:xmpp:carbons:2}private") is not None, got
            assert got.xml.find("{urn:xmpp:hints}no-copy") is not None, got
            await f.logout()
        await to_encrypted(s)
        code = await verify(s)
        await s.logout()
        return code

    asyncio.run(scenario())
    bot.wait_for_log(student + r": smp_in_progress -> verified")
    assert "ignored a carbon copy" not in bot.log


def test_a_wrong_secret_is_explained_then_the_right_one_works(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        s.authenticate("green tractor 42")
        await s.expect("encrypted", startswith="The authentication failed")
        await s.expect("encrypted", startswith="Step 3: authenticate me")
        assert not s.verified()
        await verify(s)
        await s.logout()

    asyncio.run(scenario())
    assert "green tractor" not in bot.log


def test_smp_aborted_by_the_student_is_explained_and_can_be_retried(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        s.authenticate(SECRET)
        s.abort_smp()  # the student cancels before the bot's answer arrives
        await s.read_until("encrypted", "The authentication was cancelled")
        await s.expect("encrypted", startswith="Step 3: authenticate me")
        await verify(s)
        await s.logout()

    asyncio.run(scenario())


def test_smp_with_a_question_is_answered_and_explained(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        await verify(s, question="What is our secret?")
        await s.logout()

    asyncio.run(scenario())
    bot.wait_for_log(student + r": secret_known -> smp_in_progress \(smp_question_used\)")


def test_the_bot_starts_smp_itself_when_allowed(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,), extra="may_start_smp = true")

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        s.start_otr()
        await s.wait_otr("encrypted")
        lines = await s.read_until("encrypted", "I have asked your chat program")
        # One instruction: no "Step 3: authenticate me" (start it yourself) before the bot's own.
        assert not any(text.startswith("Step 3") for _, text in lines), lines
        await s.wait_otr("smp_request")
        s.answer_smp(SECRET)
        await s.expect("encrypted", startswith="Authentication succeeded!")
        assert CODE.match(await s.expect("encrypted", startswith="Here is your proof"))
        await s.logout()

    asyncio.run(scenario())


def test_ending_otr_midway_returns_to_step_1_and_otr_can_restart(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        s.end_otr()
        await s.expect("plain", startswith="The encrypted conversation has ended, before we were done")
        # How to start it again, not Step 1's key generation a second time.
        await s.expect("plain", startswith="To go on, start the encrypted OTR conversation with me again")
        await to_encrypted(s, greeted=False, again=True)
        await verify(s)
        await s.logout()

    asyncio.run(scenario())


def test_two_students_at_once_do_not_interfere_and_see_different_fingerprints(prosody, run_bot):
    alice = fresh_account(prosody, "alice")
    bob = fresh_account(prosody, "bob")
    bot, bot_jid = lesson_bot(prosody, run_bot, (alice, bob))

    async def scenario():
        a = await otr_student(prosody, alice, PW, bot_jid)
        b = await otr_student(prosody, bob, PW, bot_jid)
        # Interleaved: both greet, both start OTR, Bob fails SMP while Alice succeeds.
        a.say("hello")
        b.say("hello")
        for s in (a, b):
            await s.read_until("plain", "Hello! I am OTR Bot")
            await s.expect("plain", startswith="Step 1:")
        await asyncio.gather(to_encrypted(a, greeted=False), to_encrypted(b, greeted=False))
        assert a.bot_fingerprint() != b.bot_fingerprint(), "each session has its own key"
        b.authenticate("the wrong secret")
        code = await verify(a)
        await b.read_until("encrypted", "The authentication failed")
        assert a.verified() and not b.verified()
        assert a.inbox.empty()
        await a.logout()
        await b.logout()
        return code

    asyncio.run(scenario())


def test_a_new_session_of_the_same_student_shows_a_new_fingerprint(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def fingerprint():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        fp = s.bot_fingerprint()
        await s.logout()
        return fp

    first = asyncio.run(fingerprint())
    assert bot.stop() == 0
    bot2 = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=(student,),
                              extra='default_secret = "%s"' % SECRET))
    bot2.wait_for_log(r"\[manager\] online")
    second = asyncio.run(fingerprint())
    assert first != second


def test_an_idle_session_is_warned_then_signed_out_and_removed(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,),
                              extra="warning_timeout = 5\nsession_timeout = 8\ntimeout_check_interval = 1")

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        # Subscribed both ways, so that the roster removal shows.
        await s.wait_presence(bot_jid, "subscribe")
        s.send_presence(pto=bot_jid, ptype="subscribe")
        await s.wait_presence(bot_jid, "subscribed")
        await to_encrypted(s)
        warning = await s.expect("encrypted", startswith="Are you still there?")
        assert re.search(r"in [1-3] seconds?\.$", warning), warning  # exact: not "in 1 minute"
        await s.expect("encrypted", startswith="Your session has ended. You can start a new one")
        gone = await s.wait_presence(bot_jid, "unavailable")
        await s.wait_otr("finished")  # the bot's OTR disconnect came after the goodbye
        await s.ping_server()
        assert s.inbox.empty(), "nothing after the goodbye: %r" % s.inbox.get_nowait()[1]
        assert gone["status"].startswith("Your session has ended")
        # Removing the roster item cancels the subscriptions (RFC 6121 2.5).
        await s.wait_presence(bot_jid, "unsubscribed")
        # The JID is no longer whitelisted: no more answers.
        s.ctx.disconnect()
        s.say("hello?")
        await s.ping_server()
        await s.logout()

    asyncio.run(scenario())
    bot.wait_for_log(r"session of %s ended \(inactive\); removed from the roster and the whitelist" % student)
    bot.wait_for_log(r"ignored a message from " + student)


def test_a_student_who_never_starts_otr_gets_instructions_and_nothing_breaks(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        s.say("what now?")
        await s.expect("plain", startswith="Hello! I am OTR Bot")
        await s.expect("plain", startswith="Step 1:")
        for text in ("help", "HELP", "I don't know how", "?"):
            s.say(text)
            await s.expect("plain", startswith="Step 1:")
        await s.logout()

    asyncio.run(scenario())
    assert bot.proc.poll() is None


def test_a_malformed_otr_message_and_a_big_one_are_survived(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        s.send_message(mto=bot_jid, mbody="?OTR:AAIDbm90IGFuIE9UUiBtZXNzYWdl.", mtype="chat")
        s.send_message(mto=bot_jid, mbody="?OTR,1,2,half a fragment,", mtype="chat")
        s.send_message(mto=bot_jid, mbody="?OTR:!!! not base64 at all.", mtype="chat")
        # ~150 KB of text is ~200 KB once encrypted and encoded (Prosody: 256 KiB).
        s.say("x" * 150_000)
        lines = await s.read_until("encrypted", "Step 3: authenticate me")
        assert all(kind == "encrypted" for kind, _ in lines)
        # The session is intact: the lesson goes on to the end.
        await verify(s)
        await s.logout()

    asyncio.run(scenario())
    assert bot.proc.poll() is None
    assert "x" * 1000 not in bot.log


def test_a_student_who_went_offline_gets_readable_replies_when_back(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(s)
        await s.logout()
        await await_log(bot, student + r" went offline: ending the OTR session")
        # Back with a client that has forgotten the OTR session.
        again = await otr_student(prosody, student, PW, bot_jid)
        again.say("hi again")
        await again.expect("plain", startswith="Step 1:")
        await to_encrypted(again, greeted=False, again=True)
        await again.logout()

    asyncio.run(scenario())


def test_a_new_client_writing_in_plaintext_during_otr_gets_readable_replies(prosody, run_bot):
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,))

    async def scenario():
        old = await otr_student(prosody, student, PW, bot_jid)
        await to_encrypted(old)
        # The same student starts over on another device, in plaintext.
        new = await otr_student(prosody, student, PW, bot_jid)
        new.say("hello from my phone")
        await new.expect("plain", startswith="The encrypted conversation has ended")
        await new.expect("plain", startswith="To go on, start the encrypted OTR conversation")
        await new.expect("plain", startswith="Step 1:")
        await to_encrypted(new, greeted=False, again=True)
        await verify(new)
        await old.logout()
        await new.logout()

    asyncio.run(scenario())


def test_no_student_waits_while_another_students_key_is_made(prosody, run_bot, tmp_path):
    """An ordering proof, not a timing one: with one worker thread and no keys
    made ahead, Bob goes through the whole lesson while Alice's key generation
    is held."""
    hold = tmp_path / "hold-key-generation"
    alice = fresh_account(prosody, "alice")
    bob = fresh_account(prosody, "bob")
    bot, bot_jid = lesson_bot(prosody, run_bot, (alice, bob),
                              extra="worker_threads = 1\nkey_pool = 0",
                              env={"OTRBOT_TEST_KEYGEN_GATE": str(hold)})

    async def scenario():
        b = await otr_student(prosody, bob, PW, bot_jid)
        await await_log(bot, r"OTR key ready for " + bob)
        hold.touch()
        a = await otr_student(prosody, alice, PW, bot_jid)
        await await_log(bot, r"key generation held while")
        a.start_otr()  # needs Alice's key: it waits
        await to_encrypted(b)
        await verify(b)
        assert a.ctx.state == 0 and a.otr_events.empty(), "Alice's OTR went ahead of her key"
        assert "OTR key ready for " + alice not in bot.log
        hold.unlink()
        await a.wait_otr("encrypted")
        await a.read_until("encrypted", "Step 3: authenticate me")
        await a.logout()
        await b.logout()

    asyncio.run(scenario())


def test_keys_made_ahead_serve_students_at_once_and_each_session_has_its_own(
        prosody, run_bot, tmp_path):
    """With key_pool = 2: while key generation is held, the first two students
    get keys from the pool at once; the third waits for the next key made.
    Every session shows a fingerprint of its own."""
    hold = tmp_path / "hold-key-generation"
    names = [fresh_account(prosody, n) for n in ("ann", "ben", "cat")]
    bot, bot_jid = lesson_bot(prosody, run_bot, names, extra="key_pool = 2",
                              env={"OTRBOT_TEST_KEYGEN_GATE": str(hold)})
    bot.wait_for_log(r"key pool full: 2 keys ready")
    hold.touch()

    async def scenario():
        seen = []
        for jid in names[:2]:
            s = await otr_student(prosody, jid, PW, bot_jid)
            await to_encrypted(s)
            seen.append(s.bot_fingerprint())
            await s.logout()
        await await_log(bot, r"key generation held while")  # refilling waits at the gate
        cat = await otr_student(prosody, names[2], PW, bot_jid)
        cat.start_otr()
        await await_log(bot, r"session started for " + re.escape(names[2]))
        assert "OTR key ready for " + names[2] not in bot.log, "a third key came from nowhere"
        assert cat.ctx.state == 0, "OTR started without the bot's key"
        hold.unlink()
        await cat.wait_otr("encrypted")
        seen.append(cat.bot_fingerprint())
        await cat.logout()
        assert len(set(seen)) == 3, seen
        for jid, fp in zip(names, seen):
            logged = re.search(r"OTR key ready for %s: fingerprint (.+)" % re.escape(jid), bot.log)
            assert logged and logged.group(1).replace(" ", "").lower() == fp.lower(), (jid, fp)

    asyncio.run(scenario())


def test_lines_typed_for_the_encrypted_step_are_dropped_when_otr_ends(prosody, run_bot):
    """With typing on, lines wait their turn; if OTR ends meanwhile, those
    meant for the encrypted conversation never go out in plaintext."""
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, (student,),
                              extra="scheduled_msg_say = true\ntype_speed = 100")

    async def scenario():
        s = await otr_student(prosody, student, PW, bot_jid)
        s.start_otr()
        await s.read_until("encrypted", "Well done: this conversation is now encrypted")
        s.end_otr()  # the next line ("But encryption alone ...") is still being typed
        lines = await s.read_until("plain", "To go on, start the encrypted OTR conversation")
        assert [kind for kind, _ in lines] == ["plain", "plain"], lines
        assert lines[0][1].startswith("The encrypted conversation has ended")
        s.say("help")
        later = await s.read_until("plain", "Step 1:")
        assert all("encryption alone" not in text for _, text in later), later
        await s.logout()

    asyncio.run(scenario())
