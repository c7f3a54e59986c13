"""LTI 1.3 in headless Chromium (Debian's chromium and chromium-driver, python3-selenium) against
the python3-jwt platform: a student goes from the platform's link through the login, the launch,
the JID, the secret, the lesson in their chat client and the code, and the platform gets one
score; inside the course page's iframe with every cookie blocked, the login is bound through the
platform's storage (postMessage) instead, or the page offers a new window."""
import asyncio
import os
import shutil
import urllib.parse

from harness import ROOT, bot_config, devenv, fresh_account
from platform13 import Platform, lti13_section, make_invite
from browser import ARTIFACTS, Pages, browser
from lms import PW, SECRET, do_lesson_in_chat

# Chromium's content setting: 2 = block, for every site (partitioned cookies too).
NO_COOKIES = {"profile.default_content_setting_values.cookies": 2}


def start_bot(prosody, run_bot, platform, frame_ancestors=(), extra=""):
    """A bot with LTI 1.3 for `platform`, online; `extra`: more of its [bot] table."""
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    lti_extra = "frame_ancestors = [%s]" % ", ".join('"%s"' % o for o in frame_ancestors)
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, web_port=port, lti_extra=lti_extra,
                             extra=extra, tail=lti13_section(platform)))
    bot.wait_for_log(r"web pages on http://127\.0\.0\.1:%d/" % port)
    bot.wait_for_log(r"\[manager\] online")
    base = "http://127.0.0.1:%d" % port
    platform.tool_jwks_url = base + "/lti13/jwks"
    return bot, bot_jid, base


def test_a_student_goes_from_the_platform_to_the_grade_in_chromium(prosody, run_bot):
    out = os.path.join(ARTIFACTS, "lti13")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    platform = Platform()
    student = fresh_account(prosody, "student")
    driver = browser()
    try:
        bot, bot_jid, base = start_bot(prosody, run_bot, platform)
        p = Pages(driver, out)
        driver.get(platform.issuer + "/start?tool=" + base)
        p.el("#start")  # the login, the platform's form post and the launch: the first page
        assert driver.current_url == base + "/lti13/launch"
        assert len(platform.auth_requests) == 1
        p.check_widths("01-index")
        p.click_to("#start", "/enter_jid")
        p.fill("#jid", student)
        p.click_to("button[type=submit]", "/jid_entered")
        p.prove(student)
        p.click_to("#next", "/ask_for_secret")
        p.fill("#secret", SECRET)
        p.click_to("button[type=submit]", "/enter_bot_secret")
        code = asyncio.run(do_lesson_in_chat(prosody, student, bot_jid))
        p.wait.until(lambda d: "Step 4 of 4" in p.text("#step"))
        p.fill("#bot_secret", code)
        p.click_to("button[type=submit]", "/enter_bot_secret")
        assert "completed the exercise" in p.text("#done")
        p.check_widths("02-done")
        path, score, ok = platform.wait_for("scores", 1)[0]
        assert ok and score["userId"] == "student-13" and score["scoreGiven"] == 1
        assert platform.token_requests == [(True, None)]
    finally:
        driver.quit()
        platform.close()


def test_in_an_iframe_without_cookies_the_platform_storage_binds_the_login(prosody, run_bot):
    platform = Platform()
    driver = browser(NO_COOKIES)
    try:
        bot, _, base = start_bot(prosody, run_bot, platform, frame_ancestors=[platform.issuer])
        p = Pages(driver, os.path.join(ARTIFACTS, "lti13"))
        driver.get(platform.issuer + "/embed?storage=_parent&tool=" + base)
        driver.switch_to.frame("tool")
        p.el("#start")
        driver.switch_to.default_content()
        messages = p.text("#messages").split()
        # Kept at the login, read back at the launch: no cookie was needed.
        assert messages.index("lti.put_data") < messages.index("lti.get_data"), messages
        bot.wait_for_log(r"LTI 1\.3 launch from \S+ \(user student-13")
        # The platform's storage in a named frame of its own (as Canvas's post_message_forwarding).
        driver.get(platform.issuer + "/embed?storage=post_message_forwarding&tool=" + base)
        driver.switch_to.frame("tool")
        p.el("#start")
        driver.switch_to.default_content()
        # Asked again while the frame loads, a message may arrive twice: in order, put then get.
        subjects = p.text("#messages").split()
        assert subjects.index("lti.put_data") < subjects.index("lti.get_data"), subjects
        # Without storage and without cookies: no launch, the offer of a new window.
        driver.get(platform.issuer + "/embed?tool=" + base)
        driver.switch_to.frame("tool")
        assert "new window" in p.el("#new_window").text
        bot.wait_for_log(r"the browser kept neither the login's cookie nor its storage")
    finally:
        driver.quit()
        platform.close()


