"""The OMEMO lesson, taken by a student we did not write: python-omemo and python-oldmemo over
slixmpp (omemo_student.py), on the real server, from an LTI launch to the grade. The bot's account
shows two devices; the page shows the real one; the student's program first trusts both (as
Conversations, Dino and Gajim do), types a fingerprint of no device of theirs, then their own,
switches the decoy off, and gets the code on that one device."""
import asyncio
import os
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET

import pytest
import requests

from harness import fresh_account, run_showing_log
from lms import (OutcomeService, WebStudent, enter_jid, launch_params, proof_of, proved_visit,
                 send_word, sign, web_bot, PW)
from omemo_student import omemo_student
from otr_peer import otr_student
from student import lesson_bot, to_encrypted, verify
from test_durability import AUTH, Durable

CODE = re.compile(r"^Here is your proof, sent over our verified channel: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})$")


def profanity_style(hex64):
    """As Profanity prints a fingerprint: upper case, groups of 8 with dashes."""
    return "-".join(hex64[i:i + 8] for i in range(0, 64, 8)).upper()


def page_fingerprint(web):
    m = re.search(r'<code id="bot_fingerprint">([0-9a-f ]+)</code>', web.last.text)
    assert m, web.last.text
    grouped = m.group(1)
    assert re.fullmatch(r"([0-9a-f]{8} ){7}[0-9a-f]{8}", grouped), grouped
    return grouped.replace(" ", "")


def page_qr(web):
    m = re.search(r'(<svg [^>]*id="bot_qr".*?</svg>)', web.last.text, re.S)
    assert m, "no QR code on the page"
    svg = ET.fromstring(m.group(1))  # strict XML
    assert svg.get("role") == "img" and svg.get("aria-label")
    assert svg.find("{http://www.w3.org/2000/svg}path").get("d").startswith("M")
    return svg


async def lesson(prosody, student, bot_jid, web, bot):
    s = await omemo_student(prosody, student, PW, bot_jid)
    devices = await s.omemo.devices(bot_jid)
    assert len(devices) == 2, devices  # the real device and the decoy
    my_id, my_fp = await s.omemo.own_fingerprint()

    rids = await s.say("hello")
    assert sorted(rids) == sorted(devices), "blind trust encrypts to both of the bot's devices"
    await s.read_until("plain", "Hello! I am OTR Bot, a tutor for")
    await s.expect("encrypted", "Well done: our chat is now encrypted with OMEMO")
    await s.expect("encrypted", "Step 2: my account shows two devices")
    await s.expect("encrypted", "Step 3: so that I know your device too")
    bot.wait_for_log(r"the omemo lesson replaces the otr one")

    # The page: the real device's fingerprint, and its QR code.
    web.get("/ask_for_secret")
    assert web.step().startswith("Step 2 of 4"), web.step()
    shown = page_fingerprint(web)
    page_qr(web)
    real = [d for d, (fp, _) in devices.items() if fp == shown]
    assert len(real) == 1, (shown, devices)
    real = real[0]
    decoy = next(d for d in devices if d != real)

    # A fingerprint of no device that wrote: refused in the chat, with the man in the middle named.
    other = "0123456789abcdef" * 4
    web.post("/ask_for_secret", device_fingerprint=other)
    await s.expect("encrypted", "The fingerprint you typed on the page is not that of any device")

    # Its own fingerprint, as Profanity prints it: known, but the decoy is still trusted.
    web.post("/ask_for_secret", device_fingerprint=profanity_style(my_fp))
    await s.expect("encrypted", "The fingerprint you typed on the page is that of the device")
    await s.expect("encrypted", "Your program still encrypts to my second device")
    await s.say("still here")
    await s.expect("encrypted", "Your program still encrypts to my second device")

    # The decoy switched off, the real device verified: the code comes to this device alone.
    await s.omemo.trust(bot_jid, decoy, "distrusted")
    await s.omemo.trust(bot_jid, real, "trusted")
    rids = await s.say("done: I switched the other device off")
    assert rids == [real], rids
    await s.expect("encrypted", "Both of us are verified")
    kind, text, keys = await s.expect("encrypted", "Here is your proof")
    assert keys == [my_id], "the code went to other devices too: %r" % keys
    code = CODE.match(text).group(1)
    await s.expect("encrypted", "Step 4: type this code")
    # What the page follows live says it in OMEMO's words.
    live = web.http.get(web.base + "/progress", params={"s": web.token}, timeout=30).json()
    assert live["lesson"] == "omemo" and live["encrypted"], live
    assert live["encryption_text"] == "Your chat with the bot is encrypted with OMEMO.", live
    assert live["check"] == "succeeded", live
    assert live["check_text"].startswith("You and the bot have verified each other's devices"), live
    return s, code, my_fp


