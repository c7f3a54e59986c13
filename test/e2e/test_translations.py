"""Translations: complete catalogs, the four commands, and each student in their own language."""
import asyncio
import glob
import os
import re
import shutil
import subprocess

from harness import BINARY, ROOT, bot_config, devenv, fresh_account
from lms import proof_of, WebStudent, launch_params, sign
from otr_peer import otr_student

LOCALES = os.path.join(ROOT, "i18n", "locales")
PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*[,}]")


def parse_po(path):
    """msgid -> (msgstr, fuzzy) of a .po or .pot file."""
    entries, fuzzy, key, cur = {}, False, None, {}
    text = open(path, encoding="utf-8").read()
    for block in text.split("\n\n"):
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#~"):
                current = None
                continue
            m = re.match(r'^(msgid|msgstr|msgctxt|msgid_plural)\s+"(.*)"$', line)
            if m:
                current = m.group(1)
                fields[current] = m.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields and fields["msgid"]:
            unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            entries[unescape(fields["msgid"])] = (unescape(fields.get("msgstr", "")), fuzzy)
    return entries


def otrbot(*args, **kw):
    return subprocess.run([BINARY] + list(args), capture_output=True, text=True, timeout=120, **kw)


def extract(tmp_path):
    pot = str(tmp_path / "messages.pot")
    r = otrbot("extract", "-o", pot, "--sources", ROOT)
    assert r.returncode == 0, r.stderr
    return pot


def test_every_message_is_translated_in_every_catalog_with_the_same_placeholders(tmp_path):
    messages = parse_po(extract(tmp_path))
    assert len(messages) > 100
    shipped = sorted(glob.glob(os.path.join(LOCALES, "*", "LC_MESSAGES", "messages.po")))
    assert {p.split(os.sep)[-3] for p in shipped} >= {"en_GB", "nl_NL"}
    for po in shipped:
        catalog = parse_po(po)
        locale = po.split(os.sep)[-3]
        for msgid in messages:
            assert msgid in catalog, "%s lacks %r" % (locale, msgid)
            msgstr, fuzzy = catalog[msgid]
            assert msgstr and not fuzzy, "%s has no translation for %r" % (locale, msgid)
            assert set(PLACEHOLDER.findall(msgstr)) == set(PLACEHOLDER.findall(msgid)), \
                "%s changes the placeholders of %r: %r" % (locale, msgid, msgstr)


def test_extract_init_update_compile_on_a_copy(tmp_path, prosody, run_bot):
    locales = str(tmp_path / "locales")
    shutil.copytree(LOCALES, locales)
    pot = extract(tmp_path)
    r = otrbot("init", pot, "fr_FR", "--locales", locales)
    assert r.returncode == 0 and "created" in r.stdout, r.stderr
    assert set(parse_po(os.path.join(locales, "fr_FR", "LC_MESSAGES", "messages.po"))) == set(parse_po(pot))
    assert otrbot("init", pot, "fr_FR", "--locales", locales).returncode == 2  # exists: use update
    r = otrbot("update", pot, "nl_NL", "--locales", locales)
    assert r.returncode == 0
    assert r.stdout.strip().splitlines() == [
        "using the catalogs in " + locales,
        "updated " + os.path.join(locales, "nl_NL", "LC_MESSAGES", "messages.po")]
    r = otrbot("compile", "--locales", locales)
    assert r.returncode == 0, r.stderr
    for loc in ("de_DE", "en_GB", "fr_FR", "nl_NL"):
        assert os.path.getsize(os.path.join(locales, loc, "LC_MESSAGES", "messages.mo")) > 0
    r = otrbot("compile", "-l", "nl_NL", "--locales", locales)
    assert r.returncode == 0 and r.stdout.count("compiled") == 1
    # The bot loads what was compiled.
    bot = run_bot(bot_config(prosody, extra='locales_dir = "%s"' % locales))
    bot.wait_for_log(r"languages: en_GB, de_DE, fr_FR, nl_NL \(catalogs in %s\)" % re.escape(locales))


def test_the_commands_work_on_the_checkout_they_are_run_in_and_say_which(tmp_path):
    """A translator in another checkout (or with an installed binary) edits that
    checkout's catalogs, not the tree the binary was built from."""
    checkout = tmp_path / "checkout"
    shutil.copytree(LOCALES, str(checkout / "i18n" / "locales"))
    for sub in ("actors", "conf", "i18n", "lti", "transport"):
        for src in glob.glob(os.path.join(ROOT, sub, "*.[ch]pp")):
            os.makedirs(str(checkout / sub), exist_ok=True)
            shutil.copy(src, str(checkout / sub))
    ours = str(checkout / "i18n" / "locales")
    r = otrbot("extract", "-o", "messages.pot", cwd=str(checkout))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "using the sources in " + str(checkout)
    before = open(os.path.join(LOCALES, "nl_NL", "LC_MESSAGES", "messages.po"), "rb").read()
    r = otrbot("update", "messages.pot", "nl_NL", cwd=str(checkout))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "using the catalogs in " + ours
    r = otrbot("init", "messages.pot", "fr_FR", cwd=str(checkout))
    assert r.returncode == 0, r.stderr
    assert os.path.exists(os.path.join(ours, "fr_FR", "LC_MESSAGES", "messages.po"))
    assert not os.path.exists(os.path.join(LOCALES, "fr_FR"))
    r = otrbot("compile", cwd=str(checkout))
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "using the catalogs in " + ours, r.stderr
    assert os.path.getsize(os.path.join(ours, "nl_NL", "LC_MESSAGES", "messages.mo")) > 0
    assert open(os.path.join(LOCALES, "nl_NL", "LC_MESSAGES", "messages.po"), "rb").read() == before
    # Outside a checkout: the catalogs the bot reads; extract says to run it in a checkout.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = otrbot("compile", cwd=str(elsewhere))
    assert r.returncode == 2
    assert "there are no catalogs in " + os.path.join(os.path.dirname(os.path.dirname(BINARY)), "locales") \
        in r.stderr, r.stderr
    r = otrbot("extract", "-o", "messages.pot", cwd=str(elsewhere))
    assert r.returncode == 2 and "run it in a source checkout" in r.stderr


