"""Accessibility, as a school's accessibility office checks it (WCAG 2.1 AA; EN 301 549): every
page in every shipped language audited by axe-core in Chromium (browser.Pages.check_widths: no
WCAG 2.0/2.1 A or AA violation, the page's language set, no horizontal scrolling at 320 px,
390 px, 1280 px or 200 % zoom, screenshots in build/e2e-artifacts/accessibility/); errors tied
to their fields (aria-invalid, aria-describedby); the live progress announced (aria-live); and
the whole lesson done with the keyboard alone, focus always visible and in the page's order."""
import asyncio
import os
import re
import urllib.parse

import pytest

from browser import ARTIFACTS, Pages, browser, gone, launch_page
from harness import TIMEOUT, fresh_account
from lms import PW, SECRET, OutcomeService, do_lesson_in_chat, launch_params, sign
from otr_peer import otr_student
import test_lti13_browser as lti13_browser
from platform13 import Platform

LANGUAGES = {"en_GB": ("en", "en-GB"), "de_DE": ("de", "de-DE"), "nl_NL": ("nl", "nl-NL")}


def start_bot(prosody, run_bot, locale, platform):
    """A bot whose default language is `locale`, with LTI 1.3 for `platform`, framed by it."""
    return lti13_browser.start_bot(prosody, run_bot, platform, [platform.issuer],
                                   extra='default_locale = "%s"' % locale)


async def lesson_in_any_language(prosody, student, bot_jid):
    """The chat side in the student's language: OTR, SMP, then the code (read by its form)."""
    s = await otr_student(prosody, student, PW, bot_jid)
    s.say("hello")
    await asyncio.wait_for(s.inbox.get(), TIMEOUT)  # the first line, in any language
    s.start_otr()
    await s.wait_otr("encrypted")
    s.authenticate(SECRET)
    await s.wait_otr("smp_success")
    while True:
        kind, text = await asyncio.wait_for(s.inbox.get(), TIMEOUT)
        code = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", text)
        if code and kind == "encrypted":
            await s.logout()
            return code.group(0)


def send(p, css, value, url_part):
    """`value` typed into `css` and the form sent: the page at `url_part` comes."""
    p.fill(css, value)
    p.click_to("button[type=submit]", url_part)


def refused(p, css, value, url_part):
    """`value` sent from `css`: the same page comes back with the error tied to the field."""
    send(p, css, value, url_part)
    field_tied_to_error(p, css)