@pytest.mark.parametrize("server", ["prosody", "prosody_pep"])
def test_an_omemo_student_takes_the_whole_lesson_and_is_graded_once(server, request, run_bot):
    """On the usual Prosody, and on one with no optional module but PEP."""
    prosody = request.getfixturevalue(server)
    lms = OutcomeService()
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    try:
        web = proved_visit(base, student, outcome_url=lms.url, sourcedid="omemo-1")

        async def chat_and_pages():
            s, code, my_fp = await lesson(prosody, student, bot_jid, web, bot)
            r = web.post("/enter_bot_secret", bot_secret=code)
            assert web.last.status_code == 200 and 'id="done"' in r.text, web.error()
            # The last line of the lesson, read in the chat.
            await s.expect("encrypted", "You entered the right code")
            await s.logout()
            return code, my_fp

        code, my_fp = run_showing_log(chat_and_pages(), lambda: bot.log)
        assert lms.wait_for(1) == [(True, True, "omemo-1", "1.0")]
        web.post("/enter_bot_secret", bot_secret=code)
        bot.wait_for_log(r"completed the exercise \(no grade: already sent\)")
        assert len(lms.requests) == 1
        assert code not in bot.log
        bot.wait_for_log(r"published eu\.siacs\.conversations\.axolotl\.devicelist")
    finally:
        lms.close()


DEVICE_LINE = r"OMEMO device (\d+) \(fingerprint ([0-9a-f ]+)\), decoy device (\d+)"


def test_the_bots_devices_and_sessions_survive_kill_9_and_a_removal_forgets_them(prosody, run_bot, tmp_path):
    """Losing the bot's OMEMO keys would make every student verify again: after kill -9 the bot
    has the same devices, and the student's session goes on without a new key exchange. Removing
    the student from the whitelist forgets their sessions, in the store too."""
    student = fresh_account(prosody, "student")
    d = Durable(prosody, run_bot, tmp_path, whitelist=(student,))
    bot = d.start()
    bot.wait_for_log(DEVICE_LINE)
    first = re.search(DEVICE_LINE, bot.log).groups()

    async def lesson_across_a_restart():
        nonlocal bot
        s = await omemo_student(prosody, student, PW, d.jid)
        await s.say("hello")
        await s.read_until("encrypted", "Step 3: so that I know your device too")
        await asyncio.to_thread(d.wait_rows, "SELECT count(*) FROM omemo_peers", [(1,)])
        # The step too (written without waiting for the disk): after the restart it is what
        # the bot tells the student about.
        await d.wait_step(student, ["omemo_encrypted"])
        bot.kill()
        bot = await asyncio.to_thread(d.start)
        bot.wait_for_log(DEVICE_LINE)
        again = re.search(DEVICE_LINE, bot.log).groups()
        assert again == first, "the bot's OMEMO devices changed across a restart"
        # The student is still online: told at once (the session starts on their presence,
        # before any message of theirs turned OMEMO on in it: in plaintext, it holds nothing
        # private). Written to before that, the bot would not yet be available to read it.
        await s.read_until("plain", "I was restarted. I kept my OMEMO keys")
        rids = await s.say("back again")
        assert len(rids) == 2
        lines = await s.read_until("encrypted", "Step 3: so that I know")
        assert all(kind == "encrypted" for kind, _, _ in lines), lines
        assert "does not decrypt" not in bot.log
        r = await asyncio.to_thread(requests.delete, d.base + "/admin/whitelist/" + student,
                                    headers=AUTH, timeout=30)
        assert r.status_code == 204, r.text
        await asyncio.to_thread(d.wait_rows, "SELECT count(*) FROM omemo_peers", [(0,)])
        await s.logout()

    run_showing_log(lesson_across_a_restart(), lambda: bot.log)  # (the bot after the restart)


