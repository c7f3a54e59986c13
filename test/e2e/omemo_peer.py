"""The OMEMO side of a student we did not write: Syndace's python-omemo and python-oldmemo
(Debian's python3-omemo, python3-oldmemo) with legacy OMEMO (eu.siacs.conversations.axolotl).

The glue is ours: an in-memory storage, a publish-subscribe store the caller provides (a dict for
the interop test, PEP over slixmpp for the lessons) and an explicit trust policy, as clients
have: `blind` trusts every new device until one is verified (Conversations, Dino, Gajim), `manual`
trusts nothing until told (Profanity)."""

import base64
import xml.etree.ElementTree as ET
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import omemo
import oldmemo
import oldmemo.etree
from omemo.storage import Just, Maybe, Nothing, Storage
from omemo.types import DeviceInformation, JSONType, TrustLevel

NS = oldmemo.oldmemo.NAMESPACE
ET.register_namespace("", NS)

TRUST_LEVELS = {
    "trusted": TrustLevel.TRUSTED,
    "blind": TrustLevel.TRUSTED,
    "distrusted": TrustLevel.DISTRUSTED,
    "undecided": TrustLevel.UNDECIDED,
}


class MemoryStorage(Storage):
    def __init__(self) -> None:
        super().__init__()
        self.data: Dict[str, JSONType] = {}

    async def _load(self, key: str) -> Maybe[JSONType]:
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key: str, value: JSONType) -> Any:
        self.data[key] = value

    async def _delete(self, key: str) -> Any:
        self.data.pop(key, None)


class Pubsub:
    """What a student's OMEMO needs from PEP: its own device list and bundle published, anyone's
    fetched. In memory by default; a subclass does it over XMPP."""

    def __init__(self) -> None:
        self.bundles: Dict[Tuple[str, int], str] = {}
        self.device_lists: Dict[str, List[int]] = {}

    async def publish_bundle(self, jid: str, device: int, xml: str) -> None:
        self.bundles[(jid, device)] = xml

    async def publish_device_list(self, jid: str, devices: List[int]) -> None:
        self.device_lists[jid] = devices

    async def bundle(self, jid: str, device: int) -> str:
        return self.bundles[(jid, device)]

    async def device_list(self, jid: str) -> List[int]:
        return self.device_lists.get(jid, [])


def device_list_xml(devices: List[int]) -> str:
    return "<list xmlns='%s'>%s</list>" % (NS, "".join("<device id='%d'/>" % d for d in devices))


def devices_of(xml: str) -> List[int]:
    return list(oldmemo.etree.parse_device_list(ET.fromstring(xml)).keys())


def fingerprint(identity_key_ed25519: bytes) -> str:
    """The 64 hex digits clients show for a device (its Curve25519 identity key)."""
    return "".join(omemo.SessionManager.format_identity_key(identity_key_ed25519)).lower()


class StudentOmemo(omemo.SessionManager):
    """One student's OMEMO device. Made with `await StudentOmemo.make(jid, pubsub, trust)`."""

    pubsub: Pubsub
    own_jid: str
    policy: str
    automatic: List[Tuple[str, str]]

    @classmethod
    async def make(cls, jid: str, pubsub: Pubsub, policy: str = "blind") -> "StudentOmemo":
        storage = MemoryStorage()
        # python-omemo makes the instance itself (and publishes from create()): a class of its own
        # per student carries what the upload and download methods need.
        own = type("StudentOmemoOf", (cls,), {"pubsub": pubsub, "own_jid": jid, "policy": policy,
                                               "automatic": []})
        manager = await own.create([oldmemo.Oldmemo(storage)], storage, jid, None, "undecided")
        await manager.after_history_sync()
        return manager

    # --- what python-omemo asks of its application -------------------------------------------
    async def _upload_bundle(self, bundle: omemo.Bundle) -> Any:
        xml = ET.tostring(oldmemo.etree.serialize_bundle(bundle), encoding="unicode")
        await self.pubsub.publish_bundle(bundle.bare_jid, bundle.device_id, xml)

    async def _download_bundle(self, namespace: str, bare_jid: str, device_id: int) -> omemo.Bundle:
        xml = await self.pubsub.bundle(bare_jid, device_id)
        return oldmemo.etree.parse_bundle(ET.fromstring(xml), bare_jid, device_id)

    async def _delete_bundle(self, namespace: str, device_id: int) -> Any:
        return None

    async def _upload_device_list(self, namespace: str, device_list: Dict[int, Optional[str]]) -> Any:
        await self.pubsub.publish_device_list(self.own_jid, list(device_list))

    async def _download_device_list(self, namespace: str, bare_jid: str) -> Dict[int, Optional[str]]:
        return {d: None for d in await self.pubsub.device_list(bare_jid)}

    async def _evaluate_custom_trust_level(self, device: DeviceInformation) -> TrustLevel:
        return TRUST_LEVELS[device.trust_level_name]

    async def _make_trust_decision(self, undecided: FrozenSet[DeviceInformation],
                                   identifier: Optional[str]) -> Any:
        for device in undecided:
            level = "blind" if self.policy == "blind" else "distrusted"
            await self.set_trust(device.bare_jid, device.identity_key, level)

    async def _send_message(self, message: omemo.Message, bare_jid: str) -> Any:
        # Key transport messages python-omemo sends by itself (completing a handshake).
        self.automatic.append((bare_jid, message_xml(message)))

    # --- what the tests use ----------------------------------------------------------------------
    async def own_fingerprint(self) -> Tuple[int, str]:
        own, _ = await self.get_own_device_information()
        return own.device_id, fingerprint(own.identity_key)

    async def devices(self, jid: str) -> Dict[int, Tuple[str, str]]:
        """device id -> (fingerprint, trust level name) of a contact's devices."""
        await self.refresh_device_list(NS, jid)
        return {d.device_id: (fingerprint(d.identity_key), d.trust_level_name)
                for d in await self.get_device_information(jid)}

    async def trust(self, jid: str, device_id: int, level: str) -> None:
        for d in await self.get_device_information(jid):
            if d.device_id == device_id:
                await self.set_trust(jid, d.identity_key, level)
                return
        raise KeyError(device_id)

    async def seal(self, jid: str, text: str) -> Tuple[str, List[int]]:
        """The <encrypted> element of `text` for `jid`'s devices this student trusts, and the
        devices it went to. The contact's device list is fetched first, as a client does when it
        sees a device list notification."""
        await self.refresh_device_list(NS, jid)
        messages, errors = await self.encrypt(frozenset([jid]), {NS: text.encode()})
        if not messages:
            raise RuntimeError("nothing encrypted: %r" % (errors,))
        message = next(iter(messages))
        element = oldmemo.etree.serialize_message(message)
        rids = [int(k.get("rid")) for k in element.iter("{%s}key" % NS)]
        return ET.tostring(element, encoding="unicode"), rids

    async def open(self, jid: str, xml: str) -> Tuple[Optional[str], int, str]:
        """(text or None for a key transport, the sender's device, its fingerprint)."""
        message = await oldmemo.etree.parse_message(ET.fromstring(xml), jid, self.own_jid, self)
        plain, device, _ = await self.decrypt(message)
        return (plain.decode() if plain is not None else None, device.device_id,
                fingerprint(device.identity_key))


def message_xml(message: omemo.Message) -> str:
    return ET.tostring(oldmemo.etree.serialize_message(message), encoding="unicode")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
