"""`otrbot check-config`: one line per check, and the exit code of the first failure, against a
real Prosody (login with the TLS policy), the real listen address and a running bot."""
import os
import re
import subprocess

from harness import BINARY, TIMEOUT, bot_config, devenv, store_section

AVATAR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docker", "otrbot",
                      "avatar.png")


def check(tmp_path, config_text, *args):
    path = tmp_path / "check.toml"
    path.write_text(config_text)
    r = subprocess.run([BINARY, "check-config", "--config", str(path), *args], capture_output=True,
                       text=True, timeout=TIMEOUT)
    lines = {}
    for line in r.stdout.splitlines():
        m = re.match(r"(ok|FAIL|skip)\s+(\S+(?: \S+)?)\s{2,}(.*)", line)
        assert m, "not a check line: %r" % line
        lines[m.group(2)] = (m.group(1), m.group(3))
    return r.returncode, lines


def test_every_check_passes_for_a_sound_setup(prosody, tmp_path):
    cfg = bot_config(prosody, account_extra='avatar = "%s"' % AVATAR) + store_section(tmp_path / "s.db")
    code, lines = check(tmp_path, cfg)
    assert code == 0, lines
    assert [v for v, _ in lines.values()] == ["ok"] * 8
    assert list(lines) == ["settings", "avatar", "catalogs", "store", "xmpp dns", "xmpp login",
                           "lti listen", "public url"]
    assert lines["avatar"][1].endswith("PNG 96x96, 304 bytes")
    assert re.match(r"logged in as bot@localhost/\S+ at 127\.0\.0\.1:%d over TLS \(minimum TLSv1\.2\)$"
                    % prosody.port, lines["xmpp login"][1])
    assert set(lines["catalogs"][1].split(" in ")[0].split(", ")) == {"de_DE", "en_GB", "nl_NL"}


def test_a_wrong_password_fails_the_login_with_exit_6_and_says_which_key(prosody, tmp_path):
    code, lines = check(tmp_path, bot_config(prosody, password="wrong") + store_section(tmp_path / "s.db"))
    assert code == 6
    verdict, text = lines["xmpp login"]
    assert verdict == "FAIL" and 'check the password of [xmpp.accounts."bot@localhost"]' in text
    # The other checks still ran.
    assert lines["lti listen"][0] == "ok" and lines["public url"][0] == "ok"


def test_an_untrusted_certificate_is_exit_7(prosody, tmp_path):
    other_ca, _ = devenv.make_ca(str(tmp_path / "other-ca"), name="someone else's CA")
    cfg = bot_config(prosody).replace(prosody.ca_crt, other_ca) + store_section(tmp_path / "s.db")
    code, lines = check(tmp_path, cfg)
    assert code == 7
    assert lines["xmpp login"][0] == "FAIL" and "not trusted" in lines["xmpp login"][1]


def test_no_server_at_the_address_is_exit_9(prosody, tmp_path):
    cfg = bot_config(prosody).replace("port = %d" % prosody.port, "port = %d" % devenv.free_port())
    code, lines = check(tmp_path, cfg + store_section(tmp_path / "s.db"))
    assert code == 9
    assert lines["xmpp login"][0] == "FAIL" and lines["xmpp login"][1].startswith("no XMPP server answered at 127.0.0.1:")


def test_offline_asks_no_server_and_still_stops_bad_settings(prosody, tmp_path):
    """The systemd unit's ExecStartPre: nobody at the address is no failure there (the bot connects
    when the server is back), its listen address is not bound, and a bad setting is still exit 3;
    --running and --offline exclude each other."""
    busy = devenv.free_port()
    cfg = bot_config(prosody, web_port=busy).replace("port = %d" % prosody.port,
                                                     "port = %d" % devenv.free_port())
    code, lines = check(tmp_path, cfg + store_section(tmp_path / "s.db"), "--offline")
    assert code == 0, lines
    assert list(lines) == ["settings", "avatar", "catalogs", "store", "xmpp login", "lti listen"]
    assert lines["xmpp login"][0] == "skip" and lines["lti listen"][0] == "skip"
    code, lines = check(tmp_path, '[xmpp]\ndefault_account = "bot@localhost"\nnot_a_key = 1\n',
                        "--offline")
    assert code == 3 and lines["settings"][0] == "FAIL"
    r = subprocess.run([BINARY, "check-config", "--offline", "--running"], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert r.returncode == 2 and "excludes" in r.stderr + r.stdout


def test_bad_settings_are_one_failing_line_with_exit_3(tmp_path):
    code, lines = check(tmp_path, '[xmpp]\ndefault_account = "bot@localhost"\nnot_a_key = 1\n')
    assert code == 3
    assert list(lines) == ["settings"] and lines["settings"][0] == "FAIL"
    assert "not_a_key" in lines["settings"][1]


def test_a_store_folder_that_is_missing_is_exit_8(prosody, tmp_path):
    cfg = bot_config(prosody) + store_section(tmp_path / "nowhere" / "s.db")
    code, lines = check(tmp_path, cfg)
    assert code == 8 and lines["store"][0] == "FAIL"


def test_running_checks_the_bots_own_pages_and_without_it_the_address_is_taken(prosody, run_bot, tmp_path):
    port = devenv.free_port()
    cfg = bot_config(prosody, web_port=port) + store_section(tmp_path / "s.db")
    bot = run_bot(cfg)
    bot.wait_for_log(r"web pages on http://127\.0\.0\.1:%d/" % port)
    code, lines = check(tmp_path, cfg, "--running")
    assert code == 0, lines
    assert lines["lti listen"] == ("ok", "http://127.0.0.1:%d/is_up answers 200" % port)
    assert "xmpp login" not in lines  # a health check does not log in a second time
    code, lines = check(tmp_path, cfg)
    assert code == 3
    assert lines["lti listen"][0] == "FAIL" and "(if otrbot runs there, add --running)" in lines["lti listen"][1]


def test_the_lti13_key_is_checked_as_the_bot_reads_it(prosody, tmp_path):
    key = tmp_path / "lti13-key.pem"
    cfg = bot_config(prosody) + store_section(tmp_path / "s.db") + \
        '\n[lti13]\nprivate_key_file = "%s"\nkey_id = "k7"\n' % key
    code, lines = check(tmp_path, cfg)
    assert code == 0 and lines["lti13"] == ("ok", "%s does not exist yet: made at start; "
                                                  "0 platform(s) in the settings" % key)
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", str(key)], check=True, capture_output=True)
    code, lines = check(tmp_path, cfg)
    assert code == 0 and lines["lti13"] == ("ok", "%s (key id k7); 0 platform(s) in the settings" % key)
    key.write_text("not a key\n")
    code, lines = check(tmp_path, cfg)
    assert code == 3 and lines["lti13"] == ("FAIL", "%s (lti13.private_key_file): it is not a PEM "
                                                    "private key" % key)