def field_tied_to_error(p, css):
    """The field the error is about says so: aria-invalid, and the error among its descriptions."""
    field = p.el(css)
    assert field.get_attribute("aria-invalid") == "true", css
    assert "error" in (field.get_attribute("aria-describedby") or "").split(), css
    assert p.el("#error").get_attribute("role") == "alert"


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_every_page_passes_axe_core_in_every_language(prosody, run_bot, tmp_path, locale):
    lang, tag = LANGUAGES[locale]
    out = os.path.join(ARTIFACTS, "accessibility", locale)
    os.makedirs(out, exist_ok=True)
    platform, lms = Platform(), OutcomeService()
    # The platform launches in this language too (the LTI 1.3 pages speak the launch's).
    platform.claims_hook = lambda c: dict(c, **{
        "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {"locale": tag}})
    student, omemo_student = fresh_account(prosody, "student"), fresh_account(prosody, "omemo")
    driver = browser()
    try:
        bot, bot_jid, base = start_bot(prosody, run_bot, locale, platform)
        p = Pages(driver, out)
        audit = lambda name: p.check_widths(name, lang)  # noqa: E731

        # The LTI 1.1 lesson, page by page, errors included.
        p.launch(str(tmp_path / "launch.html"), base, launch_params(outcome_url=lms.url, locale=tag))
        audit("01-index")
        p.click_to("#start", "/enter_jid")
        audit("02-enter-jid")
        refused(p, "#jid", "not a jid", "/enter_jid")
        audit("03-enter-jid-error")
        send(p, "#jid", student, "/jid_entered")
        audit("04-jid-proof")
        p.prove(student)
        audit("05-jid-entered")
        p.click_to("#next", "/ask_for_secret")
        audit("06-secret")
        refused(p, "#secret", "aaaabbbb", "/ask_for_secret")
        audit("07-secret-error")
        send(p, "#secret", SECRET, "/enter_bot_secret")
        assert p.el("#live").get_attribute("aria-live") == "polite"
        audit("08-code-step-1")
        code = asyncio.run(lesson_in_any_language(prosody, student, bot_jid))
        p.wait.until(lambda d: p.progress() == "4" and p.has("#bot_secret"))
        audit("09-code-step-4")
        refused(p, "#bot_secret", "ABC", "/enter_bot_secret")
        audit("10-code-error")
        send(p, "#bot_secret", code, "/enter_bot_secret")
        p.el("#done")
        audit("11-done")

        # The OMEMO lesson's page: the bot's fingerprint, its QR code, the student's device.
        p.launch(str(tmp_path / "omemo.html"), base,
                 launch_params(user="student-2", locale=tag, custom_lesson="omemo"))
        p.click_to("#start", "/enter_jid")
        send(p, "#jid", omemo_student, "/jid_entered")
        p.prove(omemo_student)
        p.click_to("#next", "/ask_for_secret")
        p.el("#bot_fingerprint")
        audit("12-omemo-fingerprints")
        refused(p, "#device_fingerprint", "0123 4567", "/ask_for_secret")
        assert "fp_where" in p.el("#device_fingerprint").get_attribute("aria-describedby")
        audit("13-omemo-fingerprint-error")

        # The teacher view, and a refused launch's error page.
        p.launch(str(tmp_path / "teacher.html"), base,
                 launch_params(user="teacher-1", roles="Instructor", locale=tag))
        p.el("#class_link").click()
        p.wait.until(p.ec.url_contains("/class"))
        p.wait.until(lambda d: student in p.text("#class"))
        audit("14-teacher-view")
        launch_page(str(tmp_path / "refused.html"), base + "/",
                    sign(base + "/", launch_params(locale=tag), secret="not the secret"))
        driver.get("file://" + str(tmp_path / "refused.html"))
        p.el("#error")
        audit("15-error")

        # LTI 1.3: the registration form (and its error), and the handoff page inside the
        # course's frame when the browser keeps neither cookies nor storage.
        register = base + "/lti13/register?" + urllib.parse.urlencode(platform.registration_params())
        driver.get(register)
        p.el("#invite")
        audit("16-lti13-register")
        p.fill("#invite", "not-an-invite")
        old = driver.find_element(p.by.TAG_NAME, "html")
        p.el("#register_form button[type=submit]").click()
        p.wait.until(lambda d: gone(old))
        p.el("#error")
        field_tied_to_error(p, "#invite")
        audit("17-lti13-register-error")
    finally:
        driver.quit()
        lms.close()
    blocked = browser({"profile.default_content_setting_values.cookies": 2})
    try:
        p = Pages(blocked, out)
        blocked.get(platform.issuer + "/embed?tool=" + base)
        blocked.switch_to.frame("tool")
        p.el("#new_window")
        p.check_widths("18-lti13-handoff-new-window", lang)
    finally:
        blocked.quit()
        platform.close()
    for name in ("01-index", "11-done", "14-teacher-view", "18-lti13-handoff-new-window"):
        for shot in ("320", "390", "1280", "zoom200"):
            assert os.path.getsize(os.path.join(out, "%s-%s.png" % (name, shot))) > 1000


def keys(p, *sequence):
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(p.d).send_keys(*sequence).perform()


def tab_to(p, css, back=False, limit=25):
    """Tab (or Shift+Tab) until `css` has the focus: each element on the way is focused in the
    page's order and shows that it is (a visible outline)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    previous = None
    for _ in range(limit):
        if back:
            ActionChains(p.d).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            keys(p, Keys.TAB)
        state = p.d.execute_script("""
            const e = document.activeElement, s = getComputedStyle(e), prev = arguments[0];
            const order = prev ? prev.compareDocumentPosition(e) : 0;
            return {el: e, tag: e.tagName, matches: e.matches(arguments[1]),
                    visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                             || s.boxShadow !== 'none',
                    tabindex: e.tabIndex,
                    in_order: !prev || !!(order & (arguments[2] ? Node.DOCUMENT_POSITION_PRECEDING
                                                              : Node.DOCUMENT_POSITION_FOLLOWING))};
        """, previous, css, back)
        if state["tag"] == "BODY":
            continue
        assert state["visible"], "the focus on %s is not visible" % state["tag"]
        assert state["tabindex"] <= 0, "a positive tabindex changes the order"
        assert state["in_order"], "the focus went against the page's order to %s" % state["tag"]
        if state["matches"]:
            return
        previous = state["el"]
    raise AssertionError("%s never got the focus with %s" % (css, "Shift+Tab" if back else "Tab"))


def test_the_lesson_can_be_done_with_the_keyboard_alone(prosody, run_bot, tmp_path):
    from selenium.webdriver.common.keys import Keys
    platform, lms = Platform(), OutcomeService()
    student = fresh_account(prosody, "student")
    driver = browser()
    try:
        bot, bot_jid, base = start_bot(prosody, run_bot, "en_GB", platform)
        p = Pages(driver, os.path.join(ARTIFACTS, "accessibility", "keyboard"))
        os.makedirs(p.out, exist_ok=True)
        p.launch(str(tmp_path / "launch.html"), base, launch_params(outcome_url=lms.url))

        def go(action, url_part):
            old = driver.find_element(p.by.TAG_NAME, "html")
            action()
            p.wait.until(lambda d: gone(old))
            p.wait.until(p.ec.url_contains(url_part))
            p.el("#step")

        tab_to(p, "#start")
        go(lambda: keys(p, Keys.ENTER), "/enter_jid")
        tab_to(p, "#jid")
        keys(p, student)
        tab_to(p, "button[type=submit]")
        tab_to(p, "#jid", back=True)  # Shift+Tab goes back, in order
        tab_to(p, "button[type=submit]")
        go(lambda: keys(p, Keys.SPACE), "/jid_entered")
        p.prove(student)
        tab_to(p, "#next")
        go(lambda: keys(p, Keys.ENTER), "/ask_for_secret")
        tab_to(p, "#secret")
        keys(p, SECRET)
        go(lambda: keys(p, Keys.ENTER), "/enter_bot_secret")  # Enter in the field submits
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        p.wait.until(lambda d: "Step 4 of 4" in p.text("#step") and p.has("#bot_secret"))
        tab_to(p, "#bot_secret")
        keys(p, code)
        tab_to(p, "button[type=submit]")
        go(lambda: keys(p, Keys.SPACE), "/enter_bot_secret")
        assert "completed the exercise" in p.text("#done")
        assert lms.wait_for(1)[0][2:] == ("sourced-1", "1.0")
    finally:
        driver.quit()
        lms.close()
        platform.close()
