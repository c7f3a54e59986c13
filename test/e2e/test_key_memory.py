"""An ended session's OTR key does not stay readable in the bot's memory: after the sessions end,
the bot's whole writable memory (/proc/PID/mem: heap, anonymous mappings, thread stacks) is read
and searched for each ended session's DSA public value y, which sits beside the private x in
every copy of the key (its S-expression text, libgcrypt's S-expressions, libotr's read buffer).
The key is the one the student's python-potr saw in the AKE; the bot's key pool holds other keys,
for sessions yet to come."""
import asyncio
import os
import re
import time

import requests

import harness
from harness import bot_config, devenv, fresh_account
from otr_peer import otr_student
from student import PW

TOKEN = "admin-token-for-the-key-memory-test"


def writable_memory(pid):
    """Every readable, writable mapping of the process (nothing of a file on disk)."""
    chunks = []
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            perms, path = fields[1], fields[5] if len(fields) > 5 else ""
            if not perms.startswith("rw") or (path and not path.startswith("[")):
                continue
            try:
                mem.seek(start)
                chunks.append(mem.read(end - start))
            except (OSError, ValueError):
                pass  # a guard page, or a mapping gone meanwhile
    return b"".join(chunks)


def forms_of(y):
    """y as the key's copies hold it: big-endian bytes, hex text in either case."""
    raw = y.to_bytes((y.bit_length() + 7) // 8, "big")
    return {"bytes": raw, "HEX": raw.hex().upper().encode(), "hex": raw.hex().encode()}


def test_ended_sessions_leave_no_key_in_the_bots_memory(prosody, run_bot):
    students = [fresh_account(prosody, "student") for _ in range(2)]
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    # AddressSanitizer's allocator (OTRBOT_PRESET=asan) keeps freed blocks unless told to fill
    # them, as glibc's is by the bot itself.
    asan = os.environ.get("ASAN_OPTIONS", "")
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=students, web_port=port,
                             admin_token=TOKEN),
                  env={"ASAN_OPTIONS": (asan + ":" if asan else "") +
                       "max_free_fill_size=1048576:free_fill_byte=90:quarantine_size_mb=0"})
    bot.wait_for_web(port)
    bot.wait_for_log(r"\[manager\] online")
    keys = []

    async def one(jid):
        s = await otr_student(prosody, jid, PW, bot_jid)
        s.say("hello")
        await s.read_until("plain", "Step 1:")
        s.start_otr()
        await s.wait_otr("encrypted")
        await s.read_until("encrypted", "Step")
        keys.append(s.ctx.crypto.theirPubkey.pub.y)
        s.say("ending now")
        await s.logout()

    async def scenario():
        for jid in students:
            await one(jid)
    asyncio.run(scenario())
    # While a session runs its key is in memory, as it must be: the search finds it then.
    assert forms_of(keys[-1])["HEX"] in writable_memory(bot.proc.pid) or \
        forms_of(keys[-1])["bytes"] in writable_memory(bot.proc.pid), "the search does not see a live key"
    for jid in students:
        r = requests.delete("http://127.0.0.1:%d/admin/sessions/%s" % (port, jid),
                            headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
        assert r.status_code == 204, r.text
        bot.wait_for_log(r"session of %s ended" % re.escape(jid))

    def lingering():
        memory = writable_memory(bot.proc.pid)
        assert len(memory) > 1 << 20
        return [(i, name) for i, y in enumerate(keys) for name, form in forms_of(y).items() if form in memory]
    # The session actors are gone a moment after the manager says so: looked at until then.
    deadline = time.monotonic() + harness.TIMEOUT
    found = lingering()
    while found and time.monotonic() < deadline:
        found = lingering()
    assert found == [], "ended sessions' keys still in memory: %s" % found
