#!/usr/bin/python3
"""What one OMEMO lesson costs the bot, beside one OTR lesson in the same run: a private Prosody,
the real bot (release build), and students we did not write (test/e2e's: python-omemo and
python-oldmemo, python-potr, over slixmpp), each through the whole lesson from an LTI launch to
the congratulation, one after another. Before and after each lesson the bot is left to settle
(no CPU for a second: an event, not a sleep), so its CPU per lesson holds everything the lesson
made it do, the OTR key its session took from the pool included. RSS per session: the growth
over a batch, its sessions still open. Prints figures; asserts nothing.
Usage: scripts/bench-omemo.py [BINARY] [--lessons N]  (scripts/bench.sh omemo:N builds and runs it)"""
import argparse
import asyncio
import logging
import os
import re
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
os.environ.setdefault("OTRBOT_BINARY", os.path.join(ROOT, "build", "release", "actors", "otrbot"))
if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
    os.environ["OTRBOT_BINARY"] = os.path.abspath(sys.argv[1])

import devenv  # noqa: E402
import harness  # noqa: E402
from bench import cpu_ms, quiet, rss_kib  # noqa: E402
from lms import (WebStudent, do_lesson_in_chat, enter_jid, give_secret, launch_params,  # noqa: E402
                 prove, sign)
from omemo_student import omemo_student  # noqa: E402
from student import CODE, PW  # noqa: E402

FINGERPRINT = re.compile(r'<code id="bot_fingerprint">([0-9a-f ]+)</code>')


async def omemo_chat(prosody, jid, bot_jid, web):
    """The OMEMO lesson's chat, as a student who does each step right the first time."""
    s = await omemo_student(prosody, jid, PW, bot_jid)
    devices = await s.omemo.devices(bot_jid)
    _, my_fp = await s.omemo.own_fingerprint()
    await s.say("hello")
    await s.read_until("encrypted", "Step 3: so that I know your device too")
    page = await asyncio.to_thread(web.get, "/ask_for_secret")
    shown = FINGERPRINT.search(page.text).group(1).replace(" ", "")
    await asyncio.to_thread(web.post, "/ask_for_secret", device_fingerprint=my_fp)
    await s.read_until("encrypted", "Your program still encrypts to my second device")
    for device, (fp, _) in devices.items():
        await s.omemo.trust(bot_jid, device, "trusted" if fp == shown else "distrusted")
    await s.say("done")
    lines = await s.read_until("encrypted", "Here is your proof")
    code = CODE.match(lines[-1][1]).group(1)
    page = await asyncio.to_thread(web.post, "/enter_bot_secret", bot_secret=code)
    assert 'id="done"' in page.text, "the code was refused"
    await s.read_until("encrypted", "You entered the right code")
    await s.logout()


def omemo_lesson(prosody, jid, bot_jid, base, user, mark):
    web = WebStudent(base)
    web.launch(sign(base + "/", launch_params(user=user, custom_lesson="omemo")))
    enter_jid(web, jid)
    prove(web, jid)
    mark()
    asyncio.run(omemo_chat(prosody, jid, bot_jid, web))


def otr_lesson(prosody, jid, bot_jid, base, user, mark):
    web = WebStudent(base)
    r = web.launch(sign(base + "/", launch_params(user=user, custom_lesson="otr")))
    assert r.status_code == 200, r.text
    enter_jid(web, jid)
    prove(web, jid)
    mark()
    give_secret(web)
    code = asyncio.run(do_lesson_in_chat(prosody, jid, bot_jid))
    page = web.post("/enter_bot_secret", bot_secret=code)
    assert 'id="done"' in page.text, "the code was refused"


def batch(name, lesson, n, prosody, bot, bot_jid, base, others):
    starts, chats, walls = [], [], []
    rss0 = rss_kib(bot.proc.pid)
    for i in range(n):
        jid = harness.fresh_account(prosody, name.lower())
        quiet([bot.proc.pid, prosody.proc.pid])
        cpu = [cpu_ms(bot.proc.pid)]
        started = time.monotonic()

        def mark():  # the launch, the JID and its proof done, the session started
            quiet([bot.proc.pid, prosody.proc.pid])
            cpu.append(cpu_ms(bot.proc.pid))
        lesson(prosody, jid, bot_jid, base, "%s-%d" % (name, i), mark)
        bot.wait_for_count("completed the lesson", others + i + 1)
        quiet([bot.proc.pid, prosody.proc.pid])  # the pool's new key, the stores' writes
        cpu.append(cpu_ms(bot.proc.pid))
        starts.append(cpu[1] - cpu[0])
        chats.append(cpu[2] - cpu[1])
        walls.append(time.monotonic() - started)
    rss = (rss_kib(bot.proc.pid) - rss0) / n
    med = lambda v: sorted(v)[len(v) // 2]  # noqa: E731
    whole = [a + b for a, b in zip(starts, chats)]
    print("%-5s %3d lessons: bot CPU per lesson median %.0f ms (min %.0f, max %.0f): launch, JID "
          "and its proof %.0f ms, then the lesson to the congratulation %.0f ms; RSS per open "
          "session %.1f KiB; a lesson's wall time (Python students) median %.1f s"
          % (name, n, med(whole), min(whole), max(whole), med(starts), med(chats), rss, med(walls)))


def main():
    logging.getLogger("omemo").setLevel(logging.ERROR)  # python-omemo's notes on each student
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("binary", nargs="?")
    p.add_argument("--lessons", type=int, default=20, help="lessons of each protocol")
    args = p.parse_args()
    print("machine: %d cores; otrbot (%s), Prosody and the students share them"
          % (os.cpu_count(), harness.BINARY))
    with tempfile.TemporaryDirectory(prefix="otrbot-bench-omemo-") as tmp:
        prosody = devenv.Prosody(os.path.join(tmp, "prosody"), harness.ACCOUNTS, log_level="warn")
        prosody.prepare()
        prosody.start()
        bot = None
        try:
            bot_jid = harness.fresh_account(prosody, "bot")
            port = devenv.free_port()
            config = harness.bot_config(prosody, bot=bot_jid, password=PW, whitelist=(),
                                        web_port=port, extra="key_pool = 16\n"
                                        "session_timeout = 86400\nwarning_timeout = 86000")
            bot = harness.Bot(tmp, config.replace('level = "debug"', 'level = "info"')).start()
            bot.wait_for_web(port)
            bot.wait_for_log(r"\[manager\] online")
            base = "http://127.0.0.1:%d" % port
            batch("OTR", otr_lesson, args.lessons, prosody, bot, bot_jid, base, 0)
            batch("OMEMO", omemo_lesson, args.lessons, prosody, bot, bot_jid, base, args.lessons)
        finally:
            if bot:
                bot.stop()
            prosody.stop()


if __name__ == "__main__":
    main()
