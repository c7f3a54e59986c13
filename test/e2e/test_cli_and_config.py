"""The command line and the settings file: documented exit codes, one line naming the problem."""
import os
import subprocess

import pytest

from harness import BINARY, ROOT, Bot
from devenv import free_port

GOOD = """[xmpp]
default_account = "bot@example.org"
ca_certs = "{ca}"
[xmpp.accounts."bot@example.org"]
password = "secret-password-1"
host = "xmpp.example.org"
{account}
{more}
[log]
syslog = false
"""


def run(args, config=None, tmp_path=None, env=None):
    cmd = [BINARY] + args
    if config is not None:
        path = tmp_path / "otrbot.toml"
        path.write_text(config)
        cmd += ["--config", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})), cwd=tmp_path or ROOT)


def one_error_line(result):
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("otrbot: ")
    return lines[0]


@pytest.fixture
def ca(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_text("not used: the bot stops before connecting\n")
    return str(path)


BAD_SETTINGS = [
    # (what is wrong, account lines, more lines, the key the message must name)
    ("an unknown key", "", "[bot]\ncolour = \"blue\"", "bot.colour"),
    ("an unknown table", "", "[database]\npath = \"x\"", "database"),
    ("a wrong type", "port = \"5222\"", "", 'xmpp.accounts."bot@example.org".port'),
    ("a port out of range", "port = 70000", "", 'xmpp.accounts."bot@example.org".port'),
    ("TLS off for a remote server", "", "", "xmpp.enable_tls"),
    ("plain text for a remote server", "allow_plain_text = true", "",
     'xmpp.accounts."bot@example.org".allow_plain_text'),
    ("SSL fallback", "", "", "xmpp.allow_ssl_fallback"),
    ("an old TLS version", "", "", "xmpp.tls_version"),
    ("a cipher OpenSSL does not know", "", "", "xmpp.cipher_list"),
    ("a password from an unset variable", "", "", 'xmpp.accounts."bot@example.org".password_env'),
    ("two sources for one password", "password_file = \"/etc/hostname\"", "",
     'xmpp.accounts."bot@example.org".password'),
    ("a whitelist entry that is not a JID", "", "[whitelist.\"not a jid@\"]\nlocale = \"en_GB\"",
     'whitelist."not a jid@"'),
    ("a locale that is not one", "", "[whitelist.\"s@example.org\"]\nlocale = \"english\"",
     'whitelist."s@example.org".locale'),
    ("a warning after the timeout", "", "[bot]\nwarning_timeout = 100\nsession_timeout = 50",
     "bot.warning_timeout"),
    ("a log level that is not one", "", "", "log.level"),
    ("a syslog address that is not one", "", "", "log.syslog_address"),
]


def config_for(case, ca):
    what, account, more, _ = case
    text = GOOD.format(ca=ca, account=account, more=more)
    if what == "TLS off for a remote server":
        text = text.replace("[xmpp]\n", "[xmpp]\nenable_tls = false\n")
    if what == "SSL fallback":
        text = text.replace("[xmpp]\n", "[xmpp]\nallow_ssl_fallback = true\n")
    if what == "an old TLS version":
        text = text.replace("[xmpp]\n", "[xmpp]\ntls_version = \"TLSv1.1\"\n")
    if what == "a cipher OpenSSL does not know":
        text = text.replace("[xmpp]\n", "[xmpp]\ncipher_list = [\"ECDHE-RSA-AES256-GCM-SHA384\", \"NOT-A-CIPHER\"]\n")
    if what == "a password from an unset variable":
        text = text.replace('password = "secret-password-1"', 'password_env = "OTRBOT_TEST_UNSET_VARIABLE"')
    if what == "a log level that is not one":
        text = text.replace("syslog = false", "syslog = false\nlevel = \"loud\"")
    if what == "a syslog address that is not one":
        text = text.replace("syslog = false", "syslog = true\nsyslog_address = \"nowhere\"")
    return text


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=[c[0] for c in BAD_SETTINGS])
def test_a_bad_setting_exits_3_naming_the_key(case, ca, tmp_path):
    result = run(["runclient"], config_for(case, ca), tmp_path)
    assert result.returncode == 3, result.stderr
    line = one_error_line(result)
    assert "bad setting " + case[3] in line
    assert "secret-password-1" not in result.stderr + result.stdout


