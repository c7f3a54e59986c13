"""The bot as a contact people trust: avatar (XEP-0084 over PEP and XEP-0153 via the vCard), a
status line, and answers to software version (XEP-0092) and disco#info (XEP-0030), checked by
slixmpp's own plugins against a real Prosody; and a server without PEP or vCards."""
import asyncio
import base64
import hashlib
import os

from harness import bot_config, fresh_account, make_student

HERE = os.path.dirname(os.path.abspath(__file__))
AVATAR = os.path.join(HERE, "..", "..", "docker", "otrbot", "avatar.png")
PW = "pw-for-tests"


def png():
    with open(AVATAR, "rb") as f:
        return f.read()


async def look_at_the_bot(prosody, student_jid, bot_jid):
    s = make_student(student_jid, PW, prosody)
    for plugin in ("xep_0030", "xep_0092", "xep_0054", "xep_0084", "xep_0153"):
        s.register_plugin(plugin)
    await s.login(prosody.port)
    try:
        s.send_presence(pto=bot_jid, ptype="subscribe")
        pres = await s.wait_presence(bot_jid, "available")
        full = pres["from"]
        seen = {"status": pres["status"],
                "photo": pres.xml.find("{vcard-temp:x:update}x/{vcard-temp:x:update}photo")}
        info = await s.plugin["xep_0030"].get_info(jid=full, timeout=30)
        seen["identities"] = info["disco_info"]["identities"]
        seen["features"] = info["disco_info"]["features"]
        version = await s.plugin["xep_0092"].get_version(full, timeout=30)
        seen["version"] = (version["software_version"]["name"], version["software_version"]["version"])
        card = await s.plugin["xep_0054"].get_vcard(bot_jid, cached=False, timeout=30)
        seen["vcard"] = card["vcard_temp"]
        items = await s.plugin["xep_0060"].get_items(bot_jid, "urn:xmpp:avatar:metadata", timeout=30)
        seen["metadata"] = [i for i in items["pubsub"]["items"]]
        data = await s.plugin["xep_0084"].retrieve_avatar(bot_jid, hashlib.sha1(png()).hexdigest(), timeout=30)
        seen["data"] = data["pubsub"]["items"]["item"]["avatar_data"]["value"]
        return seen
    finally:
        await s.logout()


def test_the_bot_shows_its_avatar_status_and_software(prosody, run_bot):
    bot_jid = fresh_account(prosody, "bot")
    student = fresh_account(prosody, "student")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=(student,),
                             account_extra='avatar = "%s"' % AVATAR,
                             extra='[bot.format_strings]\nbot_title = "Security Tutor"'))
    bot.wait_for_log(r"published the avatar's metadata \(XEP-0084\)")
    bot.wait_for_log(r"published the vCard \(XEP-0054\)")
    seen = asyncio.run(look_at_the_bot(prosody, student, bot_jid))
    picture = png()
    sha1 = hashlib.sha1(picture).hexdigest()
    assert seen["status"] == "I teach you to chat securely with OTR: start on the page for your course."
    assert seen["photo"] is not None and seen["photo"].text == sha1
    assert ("client", "bot", None, "Security Tutor") in seen["identities"]
    assert {"http://jabber.org/protocol/disco#info", "jabber:iq:version",
            "urn:xmpp:ping"} <= set(seen["features"])
    assert seen["version"] == ("otrbot", "0.1.0")
    assert seen["vcard"]["FN"] == "Security Tutor"
    assert seen["vcard"]["PHOTO"]["TYPE"] == "image/png"
    assert seen["vcard"]["PHOTO"]["BINVAL"] == picture
    (meta,) = seen["metadata"]
    assert meta["id"] == sha1
    ns = "{urn:xmpp:avatar:metadata}"
    info = meta.xml.find(ns + "metadata/" + ns + "info").attrib
    assert info == {"bytes": str(len(picture)), "id": sha1, "type": "image/png",
                    "width": "96", "height": "96"}
    assert seen["data"] == picture


def test_a_server_without_pep_or_vcards_gets_the_bot_online_all_the_same(prosody_minimal, run_bot):
    bot_jid = fresh_account(prosody_minimal, "bot")
    bot = run_bot(bot_config(prosody_minimal, bot=bot_jid, password=PW, whitelist=(),
                             account_extra='avatar = "%s"' % AVATAR))
    bot.wait_for_log(r"the server did not store the vCard \(XEP-0054\): service-unavailable")
    bot.wait_for_log(r"the server did not store the avatar's data \(XEP-0084\): service-unavailable")
    bot.wait_for_log(r"\[manager\] online")
    assert bot.proc.poll() is None


def test_an_avatar_that_is_not_a_small_png_stops_the_start_with_its_key(prosody, run_bot, tmp_path):
    not_png = tmp_path / "avatar.png"
    not_png.write_bytes(b"GIF89a" + b"\0" * 100)
    bot = run_bot(bot_config(prosody, account_extra='avatar = "%s"' % not_png))
    assert bot.wait_exit() == 3
    assert 'bad setting xmpp.accounts."bot@localhost".avatar: %s: not a PNG file' % not_png in bot.log
