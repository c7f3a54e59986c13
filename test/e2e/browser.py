"""A real headless Chromium (Debian's chromium, driven through Debian's chromium-driver by
python3-selenium), and the pages as a student sees them in it: each checked at a phone's width
and a laptop's for horizontal overflow, screenshots in build/e2e-artifacts/."""
import asyncio
import html
import os
import shutil
import urllib.parse

import pytest

from harness import ROOT, TIMEOUT
from lms import launch_params, send_word, sign

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