def test_a_syntax_error_exits_3_with_the_line(tmp_path):
    result = run(["runclient"], "[xmpp\ndefault_account = 1\n", tmp_path)
    assert result.returncode == 3
    assert "line 1" in one_error_line(result)


def test_a_default_account_without_its_table_exits_3(ca, tmp_path):
    text = GOOD.format(ca=ca, account="", more="").replace(
        'default_account = "bot@example.org"', 'default_account = "other@example.org"')
    result = run(["runclient"], text, tmp_path)
    assert result.returncode == 3
    assert "xmpp.default_account" in one_error_line(result)


def test_a_jid_that_is_not_configured_exits_3(ca, tmp_path):
    result = run(["runclient", "--jid", "nobody@example.org"], GOOD.format(ca=ca, account="", more=""),
                 tmp_path)
    assert result.returncode == 3
    assert "--jid" in one_error_line(result)


def test_an_unreadable_ca_file_exits_3(tmp_path):
    result = run(["runclient"], GOOD.format(ca="/nonexistent/ca.pem", account="", more=""), tmp_path)
    assert result.returncode == 3
    assert "xmpp.ca_certs" in one_error_line(result)


def test_no_settings_file_exits_4(tmp_path):
    result = run(["runclient", "--config", str(tmp_path / "missing.toml")])
    assert result.returncode == 4
    assert "no settings" in one_error_line(result)


def test_the_default_settings_path_comes_from_the_environment(tmp_path):
    result = run(["runclient"], env={"OTRBOT_CONFIG": str(tmp_path / "from-env.toml")})
    assert result.returncode == 4
    assert "from-env.toml" in one_error_line(result)


def test_an_unknown_argument_exits_2():
    result = run(["runclient", "--colour"])
    assert result.returncode == 2
    assert "--colour" in one_error_line(result)


def test_no_subcommand_exits_2():
    assert run([]).returncode == 2


@pytest.mark.parametrize("sub", ["runclient", "extract", "init", "update", "compile"])
def test_every_subcommand_has_help(sub):
    result = run([sub, "-h"])
    assert result.returncode == 0
    assert "Usage" in result.stdout


def test_the_shipped_sample_loads_and_an_unreachable_server_is_retried(tmp_path):
    # The sample's server does not exist here: everything before connecting
    # must pass, then the bot retries with backoff instead of exiting.
    sample = open(os.path.join(ROOT, "conf", "otrbot.sample.toml")).read()
    sample = sample.replace('listen = "127.0.0.1:5000"', 'listen = "127.0.0.1:%d"' % free_port())
    sample = sample.replace('"/var/lib/otrbot/', '"%s/' % tmp_path)
    if not os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
        sample = sample.replace("/etc/ssl/certs/ca-certificates.crt", os.path.join(ROOT, "conf", "otrbot.sample.toml"))
    bot = Bot(str(tmp_path), sample).start()
    try:
        # No /dev/log on this machine: one warning, and the bot goes on.
        bot.wait_for_log(r"syslog is off: cannot reach /dev/log")
        at = bot.wait_for_log(r"connecting to xmpp\.example\.org:5222 as bot@example\.org")
        at = bot.wait_for_log(r"attempt 1 to reconnect in [0-9.]+ s", after=at)
        bot.wait_for_log(r"connecting to xmpp\.example\.org", after=at)
        bot.wait_for_log(r"attempt 2 to reconnect in [0-9.]+ s", after=at)
    finally:
        assert bot.stop() == 0
    assert bot.log.count("syslog is off") == 1
    assert "change me" not in bot.log
