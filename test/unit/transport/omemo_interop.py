"""The bot's OMEMO code (libomemo-c through transport/omemo, as a line tool) against Syndace's
python-oldmemo, in memory: sessions built from either side's bundle, messages both ways, key
transport messages, fingerprints that agree, and what the bot must refuse.

Usage: omemo_interop.py <otrbot_omemo_peer_tool>. Fails loudly (non-zero) on any mismatch."""

import asyncio
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "e2e"))
from omemo_peer import NS, Pubsub, StudentOmemo, devices_of  # noqa: E402

BOT = "bot@example.org"
STUDENT = "student@example.org"


class Tool:
    def __init__(self, path: str) -> None:
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, **request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())


def expect(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


async def main(path: str) -> None:
    bot = Tool(path)
    hello = bot(op="hello")
    pubsub = Pubsub()
    await pubsub.publish_bundle(BOT, hello["device"], hello["bundle"])
    await pubsub.publish_device_list(BOT, [hello["device"]])

    student = await StudentOmemo.make(STUDENT, pubsub, policy="blind")
    phone_id, phone_fp = await student.own_fingerprint()
    expect(devices_of("<list xmlns='%s'><device id='%d'/></list>" % (NS, phone_id)) == [phone_id],
           "the device list helper reads a list")

    # The student writes first: python-omemo builds the session from the bot's bundle.
    xml, rids = await student.seal(BOT, "hello bot")
    expect(rids == [hello["device"]], "the student's message is for the bot's one device")
    got = bot(op="open", jid=STUDENT, xml=xml)
    expect(got.get("text") == "hello bot", "the bot reads the student's first message: %r" % got)
    expect(got["device"] == phone_id and got["new_session"], "from the student's device, a new session")
    expect(got["identity"] == phone_fp, "the bot sees the fingerprint python-omemo shows")
    devices = await student.devices(BOT)
    expect(devices[hello["device"]][0] == hello["fingerprint"],
           "the student sees the fingerprint the bot shows")

    reply = bot(op="seal", jid=STUDENT, devices=[phone_id], text="hello student ✓")
    expect("xml" in reply, "the bot seals for the student's device")
    text, sender, fp = await student.open(BOT, reply["xml"])
    expect(text == "hello student ✓" and sender == hello["device"] and fp == hello["fingerprint"],
           "python-oldmemo reads the bot's answer (12-byte IV, key and tag of 32 bytes)")

    for i in range(3):
        xml, _ = await student.seal(BOT, "message %d" % i)
        got = bot(op="open", jid=STUDENT, xml=xml)
        expect(got.get("text") == "message %d" % i and not got["new_session"], "message %d in the session" % i)
    again = bot(op="open", jid=STUDENT, xml=xml)
    expect("error" in again, "a message replayed is refused: %s" % again.get("error"))

    # The bot starts a session with a second device of the student from its bundle.
    laptop = await StudentOmemo.make(STUDENT, Pubsub(), policy="blind")
    laptop_id, laptop_fp = await laptop.own_fingerprint()
    laptop_bundle = laptop.pubsub.bundles[(STUDENT, laptop_id)]
    started = bot(op="start", jid=STUDENT, device=laptop_id, bundle=laptop_bundle)
    expect(started.get("ok"), "the bot builds a session from python-oldmemo's bundle: %r" % started)
    await laptop.pubsub.publish_bundle(BOT, hello["device"], hello["bundle"])
    await laptop.pubsub.publish_device_list(BOT, [hello["device"]])
    sealed = bot(op="seal", jid=STUDENT, devices=[laptop_id, phone_id], text="to both")
    text, _, _ = await laptop.open(BOT, sealed["xml"])
    expect(text == "to both", "the second device reads a prekey message the bot started")
    text, _, _ = await student.open(BOT, sealed["xml"])
    expect(text == "to both", "the first device reads the same message")
    # python-omemo completes a handshake the bot started with an empty message, by itself.
    expect(len(laptop.automatic) == 1, "the second device answers the key exchange by itself")
    done = bot(op="open", jid=STUDENT, xml=laptop.automatic[0][1])
    expect("error" not in done and done["text"] is None and done["device"] == laptop_id,
           "a key transport message opens, without text: %r" % done)
    expect(done["identity"] == laptop_fp, "the second device's fingerprint agrees")

    # A bundle whose signature was tampered with makes no session.
    at = laptop_bundle.index("<signedPreKeySignature>") + len("<signedPreKeySignature>")
    forged = laptop_bundle[:at] + ("B" if laptop_bundle[at] != "B" else "C") + laptop_bundle[at + 1:]
    refused = bot(op="start", jid="mallory@example.org", device=laptop_id, bundle=forged)
    expect(refused.get("error") == "the bundle's signature does not verify",
           "a forged bundle is refused: %s" % refused.get("error"))
    bot.proc.stdin.close()
    expect(bot.proc.wait(timeout=10) == 0, "the tool ends cleanly")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: omemo_interop.py <otrbot_omemo_peer_tool>")
    asyncio.run(main(sys.argv[1]))
