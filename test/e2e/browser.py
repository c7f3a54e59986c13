"""A real headless Chromium (Debian's chromium, driven through Debian's chromium-driver by
python3-selenium), and the pages as a student sees them in it: each audited by axe-core
(WCAG 2.0 and 2.1, A and AA: no violation), its language set, and checked at 320 px (WCAG's
reflow width), a phone's 390 px, a laptop's 1280 px and at 200 % zoom for horizontal overflow;
screenshots in build/e2e-artifacts/, axe-core's result per page in
build/e2e-artifacts/axe-results.txt."""
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
WIDTHS = (320, 390, 1280)
AXE = os.path.join(ROOT, "test", "e2e", "node_modules", "axe-core", "axe.min.js")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """
const tags = arguments[0], done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => done({version: axe.version, passes: r.passes.length, incomplete: r.incomplete.length,
                   violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))}))
  .catch(e => done({version: '?', passes: 0, incomplete: 0,
                    violations: [{id: 'axe-error', help: String(e), nodes: []}]}));
"""


# axe-core's results of this run only (the file is written anew by each pytest session).
try:
    os.remove(os.path.join(ARTIFACTS, "axe-results.txt"))
except FileNotFoundError:
    pass


def axe_audit(driver, name):
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: the violations (none
    expected); one line per page in build/e2e-artifacts/axe-results.txt."""
    if not os.path.exists(AXE):
        pytest.fail("axe-core is needed in test/e2e/node_modules: run scripts/install-deps.sh")
    with open(AXE) as f:
        driver.execute_script(f.read())
    driver.set_script_timeout(TIMEOUT)
    r = driver.execute_async_script(AXE_RUN, WCAG)
    lang = driver.execute_script("return document.documentElement.lang")
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "axe-results.txt"), "a") as f:
        f.write("%-48s lang=%-3s axe-core %s: %d violation(s), %d rule(s) passed, %d to check by hand\n"
                % (name, lang, r["version"], len(r["violations"]), r["passes"], r["incomplete"]))
    return r["violations"]


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
        assert self.el("#step progress").get_attribute("value") == "0"  # (in any language)
        word = self.text("#jid_proof")
        link = self.el("#proof_link").get_attribute("href")
        assert link.startswith("xmpp:") and link.endswith("?message;body=" + word), link
        page = self.d.find_element(self.by.TAG_NAME, "html")
        asyncio.run(send_word(jid, link[len("xmpp:"):link.index("?")], word))
        self.wait.until(lambda d: self.progress() == "1")
        self.el("#next")
        assert not gone(page)  # the same document: swapped in place

    def progress(self):
        """The progress bar's value, read again when the page's <main> was swapped meanwhile."""
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        try:
            return self.d.find_element(self.by.CSS_SELECTOR, "#step progress").get_attribute("value")
        except (NoSuchElementException, StaleElementReferenceException):
            return None

    def click_to(self, css, url_part):
        """Clicks and waits for the page at `url_part` to be loaded."""
        old = self.d.find_element(self.by.TAG_NAME, "html")
        self.el(css).click()
        self.wait.until(lambda d: gone(old))
        self.wait.until(self.ec.url_contains(url_part))
        self.el("#step")

    def check_widths(self, name, lang="en"):
        """The page's audit: axe-core finds no WCAG A/AA violation, its language is `lang`, and
        it needs no horizontal scrolling at 320, 390 and 1280 px nor at 200 % zoom; a
        screenshot at each width."""
        violations = axe_audit(self.d, "%s/%s" % (os.path.basename(self.out), name))
        assert violations == [], "%s: axe-core found %s" % (name, violations)
        assert self.d.execute_script("return document.documentElement.lang") == lang, name
        for width, scale in [(w, 1) for w in WIDTHS] + [(640, 2)]:  # 1280 px at 200 %
            self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": scale, "mobile": width < 500})
            scroll, client = self.d.execute_script(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];")
            shot = "%s-%d.png" % (name, width) if scale == 1 else "%s-zoom200.png" % name
            self.d.save_screenshot(os.path.join(self.out, shot))
            assert scroll <= client, "%s overflows at %d px (x%d): scrollWidth %d > clientWidth %d" % (
                name, width, scale, scroll, client)
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