def test_a_store_restored_from_an_older_backup_puts_the_session_back_in_step(prosody, run_bot, tmp_path):
    """A school restores yesterday's backup (or a kill -9 loses the newest writes): the bot's
    copy of the student's session is older than the student's. Their next message does not
    decrypt; the bot starts a new session from the student's bundle, announces it with a key
    transport message, asks for the message again, and the conversation goes on encrypted."""
    student = fresh_account(prosody, "student")
    d = Durable(prosody, run_bot, tmp_path, whitelist=(student,))
    bot = d.start()
    backup = str(tmp_path / "backup.db")

    async def restored():
        nonlocal bot
        s = await omemo_student(prosody, student, PW, d.jid)
        await s.say("hello")
        await s.read_until("encrypted", "Step 3: so that I know your device too")
        await asyncio.to_thread(d.wait_rows, "SELECT count(*) FROM omemo_peers", [(1,)])
        await d.wait_step(student, ["omemo_encrypted"])  # the restart notice tells of it
        with sqlite3.connect(d.db) as live, sqlite3.connect(backup) as copy:
            live.backup(copy)  # the backup, taken while the bot runs (WAL)
        for words in ("one more", "and another"):  # both sides' ratchets move on
            await s.say(words)
            await s.read_until("encrypted", "Step 3: so that I know your device too")
        bot.stop()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(d.db + suffix):
                os.remove(d.db + suffix)
        shutil.copy(backup, d.db)
        bot = await asyncio.to_thread(d.start)
        # Written to before it is available again (its presence, which the restart notice
        # follows), the bot would not get the message: the server does not keep it here.
        await s.read_until("plain", "I was restarted. I kept my OMEMO keys")
        await s.say("after the restore")
        lines = await s.read_until("plain", "I could not decrypt your last message: our encrypted session")
        if not any(kind == "transport" for kind, _, _ in lines):  # the new session, taken
            await s.read_until("transport", "")
        bot.wait_for_log(r"a new session with device \d+, which was out of step")
        await s.say("after the restore, again")
        lines = await s.read_until("encrypted", "Step 3: so that I know your device too")
        assert all(kind == "encrypted" for kind, _, _ in lines), lines
        await s.logout()

    run_showing_log(restored(), lambda: bot.log)


def test_an_otr_student_and_an_omemo_student_at_once_each_with_their_own_lesson(prosody, run_bot):
    otr_jid = fresh_account(prosody, "student")
    omemo_jid = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, [otr_jid, omemo_jid])

    async def both():
        otr = await otr_student(prosody, otr_jid, PW, bot_jid)
        om = await omemo_student(prosody, omemo_jid, PW, bot_jid)
        await om.say("hello")
        await to_encrypted(otr)
        await om.read_until("encrypted", "Step 3: so that I know your device too")
        code = await verify(otr)
        assert code
        await otr.logout()
        await om.logout()

    asyncio.run(both())
    bot.wait_for_log(re.escape(omemo_jid) + r": awaiting_omemo -> omemo_encrypted")
    bot.wait_for_log(re.escape(otr_jid) + r": smp_in_progress -> verified")


def test_a_course_that_chose_omemo_teaches_it_from_the_first_word(prosody, run_bot):
    """The LTI custom parameter lesson=omemo: the lesson is OMEMO's before the student's program
    said anything about itself; any value but otr, omemo or auto is refused at the launch."""
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    web = WebStudent(base)
    r = web.launch(sign(base + "/", launch_params(custom_lesson="omemo")))
    assert r.status_code == 200, r.text
    enter_jid(web, student)
    bot_jid_shown, word = proof_of(web)
    first = asyncio.run(send_word(student, bot_jid_shown, word))
    assert first.startswith("Hello! I am OTR Bot, a tutor for"), first
    web.get("/jid_entered")
    assert web.step().startswith("Step 1 of 4: switch on OMEMO encryption"), web.step()
    bot.wait_for_log(re.escape(student) + r"'s course chose the omemo lesson")

    refused = WebStudent(base).launch(sign(base + "/", launch_params(user="student-2",
                                                                     custom_lesson="both")))
    assert refused.status_code == 400
    assert "the custom parameter lesson must be otr, omemo or auto" in refused.text


def test_a_program_that_only_publishes_an_omemo_device_list_gets_the_omemo_lesson(prosody, run_bot):
    """No caps, no version answer, plaintext words: the device list its account publishes
    (XEP-0384) tells the bot the program speaks OMEMO."""
    student = fresh_account(prosody, "student")
    bot, bot_jid = lesson_bot(prosody, run_bot, [student])

    async def unnamed():
        s = await omemo_student(prosody, student, PW, bot_jid)  # its device list is published
        s.say_plain("hello")
        lines = await s.read_until("plain", "Step 1: switch on OMEMO encryption")
        assert any("with OMEMO encryption, which your chat program already has" in t
                   for _, t, _ in lines), lines
        await s.logout()

    run_showing_log(unnamed(), lambda: bot.log)
    bot.wait_for_log(re.escape(student) + r": the omemo lesson replaces the otr one")
