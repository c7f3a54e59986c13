"""The pages in a real headless Chromium (Debian's chromium, driven through Debian's
chromium-driver by python3-selenium): the whole flow from an LMS launch, every page checked
at a phone's width (390 px) and a laptop's (1280 px) for horizontal overflow, the text of
each page against the student's step, and screenshots in build/e2e-artifacts/pages/."""
import asyncio
import os
import urllib.parse


from harness import fresh_account
from lms import OutcomeService, launch_params
from browser import WIDTHS, Pages, artifacts, browser, gone
from lms import PW, SECRET, do_lesson_in_chat, through_the_pages, web_bot

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
            assert "Your secret matched" in p.text("#live_check")
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
            p.wait.until(lambda d: "The check failed" in p.text("#live_check"))
            # A new secret: the failure was about the old one and is no longer shown.
            p.click_to("#main a[href^='/ask_for_secret']", "/ask_for_secret")
            p.fill("#secret", "four green frogs singing")
            p.click_to("button[type=submit]", "/enter_bot_secret")
            await s.read_until("encrypted", "Step 3:")
            p.wait.until(lambda d: "is encrypted with OTR" in p.text("#live_encryption"))
            assert p.text("#live_check") == ""
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
