"""The pages in a real headless Chromium (Debian's chromium, driven through Debian's
chromium-driver by python3-selenium): the whole flow from an LMS launch, every page checked
at a phone's width (390 px) and a laptop's (1280 px) for horizontal overflow, the text of
each page against the student's step, and screenshots in build/e2e-artifacts/pages/."""
import asyncio
import html
import os
import shutil
import urllib.parse

import pytest

from harness import ROOT, TIMEOUT, fresh_account
from lms import OutcomeService, launch_params, send_word, sign
from test_lms import SECRET, do_lesson_in_chat, web_bot

ARTIFACTS = os.environ.get("OTRBOT_ARTIFACTS", os.path.join(ROOT, "build", "e2e-artifacts"))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTHS = (390, 1280)


def artifacts(name):
    """An empty folder for a test's screenshots, under OTRBOT_ARTIFACTS."""
    out = os.path.join(ARTIFACTS, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    return out


def browser(prefs=None):
    """Headless Chromium through chromium-driver: a new profile, no network of its own;
    `prefs`: Chromium preferences (e.g. which cookies it keeps)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("python3-selenium is needed: run scripts/install-deps.sh")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail("%s is needed: run scripts/install-deps.sh (chromium, chromium-driver)" % path)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    return driver


class Pages:
    """The student's browser: waits on the DOM, never on the clock."""

    def __init__(self, driver, out):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait
        self.d, self.out, self.by, self.ec = driver, out, By, ec
        self.wait = WebDriverWait(driver, TIMEOUT)

    def el(self, css):
        return self.wait.until(self.ec.presence_of_element_located((self.by.CSS_SELECTOR, css)))

    def text(self, css):
        """The element's text; read again when the page's <main> was swapped meanwhile."""
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

        def read(d):
            try:
                return (d.find_element(self.by.CSS_SELECTOR, css).text,)
            except (NoSuchElementException, StaleElementReferenceException):
                return None
        return self.wait.until(read)[0]

    def has(self, css):
        return bool(self.d.find_elements(self.by.CSS_SELECTOR, css))

    def fill(self, css, value):
        field = self.el(css)
        field.clear()
        field.send_keys(value)

    def launch(self, page, base, params):
        """Opens an LMS-like page at `page` that posts a signed launch to `base`, and waits until
        the bot's first page has replaced it (the form submits itself on load)."""
        launch_page(page, base + "/", sign(base + "/", params))
        self.d.get("file://" + page)
        self.el("#start")

    def to_jid_entered(self, page, base, jid):
        """A learner's launch, Start, `jid` entered and proved: the "Add the bot" page."""
        self.launch(page, base, launch_params())
        self.click_to("#start", "/enter_jid")
        self.fill("#jid", jid)
        self.click_to("button[type=submit]", "/jid_entered")
        self.prove(jid)

    def prove(self, jid):
        """The word the page shows, sent from `jid`'s account as the page says: the page moves
        on to the "Add the bot" page by itself (progress.js), without a reload."""
        assert "Step 0 of 4" in self.text("#step")
        word = self.text("#jid_proof")
        link = self.el("#proof_link").get_attribute("href")
        assert link.startswith("xmpp:") and link.endswith("?message;body=" + word), link
        page = self.d.find_element(self.by.TAG_NAME, "html")
        asyncio.run(send_word(jid, link[len("xmpp:"):link.index("?")], word))
        self.wait.until(lambda d: "Step 1 of 4" in self.text("#step"))
        self.el("#next")
        assert not gone(page)  # the same document: swapped in place

    def click_to(self, css, url_part):
        """Clicks and waits for the page at `url_part` to be loaded."""
        old = self.d.find_element(self.by.TAG_NAME, "html")
        self.el(css).click()
        self.wait.until(lambda d: gone(old))
        self.wait.until(self.ec.url_contains(url_part))
        self.el("#step")

    def check_widths(self, name):
        """No horizontal scrolling at either width; a screenshot of each."""
        for width in WIDTHS:
            self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
            scroll, client = self.d.execute_script(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];")
            self.d.save_screenshot(os.path.join(self.out, "%s-%d.png" % (name, width)))
            assert scroll <= client, "%s overflows at %d px: scrollWidth %d > clientWidth %d" % (
                name, width, scroll, client)
        self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def gone(element):
    """Whether `element`'s page has been replaced. Selenium's staleness_of knows only
    StaleElementReferenceException; Chromium also answers a look at a node during the
    navigation with "Node with given id does not belong to the document"."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in e.msg:
            return True
        raise


def launch_page(path, url, body):
    """An HTML page that posts the signed launch, as an LMS page does."""
    fields = "".join('<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v))
                     for k, v in urllib.parse.parse_qsl(body, keep_blank_values=True))
    with open(path, "w") as f:
        f.write('<!DOCTYPE html><html><body onload="document.forms[0].submit()">'
                '<form method="post" action="%s">%s</form></body></html>' % (html.escape(url), fields))


def test_a_student_goes_through_the_pages_in_chromium(prosody, run_bot, tmp_path):
    out = artifacts("pages")
    lms = OutcomeService()
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    driver = browser()
    try:
        p = Pages(driver, out)
        p.launch(str(tmp_path / "launch.html"), base, launch_params(outcome_url=lms.url))
        assert driver.find_element(p.by.TAG_NAME, "html").get_attribute("lang") == "en"
        assert "Step 0 of 4" in p.text("#step")
        p.check_widths("01-index")

        p.click_to("#start", "/enter_jid")
        p.fill("#jid", "not a jid")
        p.click_to("button[type=submit]", "/enter_jid")
        assert "That is not a Jabber ID" in p.text("#error")
        p.check_widths("02-jid-refused")

        p.fill("#jid", student)
        p.click_to("button[type=submit]", "/jid_entered")
        assert student in p.text("body")
        p.check_widths("03-jid-proof")
        p.prove(student)
        assert student in p.text("body")
        p.check_widths("03-jid-entered")

        p.click_to("#next", "/ask_for_secret")
        p.fill("#secret", "aaaabbbb")  # long enough for the browser, too weak for the bot
        p.click_to("button[type=submit]", "/ask_for_secret")
        assert "at least 5 different characters" in p.text("#error")
        p.check_widths("04-secret-refused")

        p.fill("#secret", SECRET)
        p.click_to("button[type=submit]", "/enter_bot_secret")
        # OTR has not started yet: the page says so, not "now authenticate".
        assert "Step 1 of 4" in p.text("#step")
        body = p.text("body")
        assert "First start an encrypted OTR conversation" in body
        assert "Now authenticate" not in body
        p.check_widths("05-enter-code-step-1")

        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        driver.refresh()
        p.wait.until(lambda d: "Step 4 of 4" in p.text("#step"))
        body = p.text("body")
        assert "has sent you a code" in body and "Now authenticate" not in body
        p.check_widths("06-enter-code-step-4")

        p.fill("#bot_secret", code[:-1])
        p.click_to("button[type=submit]", "/enter_bot_secret")
        assert "has 8 letters and digits, and you typed 7" in p.text("#error")
        assert p.el("#bot_secret").get_attribute("value") == code[:-1]  # kept, to be corrected
        p.check_widths("07-code-too-short")

        # Typed as people type it: lower case, a space for the dash.
        p.fill("#bot_secret", code.lower().replace("-", " "))
        p.click_to("button[type=submit]", "/enter_bot_secret")
        assert "completed the exercise" in p.text("#done")
        assert p.text("#step").strip().startswith("Done")
        p.check_widths("08-done")
        assert lms.wait_for(1)[0] == (True, True, "sourced-1", "1.0")
        assert lms.refused == []
        for name in ("01-index", "03-jid-entered", "05-enter-code-step-1", "08-done"):
            for width in WIDTHS:
                assert os.path.getsize(os.path.join(out, "%s-%d.png" % (name, width))) > 1000
    finally:
        driver.quit()
        lms.close()


def test_the_page_follows_the_lesson_live_without_a_reload(prosody, run_bot, tmp_path):
    from otr_peer import otr_student
    from test_lms import PW
    out = artifacts("live")
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    driver = browser()
    try:
        p = Pages(driver, out)
        p.to_jid_entered(str(tmp_path / "launch.html"), base, student)
        p.click_to("#next", "/ask_for_secret")
        p.fill("#secret", SECRET)
        p.click_to("button[type=submit]", "/enter_bot_secret")
        assert "Step 1 of 4" in p.text("#step")
        live = p.el("#live")
        assert live.get_attribute("aria-live") == "polite"
        p.wait.until(lambda d: "not encrypted" in p.text("#live_encryption"))
        page_before = driver.find_element(p.by.TAG_NAME, "html")

        async def chat():
            s = await otr_student(prosody, student, PW, bot_jid)
            s.say("hello")
            await s.read_until("plain", "Step 1:")
            s.start_otr()
            await s.wait_otr("encrypted")
            await s.read_until("encrypted", "Step 3: authenticate me")
            # The page, unreloaded: encrypted, the fingerprint the student's client sees, Step 3.
            p.wait.until(lambda d: "Step 3 of 4" in p.text("#step"))
            assert "is encrypted with OTR" in p.text("#live_encryption")
            fingerprint = s.bot_fingerprint().upper()
            shown = p.text("#live_fingerprint").replace(" ", "")
            assert fingerprint in shown, (fingerprint, shown)
            p.check_widths("live-step-3")
            s.authenticate(SECRET)
            await s.wait_otr("smp_success")
            await s.read_until("encrypted", "Here is your proof")
            p.wait.until(lambda d: "Step 4 of 4" in p.text("#step"))
            assert "Your secret matched" in p.text("#live_smp")
            await s.logout()
        asyncio.run(chat())
        # All of it happened on the same page: no navigation, no reload.
        assert page_before.is_displayed() and driver.current_url.split("?")[0].endswith("/enter_bot_secret")
        p.check_widths("live-step-4")
    finally:
        driver.quit()


def test_the_instructions_and_the_form_follow_the_step_without_a_reload(prosody, run_bot, tmp_path):
    """What the live page shows below its step line is the page of that step: the secret's form
    when OTR starts or the secret was lost, Step 1's text after OTR ended, no old failure."""
    from otr_peer import otr_student
    from test_lms import PW
    out = artifacts("follow")
    student = fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot)
    driver = browser()
    try:
        p = Pages(driver, out)
        p.to_jid_entered(str(tmp_path / "launch.html"), base, student)
        page = driver.find_element(p.by.TAG_NAME, "html")

        async def chat():
            s = await otr_student(prosody, student, PW, bot_jid)
            s.say("hello")
            await s.read_until("plain", "Step 1:")
            s.start_otr()
            await s.wait_otr("encrypted")
            await s.read_until("encrypted", "Step 2:")
            # The "Add the bot" page became the secret's page, in place (same document).
            p.wait.until(lambda d: p.has("#secret"))
            assert "Step 2 of 4" in p.text("#step") and "contact request" not in p.text("#main")
            assert driver.current_url.split("?")[0].endswith("/ask_for_secret")
            assert not gone(page)
            p.check_widths("follow-step-2")
            p.fill("#secret", SECRET)
            p.click_to("button[type=submit]", "/enter_bot_secret")
            await s.read_until("encrypted", "Step 3:")
            # The secret typed into the chat: the bot forgets it; the page asks for a new one.
            s.say(SECRET)
            await s.read_until("encrypted", "I have forgotten that secret")
            p.wait.until(lambda d: p.has("#secret"))
            assert "Step 2 of 4" in p.text("#step") and not p.has("#bot_secret")
            p.fill("#secret", "seven blue owls whisper")
            p.click_to("button[type=submit]", "/enter_bot_secret")
            await s.read_until("encrypted", "Step 3:")
            s.authenticate("not the same words")
            await s.wait_otr("smp_failed")
            # (potr sends an SMP abort after the failure: the page still says it failed)
            p.wait.until(lambda d: "The check failed" in p.text("#live_smp"))
            # A new secret: the failure was about the old one and is no longer shown.
            p.click_to("#main a[href^='/ask_for_secret']", "/ask_for_secret")
            p.fill("#secret", "four green frogs singing")
            p.click_to("button[type=submit]", "/enter_bot_secret")
            await s.read_until("encrypted", "Step 3:")
            p.wait.until(lambda d: "is encrypted with OTR" in p.text("#live_encryption"))
            assert p.text("#live_smp") == ""
            code_page = driver.find_element(p.by.TAG_NAME, "html")
            # OTR ended: Step 1's words below "Step 1 of 4", on the same page.
            s.end_otr()
            await s.read_until("plain", "To go on, start the encrypted OTR conversation")
            p.wait.until(lambda d: "Step 1 of 4" in p.text("#step"))
            p.wait.until(lambda d: "First start an encrypted OTR conversation" in p.text("#main"))
            assert not gone(code_page)
            p.check_widths("follow-step-1-again")
            await s.logout()
        asyncio.run(chat())
    finally:
        driver.quit()


