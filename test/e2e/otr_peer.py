"""The student's OTR client: python-potr (which we did not write), adapted to
the pycryptodome that Debian 12 ships, on top of the slixmpp student.

python3-potr 1.0.2 calls PyCrypto APIs that pycryptodome 3.11 no longer has
(DSA.generate(...).key, DsaKey.sign/verify, AES-CTR with a counter
callable); the three adapters below use pycryptodome's equivalents and leave
the OTR protocol code itself untouched."""
import asyncio
import xml.etree.ElementTree as ET

import potr
import potr.crypt
from Cryptodome.Cipher import AES
from Cryptodome.PublicKey import DSA
from potr import proto
from potr.compatcrypto import pycrypto
from potr.utils import bytes_to_long, long_to_bytes

import harness


def _generate(cls):
    key = DSA.generate(1024)
    return cls((key.y, key.g, key.p, key.q, key.x), private=True)


def _sign(self, data):
    k = pycrypto.randrange(2, self.priv.q)
    r, s = self.priv._sign(bytes_to_long(data), k)
    return long_to_bytes(r, 20) + long_to_bytes(s, 20)


def _verify(self, data, sig):
    r, s = bytes_to_long(sig[:20]), bytes_to_long(sig[20:])
    return self.pub._verify(bytes_to_long(data), (r, s))


def _aesctr(key, counter=0):
    if not isinstance(counter, pycrypto.Counter):
        counter = pycrypto.Counter(counter)
    # OTR's counter: an 8-byte prefix, then an 8-byte block counter from 0.
    return AES.new(key, AES.MODE_CTR, nonce=counter.byteprefix(), initial_value=counter.val)


pycrypto.DSAKey.generate = classmethod(_generate)
pycrypto.DSAKey.sign = _sign
pycrypto.DSAKey.verify = _verify
pycrypto.AESCTR = _aesctr
potr.compatcrypto.AESCTR = _aesctr
potr.crypt.AESCTR = _aesctr

POLICY = {"ALLOW_V1": False, "ALLOW_V2": True, "REQUIRE_ENCRYPTION": False,
          "SEND_TAG": False, "WHITESPACE_START_AKE": False, "ERROR_START_AKE": False}


class _Context(potr.context.Context):
    def getPolicy(self, key):
        return POLICY.get(key, False)

    def inject(self, msg, appdata=None):
        body = msg.decode("ascii") if isinstance(msg, bytes) else str(msg)
        self.user.student.send_hinted(self.peer, body)

    def setState(self, newstate):
        old = self.state
        super().setState(newstate)
        if old != newstate:
            name = {potr.context.STATE_PLAINTEXT: "plaintext",
                    potr.context.STATE_ENCRYPTED: "encrypted",
                    potr.context.STATE_FINISHED: "finished"}[newstate]
            self.user.student.otr_events.put_nowait(name)


class _Account(potr.context.Account):
    contextclass = _Context

    def __init__(self, student):
        super().__init__(str(student.boundjid.bare), "xmpp", 0)
        self.student = student

    def loadPrivkey(self):
        return None  # a fresh key for every client, made on first use

    def savePrivkey(self):
        pass

    def saveTrusts(self):
        pass


