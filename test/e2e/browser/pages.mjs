// Drives otrbot's pages in a real headless Chromium (Debian's), for test_browser.py.
// Usage: node pages.mjs before-code LAUNCH_HTML JID SECRET OUTDIR
//        node pages.mjs code URL CODE OUTDIR
// Prints one JSON line with what it saw; exits non-zero when a step fails.
import { chromium } from 'playwright-core';

const [phase, ...args] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const seen = {};
try {
  // A fresh context each time: no cookies from before, as in an iframe that
  // blocks third-party cookies; the pages carry their session token.
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  const shot = async (dir, name) => page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  const submit = async (urlPart) => {
    await Promise.all([page.waitForURL(urlPart), page.click('button[type=submit]')]);
  };
  if (phase === 'before-code') {
    const [launchHtml, jid, secret, out] = args;
    await Promise.all([page.waitForURL(/127\.0\.0\.1/), page.goto('file://' + launchHtml)]);
    await page.waitForSelector('#start');
    seen.lang = await page.getAttribute('html', 'lang');
    seen.index_step = await page.textContent('#step');
    await shot(out, '01-index');
    await Promise.all([page.waitForURL(/enter_jid/), page.click('#start')]);
    await page.fill('#jid', 'not a jid');
    await submit(/enter_jid/);
    seen.jid_error = await page.textContent('#error');
    await shot(out, '02-jid-refused');
    await page.fill('#jid', jid);
    await submit(/jid_entered/);
    seen.jid_entered_step = await page.textContent('#step');
    await shot(out, '03-jid-entered');
    await Promise.all([page.waitForURL(/ask_for_secret/), page.click('#next')]);
    await page.fill('#secret', 'aaaabbbb');  // long enough for the browser, too weak for the bot
    await submit(/ask_for_secret/);
    seen.secret_error = await page.textContent('#error');
    await shot(out, '04-secret-refused');
    await page.fill('#secret', secret);
    await submit(/enter_bot_secret/);
    await page.waitForSelector('#bot_secret');
    await shot(out, '05-enter-code');
    seen.url = page.url();
  } else if (phase === 'code') {
    const [url, code, out] = args;
    await page.goto(url);
    seen.step_before = await page.textContent('#step');
    await page.fill('#bot_secret', code);
    await submit(/enter_bot_secret/);
    await page.waitForSelector('#done');
    seen.done = await page.textContent('#done');
    seen.step_after = await page.textContent('#step');
    await shot(out, '06-done');
  } else {
    throw new Error('unknown phase ' + phase);
  }
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
