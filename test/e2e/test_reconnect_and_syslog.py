"""The bot comes back by itself when the server restarts; syslog gets its lines at the configured address."""
import asyncio
import re
import socket
import threading

import pytest

from harness import bot_config, devenv, make_student

ACCOUNTS = {"bot@localhost": "botpw", "student@localhost": "studentpw"}


async def say_hello(server, password="studentpw"):
    s = await make_student("student@localhost", password, server).login(server.port)
    s.send_message(mto="bot@localhost", mbody="are you there?", mtype="chat")
    reply = await s.next_message()
    await s.logout()
    return reply


def test_the_bot_reconnects_after_the_server_restarts(tmp_path, run_bot):
    server = devenv.Prosody(str(tmp_path / "prosody"), ACCOUNTS)
    server.prepare()
    server.start()
    try:
        bot = run_bot(bot_config(server))
        at = bot.wait_for_log(r"\[manager\] online")
        assert asyncio.run(say_hello(server))["from"].bare == "bot@localhost"

        server.stop()
        at = bot.wait_for_log(r"attempt 1 to reconnect in", after=at)
        bot.wait_for_log(r"attempt 2 to reconnect in", after=at)  # still down: retried again
        server.start()
        at = bot.wait_for_log(r"\[xmpp\] online as bot@localhost", after=at)
        bot.wait_for_log(r"\[manager\] online", after=at)
        reply = asyncio.run(say_hello(server))
        assert reply["from"].bare == "bot@localhost"
        # The session lived on across the reconnect: no second greeting.
        assert reply["body"].startswith("Step 1:")
        assert bot.proc.poll() is None
    finally:
        server.stop()


class Listener:
    """A syslog daemon stand-in: collects datagrams on a Unix socket or UDP port."""

    def __init__(self, family, address):
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.address = self.sock.getsockname()
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            with self.cond:
                self.lines.append(data.decode("utf-8", "replace"))
                self.cond.notify_all()

    def wait_for(self, pattern, timeout=60):
        rx = re.compile(pattern)
        with self.cond:
            if not self.cond.wait_for(lambda: any(rx.search(l) for l in self.lines), timeout):
                raise AssertionError("syslog never got %r; it got:\n%s" % (pattern, "\n".join(self.lines)))

    def close(self):
        self.sock.close()


@pytest.mark.parametrize("kind", ["unix", "udp"])
def test_syslog_gets_the_bots_lines_at_the_configured_address_and_level(kind, prosody, run_bot, tmp_path):
    if kind == "unix":
        listener = Listener(socket.AF_UNIX, str(tmp_path / "log.sock"))
        address = listener.address
    else:
        listener = Listener(socket.AF_INET, ("127.0.0.1", 0))
        address = "127.0.0.1:%d" % listener.address[1]
    try:
        config = bot_config(prosody, password="botpw").replace(
            "syslog = false", 'syslog = true\nsyslog_address = "%s"\nsyslog_level = "INFO"' % address)
        bot = run_bot(config)
        bot.wait_for_log(r"\[manager\] online")
        asyncio.run(say_hello(prosody))
        bot.wait_for_log(r"session started for student@localhost")
        listener.wait_for(r"^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d otrbot\[\d+\]: \[xmpp\] online as bot@localhost")
        listener.wait_for(r"\[manager\] session started for student@localhost")
        text = "\n".join(listener.lines)
        # The console runs at debug; syslog at info: no debug lines there.
        assert "SENT:" in bot.log and "SENT:" not in text
        for secret in ("botpw", "studentpw", "are you there?"):
            assert secret not in text and secret not in bot.log
    finally:
        listener.close()
