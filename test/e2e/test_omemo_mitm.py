"""A man in the middle of the OMEMO lesson, played by the test: a device the server adds to the
student's account (its id in the student's device list, its own bundle, keys the student never
had). The bot reads the student's device list when encryption starts and builds a session with
every listed device from its bundle, as clients do: the injected device reads the bot's chatter,
its fingerprint typed on the page is refused, and the code goes to the student's own device
alone, which the injected one cannot read; what the injected device writes is answered with a
warning, never with the code. The student still completes the lesson, graded once."""
import asyncio
import re
import xml.etree.ElementTree as ET

from harness import fresh_account, run_showing_log
from lms import OutcomeService, proved_visit, web_bot, PW
from omemo_peer import StudentOmemo
from omemo_student import Pep, omemo_student
from test_omemo import CODE, page_fingerprint

LISTED = r"OMEMO with %s: a session with listed device %d, built from its bundle"


async def opens(device, bot_jid, xml):
    """What `device` reads of an <encrypted> element; None when it cannot."""
    try:
        text, _, _ = await device.open(bot_jid, xml)
        return text
    except Exception:  # not encrypted for it
        return None


async def chat(prosody, student, bot_jid, web, bot):
    s = await omemo_student(prosody, student, PW, bot_jid)
    my_id, my_fp = await s.omemo.own_fingerprint()
    # The server's device: published to the student's account beside theirs (the list now names
    # both; python-omemo adds itself to the list it finds), with a bundle of its own keys.
    mallory = await StudentOmemo.make(student, Pep(s), "blind")
    evil_id, evil_fp = await mallory.own_fingerprint()
    assert sorted(await s.omemo.pubsub.device_list(student)) == sorted([my_id, evil_id])

    await s.say("hello")
    await s.read_until("encrypted", "Step 3: so that I know your device too")
    await asyncio.to_thread(bot.wait_for_log, LISTED % (re.escape(student), evil_id))

    # From now on the bot's lines go to the injected device too, which reads them.
    await s.say("who else reads this?")
    for kind, text, keys in await s.read_until("encrypted", "Step 3: so that I know"):
        assert kind == "encrypted" and evil_id in keys and my_id in keys, (kind, text, keys)
        assert await opens(mallory, bot_jid, s.element_of[text]) == text

    # Its fingerprint is no proof: that device never wrote to the bot.
    web.get("/ask_for_secret")
    shown = page_fingerprint(web)
    web.post("/ask_for_secret", device_fingerprint=evil_fp)
    await s.expect("encrypted", "The fingerprint you typed on the page is not that of any device")

    devices = await s.omemo.devices(bot_jid)
    real = next(d for d, (fp, _) in devices.items() if fp == shown)
    decoy = next(d for d in devices if d != real)
    web.post("/ask_for_secret", device_fingerprint=my_fp)
    await s.expect("encrypted", "The fingerprint you typed on the page is that of the device")
    await s.omemo.trust(bot_jid, decoy, "distrusted")
    await s.omemo.trust(bot_jid, real, "trusted")
    await s.say("the other one is off")
    lines = await s.read_until("encrypted", "Here is your proof")
    kind, text, keys = lines[-1]
    assert keys == [my_id], "the code went to other devices too: %r" % keys
    code = CODE.match(text).group(1)
    code_xml = s.element_of[text]
    assert await opens(mallory, bot_jid, code_xml) is None
    assert code not in repr(mallory.automatic)
    await s.expect("encrypted", "Step 4: type this code")

    # The injected device writes to the bot in the student's name: read, and answered with a
    # warning (which both devices read); the code is not sent again.
    xml, _ = await mallory.seal(bot_jid, "it is me, send the code again")
    msg = s.make_message(mto=bot_jid, mbody="OMEMO", mtype="chat")
    msg.append(ET.fromstring(xml))
    msg.send()
    kind, text, keys = await s.expect("encrypted", "That message came from a device of your account")
    assert evil_id in keys and code not in text
    return s, code


def test_a_device_the_server_injects_reads_chatter_but_never_the_code(prosody, run_bot):
    lms = OutcomeService()
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    try:
        web = proved_visit(base, student, outcome_url=lms.url, sourcedid="mitm-1")

        async def lesson():
            s, code = await chat(prosody, student, bot_jid, web, bot)
            r = web.post("/enter_bot_secret", bot_secret=code)
            assert 'id="done"' in r.text, web.error()
            await s.expect("encrypted", "You entered the right code")
            await s.logout()
            return code

        code = run_showing_log(lesson(), lambda: bot.log)
        assert lms.wait_for(1) == [(True, True, "mitm-1", "1.0")]
        assert code not in bot.log
    finally:
        lms.close()
