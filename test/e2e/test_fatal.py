"""Failures that retrying cannot mend stop the bot with the documented exit code and one clear line."""
import os

import pytest

from harness import bot_config, devenv


def last_line(bot):
    lines = [l for l in bot.log.splitlines() if l.startswith("otrbot: ")]
    assert len(lines) == 1, bot.log[-3000:]
    return lines[0]


def test_a_certificate_from_another_ca_stops_the_bot_with_exit_7(prosody, run_bot, tmp_path):
    other_ca, _ = devenv.make_ca(str(tmp_path / "other-ca"), name="someone else's CA")
    bot = run_bot(bot_config(prosody, password="botpw").replace(prosody.ca_crt, other_ca))
    assert bot.wait_exit() == 7
    line = last_line(bot)
    assert "not trusted" in line and "xmpp.ca_certs" in line
    # Never a plaintext fallback: no authentication was attempted.
    assert "<auth" not in bot.log


def module_server(tmp_path_factory, name, **options):
    """A Prosody of its own for this module's tests, with the bot's account."""
    server = devenv.Prosody(str(tmp_path_factory.mktemp(name)), {"bot@localhost": "botpw"}, **options)
    server.prepare()
    return server.start()


@pytest.fixture(scope="module")
def misnamed_server(tmp_path_factory):
    """A server whose certificate (from the right CA) names another host."""
    server = module_server(tmp_path_factory, "misnamed", cert_host="elsewhere.example")
    yield server
    server.stop()


def test_a_certificate_for_another_name_stops_the_bot_with_exit_7(misnamed_server, run_bot):
    bot = run_bot(bot_config(misnamed_server, password="botpw"))
    assert bot.wait_exit() == 7
    assert "not trusted" in last_line(bot)
    assert "<auth" not in bot.log


def test_a_wrong_password_stops_the_bot_with_exit_6(prosody, run_bot):
    bot = run_bot(bot_config(prosody, password="not-the-password"))
    assert bot.wait_exit() == 6
    line = last_line(bot)
    assert "refused the credentials of bot@localhost" in line
    assert "not-the-password" not in bot.log


@pytest.fixture(scope="module")
def tls12_server(tmp_path_factory):
    """A server that speaks TLS 1.2 at most."""
    server = module_server(tmp_path_factory, "tls12", tls_max="tlsv1_2")
    yield server
    server.stop()


def test_a_server_below_the_minimum_tls_version_stops_the_bot_with_exit_127(tls12_server, run_bot):
    bot = run_bot(bot_config(tls12_server, password="botpw", xmpp_extra='tls_version = "TLSv1.3"'))
    assert bot.wait_exit() == 127
    line = last_line(bot)
    assert "TLS policy" in line and "TLSv1.3" in line
    assert "<auth" not in bot.log


def test_the_same_server_is_fine_with_the_default_minimum(tls12_server, run_bot):
    bot = run_bot(bot_config(tls12_server, password="botpw"))
    bot.wait_for_log(r"\[manager\] online")
    assert bot.stop() == 0


def test_a_cipher_list_the_server_does_not_share_stops_the_bot_with_exit_127(tls12_server, run_bot):
    # The test server has an RSA key: ECDSA ciphers cannot be negotiated over TLS 1.2.
    bot = run_bot(bot_config(tls12_server, password="botpw",
                             xmpp_extra='cipher_list = ["ECDHE-ECDSA-AES256-GCM-SHA384"]'))
    assert bot.wait_exit() == 127
    assert "TLS policy" in last_line(bot)


def test_a_stray_sigusr1_changes_nothing_and_sigterm_still_stops_the_bot(prosody, run_bot):
    """SIGUSR1 wakes the signal watcher only when the bot itself stops it."""
    import signal
    bot = run_bot(bot_config(prosody))
    bot.wait_for_log(r"\[manager\] online")
    bot.proc.send_signal(signal.SIGUSR1)
    bot.proc.send_signal(signal.SIGTERM)
    assert bot.wait_exit() == 0
    bot.wait_for_log(r"signal 15: shutting down")
    assert "stopped (exit code 0)" in bot.log
