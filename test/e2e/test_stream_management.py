"""XEP-0198 against Prosody's mod_smacks: the bot's connection cut by a proxy (as a network
would) is resumed, not replaced, and a line the student wrote while it was down is answered
once; without mod_smacks the bot logs in again, with the same resource (it always binds
"otrbot": after a kill -9 the new login replaces a session the server still keeps)."""
import asyncio
import os
import re
import sys
import types

from harness import ROOT, bot_config, devenv, fresh_account, make_student, store_section

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import chaos_faults  # noqa: E402  (the fault harness's proxy)


async def _next_body(s, timeout):
    try:
        return (await s.next_message(timeout=timeout))["body"]
    except asyncio.TimeoutError:
        return None


def _bot_through(proxy, prosody, run_bot, student):
    via = types.SimpleNamespace(port=proxy.port, ca_crt=prosody.ca_crt)
    bot_jid = fresh_account(prosody, "bot")
    return run_bot(bot_config(via, bot=bot_jid, password="pw-for-tests", whitelist=(student,))), \
        bot_jid


async def _cut_and_write(prosody, run_bot):
    loop = asyncio.get_running_loop()
    proxy = chaos_faults.Proxy(prosody.port)
    await proxy.start()
    student = fresh_account(prosody, "student")
    bot, bot_jid = _bot_through(proxy, prosody, run_bot, student)
    wait = lambda pattern, after=0: loop.run_in_executor(None, bot.wait_for_log, pattern, after)  # noqa: E731
    await wait(r"\[manager\] online")
    first = re.search(r"online as (\S+)", bot.log).group(1)
    s = make_student(student, "pw-for-tests", prosody)
    await s.login(prosody.port)
    s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
    assert (await s.next_message())["body"].startswith("Hello! I am OTR Bot")
    assert (await s.next_message())["body"].startswith("Step 1:")
    mark = len(bot.log)
    proxy.cut()
    s.send_message(mto=bot_jid, mbody="are you there?", mtype="chat")
    await wait(r"online as", mark)
    again = re.findall(r"online as (\S+)", bot.log[mark:])[0]
    reply = await _next_body(s, 15)
    extra = await _next_body(s, 2)  # nothing more comes: the line was answered once
    await s.logout()
    proxy.close()
    return first, again, reply, extra, bot.log[mark:]


def test_a_cut_connection_is_resumed_with_mod_smacks(run_bot, tmp_path):
    prosody = devenv.Prosody(str(tmp_path / "prosody"), {}, extra_modules=("smacks",))
    prosody.prepare()
    prosody.start()
    try:
        first, again, reply, extra, log = asyncio.run(_cut_and_write(prosody, run_bot))
    finally:
        prosody.stop()
    assert "Session resumed successfully" in log, log
    assert again == first  # the same session: the same full JID
    assert reply and reply.startswith("Step 1:"), (reply, log)
    assert extra is None, extra


def test_without_mod_smacks_the_bot_logs_in_again(prosody, run_bot):
    first, again, reply, extra, log = asyncio.run(_cut_and_write(prosody, run_bot))
    assert "<resume" not in log and "Session resumed" not in log
    # A new session, with the resource the bot always binds: a client that locked on to the bot's
    # full JID still reaches it.
    assert first == again and first.endswith("/otrbot"), (first, again)


async def _write_to_full_jid_after_kill(prosody, run_bot, tmp_path):
    loop = asyncio.get_running_loop()
    student = fresh_account(prosody, "student")
    bot_jid = fresh_account(prosody, "bot")
    config = bot_config(prosody, bot=bot_jid, password="pw-for-tests", whitelist=(student,),
                        tail=store_section(str(tmp_path / "kept.db")))
    bot = run_bot(config)
    await loop.run_in_executor(None, bot.wait_for_log, r"\[manager\] online")
    s = make_student(student, "pw-for-tests", prosody)
    await s.login(prosody.port)
    s.send_message(mto=bot_jid, mbody="hello", mtype="chat")
    first = await s.next_message()
    full = str(first["from"])  # a client locks on to this full JID (XEP-0296)
    assert full.endswith("/otrbot"), full
    await s.next_message()  # Step 1
    bot.kill()
    again = run_bot(config)
    await loop.run_in_executor(None, again.wait_for_log, r"\[manager\] online")
    s.send_message(mto=full, mbody="hello again", mtype="chat")
    reply = await _next_body(s, 15)
    await s.logout()
    return reply, again.log


def test_after_kill_9_a_client_locked_on_the_full_jid_reaches_the_new_bot(run_bot, tmp_path):
    """With mod_smacks the server keeps the killed bot's session (hibernated, for minutes): the
    new login binds the same resource and replaces it, so what a client sends to that full JID
    reaches the new bot at once."""
    prosody = devenv.Prosody(str(tmp_path / "prosody"), {}, extra_modules=("smacks",))
    prosody.prepare()
    prosody.start()
    try:
        reply, log = asyncio.run(_write_to_full_jid_after_kill(prosody, run_bot, tmp_path))
    finally:
        prosody.stop()
    assert reply, "the new bot did not answer what was sent to the old full JID:\n" + log[-3000:]