class OtrStudent(harness.Student):
    """A student whose client speaks OTR v2 (potr). `inbox` gets
    (kind, text) tuples: kind is "encrypted", "plain", or "plain-during-otr"."""

    def __init__(self, jid, password, ca_file, bot_jid, profanity_hints=False):
        super().__init__(jid, password, ca_file)
        self.register_plugin("xep_0199")
        self.bot_jid = bot_jid
        self.profanity_hints = profanity_hints
        self.otr_events = asyncio.Queue()
        self.account = None

    @property
    def ctx(self):
        if self.account is None:
            self.account = _Account(self)
        return self.account.getContext(self.bot_jid)

    def _message(self, msg):
        if msg["type"] not in ("chat", "normal") or msg["from"].bare != self.bot_jid:
            return
        body = msg["body"]
        try:
            text, tlvs = self.ctx.receiveMessage(body.encode("utf-8"))
        except potr.context.NotOTRMessage:
            self.inbox.put_nowait(("plain", body))
            return
        except potr.context.UnencryptedMessage:
            self.inbox.put_nowait(("plain-during-otr", body))
            return
        except potr.context.ErrorReceived:
            self.otr_events.put_nowait("otr-error")
            return
        except potr.context.NotEncryptedError:
            self.otr_events.put_nowait("unreadable")
            return
        for tlv in tlvs or []:
            if isinstance(tlv, (proto.SMP1TLV, proto.SMP1QTLV)):
                self.otr_events.put_nowait("smp_request")
            elif isinstance(tlv, proto.SMPABORTTLV):
                self.otr_events.put_nowait("smp_abort")
            elif isinstance(tlv, (proto.SMP3TLV, proto.SMP4TLV)):
                success = self.ctx.smpIsSuccess()
                self.otr_events.put_nowait("smp_success" if success else "smp_failed")
        if text:
            self.inbox.put_nowait(("encrypted", text.decode("utf-8")))

    # -- what the student does ---------------------------------------------

    def send_hinted(self, to, body):
        """A chat message; with profanity_hints, with the hints Profanity 0.13 adds to
        every OTR message: XEP-0280 <private/>, XEP-0334 <no-copy/> and <no-store/>."""
        msg = self.make_message(mto=to, mbody=body, mtype="chat")
        if self.profanity_hints:
            for ns, tag in (("urn:xmpp:carbons:2", "private"), ("urn:xmpp:hints", "no-copy"),
                            ("urn:xmpp:hints", "no-store")):
                msg.xml.append(ET.Element("{%s}%s" % (ns, tag)))
        msg.send()

    def say(self, text):
        """Types a line: encrypted when OTR is on."""
        if self.ctx.state == potr.context.STATE_ENCRYPTED:
            self.ctx.sendMessage(potr.context.FRAGMENT_SEND_ALL, text.encode("utf-8"))
        else:
            self.send_hinted(self.bot_jid, text)

    def start_otr(self):
        self.send_hinted(self.bot_jid, "?OTRv2?")

    def end_otr(self):
        self.ctx.disconnect()

    def authenticate(self, secret, question=None):
        self.ctx.smpInit(secret.encode("utf-8"), question=question.encode("utf-8") if question else None)

    def answer_smp(self, secret):
        self.ctx.smpGotSecret(secret.encode("utf-8"))

    def abort_smp(self):
        self.ctx.smpAbort()

    def bot_fingerprint(self):
        return self.ctx.crypto.theirPubkey.cfingerprint()

    def verified(self):
        return self.ctx.getCurrentTrust() == "smp"

    # -- waiting ------------------------------------------------------------

    async def wait_otr(self, name, timeout=harness.TIMEOUT):
        async def find():
            while True:
                if await self.otr_events.get() == name:
                    return
        await asyncio.wait_for(find(), timeout)

    async def expect(self, kind, startswith=None, contains=None, timeout=harness.TIMEOUT):
        """The next line from the bot: of `kind`, and starting with / containing the text."""
        got_kind, text = await asyncio.wait_for(self.inbox.get(), timeout)
        assert got_kind == kind, "expected a %s line, got %s: %r" % (kind, got_kind, text)
        if startswith:
            assert text.startswith(startswith), text
        if contains:
            assert contains in text, text
        return text

    async def read_until(self, kind, needle, timeout=harness.TIMEOUT):
        """Lines until one of `kind` containing `needle`; returns all of them."""
        lines = []
        while True:
            got_kind, text = await asyncio.wait_for(self.inbox.get(), timeout)
            lines.append((got_kind, text))
            if needle in text:
                assert got_kind == kind, "%r came as %s" % (text, got_kind)
                return lines


async def otr_student(server, jid, password, bot_jid, profanity_hints=False):
    s = OtrStudent(jid, password, server.ca_crt, bot_jid, profanity_hints)
    return await s.login(server.port)