def test_a_storage_frame_made_after_the_tool_loaded_still_binds_the_login(prosody, run_bot):
    """The platform's storage frame does not exist yet when the tool's first page runs (the
    course page makes it once everything else has loaded), and then loads while the tool asks:
    the tool asks again until the frame answers, and the launch lands."""
    platform = Platform()
    driver = browser(NO_COOKIES)
    try:
        bot, _, base = start_bot(prosody, run_bot, platform, frame_ancestors=[platform.issuer])
        p = Pages(driver, os.path.join(ARTIFACTS, "lti13"))
        driver.get(platform.issuer + "/embed?late=1&storage=post_message_forwarding&tool=" + base)
        driver.switch_to.frame("tool")
        p.el("#start")
        driver.switch_to.default_content()
        subjects = p.text("#messages").split()
        assert "lti.put_data" in subjects and "lti.get_data" in subjects, subjects
        assert subjects.index("lti.put_data") < subjects.index("lti.get_data"), subjects
        bot.wait_for_log(r"LTI 1\.3 launch from \S+ \(user student-13")
    finally:
        driver.quit()
        platform.close()


def test_in_an_iframe_with_third_party_cookies_blocked_the_partitioned_cookie_binds_the_login(
        prosody, run_bot):
    platform = Platform()
    driver = browser({"profile.block_third_party_cookies": True, "profile.cookie_controls_mode": 1})
    try:
        bot, _, base = start_bot(prosody, run_bot, platform, frame_ancestors=[platform.issuer])
        p = Pages(driver, os.path.join(ARTIFACTS, "lti13"))
        driver.get(platform.issuer + "/embed?tool=" + base)
        driver.switch_to.frame("tool")
        p.el("#start")  # no storage offered: the cookie, partitioned under the course's site, did it
        bot.wait_for_log(r"LTI 1\.3 launch from \S+ \(user student-13")
        driver.switch_to.default_content()
        kept = [c for c in driver.execute_cdp_cmd("Storage.getCookies", {})["cookies"]
                if c["name"].startswith("otrbot_lti13_")]
        assert len(kept) == 1 and kept[0].get("partitionKey"), kept
    finally:
        driver.quit()
        platform.close()


def test_a_registration_window_in_chromium_is_closed_by_the_platform_message(prosody, run_bot):
    platform = Platform(client_id="registered-in-chromium")
    driver = browser()
    try:
        bot_jid = fresh_account(prosody, "bot")
        port = devenv.free_port()
        bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, web_port=port,
                                 lti_extra='frame_ancestors = ["%s"]' % platform.issuer,
                                 tail=lti13_section(None)))
        bot.wait_for_log(r"web pages on http://127\.0\.0\.1:%d/" % port)
        base = "http://127.0.0.1:%d" % port
        invite = make_invite(bot, host="localhost")
        p = Pages(driver, os.path.join(ARTIFACTS, "lti13"))
        driver.get(platform.issuer + "/admin-registers?url=" + urllib.parse.quote(base + "/lti13/register", safe=""))
        # The LMS's administrator types the code on the bot's page inside the platform's window.
        driver.switch_to.frame("tool")
        p.fill("#invite", invite)
        p.el("#register_form button[type=submit]").click()
        driver.switch_to.default_content()
        p.wait.until(lambda d: "org.imsglobal.lti.close" in p.text("#messages"))
        assert len(platform.registrations) == 1
        assert invite not in bot.log
    finally:
        driver.quit()
        platform.close()