def test_the_teacher_view_fits_a_phone_and_updates_itself(prosody, run_bot, tmp_path):
    """Development mode's class (no LMS needed): at 390 px each student is a block, nothing
    scrolls sideways, the page's box included; a new student appears without a reload."""
    from lms import WebStudent
    from test_lms import through_the_pages
    out = artifacts("class")
    bot, bot_jid, base = web_bot(prosody, run_bot, lti_extra="enabled = false")
    visits = []

    def visit():
        web = WebStudent(base)
        web._remember(web.http.get(base + "/", timeout=30))
        through_the_pages(web, fresh_account(prosody, "a-student-with-a-rather-long-name"))
        visits.append(web)
    visit()
    visit()
    driver = browser()
    try:
        p = Pages(driver, out)
        driver.get(base + "/class?s=" + urllib.parse.quote(visits[0].token))
        rows = lambda: driver.find_elements(p.by.CSS_SELECTOR, "#class tbody tr")
        p.wait.until(lambda d: len(rows()) == 2)
        assert "not known yet" in p.text("#class")  # the chat program column
        p.check_widths("class")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 390, "height": 900, "deviceScaleFactor": 1, "mobile": True})
        box = driver.execute_script(
            "const b = document.querySelector('.wide'); return [b.scrollWidth, b.clientWidth];")
        assert box[0] <= box[1], "the class table scrolls sideways at 390 px: %r" % box
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        page = driver.find_element(p.by.TAG_NAME, "html")
        visit()  # a third student: the open view lists them by itself
        p.wait.until(lambda d: len(rows()) == 3)
        assert not gone(page)
    finally:
        driver.quit()