def test_the_commands_refuse_bad_input_with_exit_2_and_a_missing_tool_with_exit_5(tmp_path):
    pot = extract(tmp_path)
    locales = str(tmp_path / "locales")
    shutil.copytree(LOCALES, locales)
    for args in (("init", str(tmp_path / "missing.pot"), "fr_FR"), ("update", str(tmp_path / "missing.pot"), "nl_NL"),
                 ("init", pot, "dutch"), ("init", pot, "nl-NL-x"), ("update", pot, "fr_FR"),
                 ("compile", "-l", "fr_FR")):  # there is no fr_FR catalog in the copy
        r = otrbot(*args, "--locales", locales)
        assert r.returncode == 2, args
        assert r.stderr.startswith("otrbot: ") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = otrbot("compile", "--locales", locales, env=dict(os.environ, PATH="/nonexistent"))
    assert r.returncode == 5 and "msgfmt is missing" in r.stderr


def test_a_dutch_and_an_english_student_at_the_same_time(prosody, run_bot):
    anna = fresh_account(prosody, "anna")
    ben = fresh_account(prosody, "ben")
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password="pw-for-tests", whitelist=(), web_port=port))
    bot.wait_for_log(r"\[manager\] online")
    bot.wait_for_web(port)
    base = "http://127.0.0.1:%d" % port
    dutch, english = WebStudent(base), WebStudent(base)
    r_nl = dutch.launch(sign(base + "/", launch_params(user="anna", locale="nl-BE")))
    r_en = english.launch(sign(base + "/", launch_params(user="ben", locale="en-US")))
    assert '<html lang="nl">' in r_nl.text and "Stap 0 van 4" in r_nl.text and "Beginnen" in r_nl.text
    assert '<html lang="en">' in r_en.text and "Step 0 of 4" in r_en.text
    for web, jid in ((dutch, anna), (english, ben)):
        web.get("/enter_jid")
        web.post("/enter_jid", jid=jid)
    assert "Laat zien dat dit Jabber-ID van jou is" in dutch.last.text
    assert "Show that this Jabber ID is yours" in english.last.text
    assert "Stap 0 van 4: laat de bot zien dat dit Jabber-ID van jou is." in dutch.last.text
    (_, word_a), (_, word_b) = proof_of(dutch), proof_of(english)

    async def scenario():
        a = await otr_student(prosody, anna, "pw-for-tests", bot_jid)
        b = await otr_student(prosody, ben, "pw-for-tests", bot_jid)
        a.say("hallo " + word_a)
        b.say("hello " + word_b)
        await a.read_until("plain", "Hallo! Ik ben OTR Bot")
        await b.read_until("plain", "Hello! I am OTR Bot")
        dutch.post("/ask_for_secret", secret="kort")
        assert dutch.error() == "Dat geheim is geweigerd: een geheim moet minstens 8 tekens hebben."
        a.start_otr()
        b.start_otr()
        await a.read_until("encrypted", "Goed gedaan: dit gesprek is nu versleuteld")
        await b.read_until("encrypted", "Well done: this conversation is now encrypted")
        a.say("help")
        b.say("help")
        await a.read_until("encrypted", "Stap 2:")
        await b.read_until("encrypted", "Step 2:")
        await a.logout()
        await b.logout()

    asyncio.run(scenario())


def test_a_german_launch_gets_german_pages(prosody, run_bot):
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, whitelist=(), web_port=port))
    bot.wait_for_log(r"languages: en_GB, de_DE, nl_NL")
    bot.wait_for_web(port)
    base = "http://127.0.0.1:%d" % port
    web = WebStudent(base)
    r = web.launch(sign(base + "/", launch_params(locale="de-AT")))
    assert '<html lang="de">' in r.text and "Schritt 0 von 4" in r.text and "Los geht’s" in r.text
    web.get("/enter_jid")
    web.post("/enter_jid", jid="nicht gültig")
    assert web.error().startswith("Das ist keine Jabber-ID (")


def test_a_refused_launch_is_explained_in_the_launchs_language(prosody, run_bot):
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, whitelist=(), web_port=port))
    bot.wait_for_log(r"web pages on")
    bot.wait_for_web(port)
    base = "http://127.0.0.1:%d" % port
    web = WebStudent(base)
    r = web.launch(sign(base + "/", launch_params(locale="nl-NL"), secret="not-the-secret"))
    assert r.status_code == 401
    assert web.error().startswith("Deze opdracht kon niet worden gestart: de handtekening van de start klopt niet")
