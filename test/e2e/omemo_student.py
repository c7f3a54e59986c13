"""A student whose program speaks OMEMO and not OTR, as the OMEMO lesson's tests use it: Syndace's
python-omemo and python-oldmemo (omemo_peer.py) over slixmpp, with PEP over the real server: the
student's device list and bundle published readable by anyone, the bot's fetched from its
account. Messages carry an <encrypted> element and a fallback body, as clients send them."""
import asyncio
import xml.etree.ElementTree as ET

from slixmpp.exceptions import IqError
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

import harness
from omemo_peer import NS, Pubsub, StudentOmemo, device_list_xml, devices_of

PUBSUB = "http://jabber.org/protocol/pubsub"
DEVICELIST = NS + ".devicelist"
FALLBACK = "I sent you an OMEMO encrypted message but your client doesn't seem to support that."


def bundles_node(device):
    return "%s.bundles:%d" % (NS, device)


class Pep(Pubsub):
    """PEP on the student's own server (XEP-0163), with raw pubsub IQs."""

    def __init__(self, client):
        super().__init__()
        self.client = client

    async def _publish(self, node, payload_xml):
        iq = self.client.Iq(stype="set")
        iq.append(ET.fromstring(
            "<pubsub xmlns='%s'><publish node='%s'><item id='current'>%s</item></publish>"
            "<publish-options><x xmlns='jabber:x:data' type='submit'>"
            "<field var='FORM_TYPE' type='hidden'><value>%s#publish-options</value></field>"
            "<field var='pubsub#access_model'><value>open</value></field></x></publish-options>"
            "</pubsub>" % (PUBSUB, node, payload_xml, PUBSUB)))
        await iq.send(timeout=harness.TIMEOUT)

    async def _item(self, jid, node):
        iq = self.client.Iq(stype="get", sto=jid)
        iq.append(ET.fromstring("<pubsub xmlns='%s'><items node='%s'/></pubsub>" % (PUBSUB, node)))
        try:
            result = await iq.send(timeout=harness.TIMEOUT)
        except IqError as e:
            if e.condition == "item-not-found":
                return None
            raise
        for item in result.xml.iter("{%s}item" % PUBSUB):
            for payload in item:
                return ET.tostring(payload, encoding="unicode")
        return None

    async def publish_bundle(self, jid, device, xml):
        await self._publish(bundles_node(device), xml)

    async def publish_device_list(self, jid, devices):
        await self._publish(DEVICELIST, device_list_xml(devices))

    async def bundle(self, jid, device):
        xml = await self._item(jid, bundles_node(device))
        if xml is None:
            raise KeyError("no bundle for %s/%d" % (jid, device))
        return xml

    async def device_list(self, jid):
        xml = await self._item(jid, DEVICELIST)
        return devices_of(xml) if xml else []


class OmemoStudent(harness.Student):
    def __init__(self, jid, password, ca_file, bot_jid):
        super().__init__(jid, password, ca_file)
        self.bot_jid = bot_jid
        self.omemo = None
        # (kind "encrypted" | "plain" | "unreadable" | "transport", text, keys); "transport": a
        # key transport message (no text), once this student's OMEMO has taken its session
        self.chat = asyncio.Queue()
        self.element_of = {}  # text read -> the <encrypted> element (XML) it came in
        # slixmpp's "message" event needs a <body>: a key transport message has none.
        self.register_handler(Callback("OMEMO without a body", MatchXPath(
            "{jabber:client}message/{%s}encrypted" % NS), self._bodiless))

    def _bodiless(self, msg):
        if not msg["body"]:
            self._message(msg)

    def _message(self, msg):
        if msg["type"] not in ("chat", "normal"):
            return
        encrypted = msg.xml.find("{%s}encrypted" % NS)
        if encrypted is None:
            self.chat.put_nowait(("plain", msg["body"], []))
            return
        xml = ET.tostring(encrypted, encoding="unicode")
        rids = [int(k.get("rid")) for k in encrypted.iter("{%s}key" % NS)]
        asyncio.ensure_future(self._open(msg["from"].bare, xml, rids))

    async def _open(self, frm, xml, rids):
        try:
            text, _, _ = await self.omemo.open(frm, xml)
        except Exception as e:  # not for this device, or it does not decrypt: seen, not read
            self.chat.put_nowait(("unreadable", repr(e), rids))
            return
        if text is None:  # a key transport message carries no text
            self.chat.put_nowait(("transport", "", rids))
            return
        self.element_of[text] = xml
        self.chat.put_nowait(("encrypted", text, rids))

    async def start_omemo(self, policy="blind"):
        self.omemo = await StudentOmemo.make(self.boundjid.bare, Pep(self), policy)
        return self.omemo

    async def say(self, text):
        xml, rids = await self.omemo.seal(self.bot_jid, text)
        msg = self.make_message(mto=self.bot_jid, mbody=FALLBACK, mtype="chat")
        msg.append(ET.fromstring(xml))
        msg.append(ET.fromstring("<store xmlns='urn:xmpp:hints'/>"))
        msg.send()
        return rids

    def say_plain(self, text):
        self.send_message(mto=self.bot_jid, mbody=text, mtype="chat")

    async def expect(self, kind, startswith, timeout=harness.TIMEOUT):
        """The next line of the chat: it must be of `kind` and start with `startswith`."""
        got = await asyncio.wait_for(self.chat.get(), timeout)
        assert got[0] == kind and got[1].startswith(startswith), \
            "expected %s %r..., got %r" % (kind, startswith, got)
        return got

    async def read_until(self, kind, startswith, timeout=harness.TIMEOUT):
        """Every line up to the first of `kind` that starts with `startswith` (included)."""
        lines = []
        while True:
            got = await asyncio.wait_for(self.chat.get(), timeout)
            lines.append(got)
            if got[0] == kind and got[1].startswith(startswith):
                return lines


async def omemo_student(server, jid, password, bot_jid, policy="blind"):
    s = OmemoStudent(jid, password, server.ca_crt, bot_jid)
    s.register_plugin("xep_0199")
    await s.login(server.port)
    await s.start_omemo(policy)
    return s
