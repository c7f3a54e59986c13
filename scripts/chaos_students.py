"""The fault harness's students (scripts/chaos.py): python-potr over slixmpp (test/e2e's OTR
student, which we did not write the protocol of) and the pages through HTTP, behaving as people
do when something breaks: they follow what the bot says after a restart (start OTR again, give
the secret on the page again, type the code they already have), log in again when their server
went away, nudge the bot when it is silent, and try a page again when it failed.

Each student keeps a timeline of what it saw (monotonic seconds) and what broke a promise:
a code that came over a channel not verified in this OTR session, a line that came twice."""
import asyncio
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
import potr  # noqa: E402
import requests  # noqa: E402

import otr_peer  # noqa: E402  (adapts python-potr to Debian's pycryptodome)
from lms import WebStudent, launch_params, proof_of, sign  # noqa: E402
from student import CODE  # noqa: E402

PASSWORD = "chaos-pw-1"
NUDGE_S = 20       # a person says something when the bot has been silent this long
CODE_AGAIN_S = 5   # and types the code again this long after the page could not record it
KEYS = 100         # OTR keys made for the students (a soak's thousands share them)


class _Account(otr_peer._Account):
    """A student's OTR account whose key is made once for the whole run (keygen is not what
    the harness measures), not at every login; students share a pool of KEYS keys."""
    keys = {}

    def loadPrivkey(self):
        slot = self.student.person.index % KEYS
        key = self.keys.get(slot)
        if key is None:
            key = self.keys[slot] = potr.compatcrypto.generateDefaultKey()
        return key


class _Tagged:
    """OTR events into the same queue as the lines, in the order they happen."""

    def __init__(self, queue):
        self.queue = queue

    def put_nowait(self, value):
        self.queue.put_nowait(("otr", value))


class ChatClient(otr_peer.OtrStudent):
    def __init__(self, person, jid, ca_file, bot_jid):
        super().__init__(jid, PASSWORD, ca_file, bot_jid)
        self.otr_events = _Tagged(self.inbox)
        self.person = person
        self.add_event_handler("disconnected", lambda _e: person.went_offline())

    @property
    def ctx(self):
        if self.account is None:
            self.account = _Account(self)
        return self.account.getContext(self.bot_jid)

    def fresh_otr(self):
        """The client forgets the old OTR conversation (the bot's side of it is gone)."""
        self.account = None


class Student:
    """One person: the page (a WebStudent in a thread) and the chat (a ChatClient)."""

    def __init__(self, run, index, name):
        self.run, self.index = run, index
        self.jid = "%s@localhost" % name
        self.sourcedid = "sid-" + name
        self.secret = "chaos secret %s %s" % (name, os.urandom(4).hex())
        self.code = None
        self.events = []       # (monotonic s, what)
        self.problems = []     # broken promises, as sentences
        self.page_done = self.chat_done = False
        self.started = self.finished = None
        self.whitelisted = False  # the page said the JID is bound (an answered whitelisting)
        self.client = None
        self.verified = False  # SMP succeeded in the current OTR conversation
        self.seen = set()      # (kind, text) of this OTR conversation, to find lines sent twice
        self.offline = asyncio.Event()
        self.otr_started = self.secret_at = self.smp_at = 0.0
        self.repeated = 0      # lines that came twice in one OTR conversation (a figure)

    def note(self, what):
        self.events.append((time.monotonic(), what))

    @property
    def mid_lesson(self):
        return self.started is not None and self.finished is None

    # -- the page ------------------------------------------------------------------

    async def page(self, fn, *args, tries=40):
        """A page step, tried again as a person would (the bot may be restarting)."""
        loop = asyncio.get_running_loop()
        for attempt in range(tries):
            try:
                r = await loop.run_in_executor(None, fn, *args)
                if r is not None and r.status_code in (429, 502, 503) and attempt + 1 < tries:
                    await asyncio.sleep(CODE_AGAIN_S)
                    continue
                return r
            except requests.RequestException:
                await asyncio.sleep(1)
        raise RuntimeError("the page did not answer after %d tries" % tries)

    async def launch_and_claim(self):
        web = self.web = WebStudent(self.run.base)
        params = launch_params(user="user-" + self.jid, outcome_url=self.run.lms.url,
                               sourcedid=self.sourcedid)
        r = await self.page(lambda: web.launch(sign(self.run.base + "/", params)))
        if r.status_code != 200:
            raise RuntimeError("launch answered %d" % r.status_code)
        await self.page(web.get, "/enter_jid")
        await self.page(lambda: web.post("/enter_jid", jid=self.jid))
        proof = proof_of(web)
        if not proof:
            raise RuntimeError("no proof word on the JID page")
        return proof[1]

    async def give_secret(self):
        self.secret_at = time.monotonic()
        r = await self.page(lambda: self.web.post("/ask_for_secret", secret=self.secret))
        if self.web.last.url.split("?")[0].endswith("/enter_bot_secret"):
            self.note("secret given")
            return
        proof = proof_of(self.web)
        if proof and self.client:
            # The page asks for its word again (the bot lost the page's binding to a kill -9
            # before storing it): a person sends it again, then gives the secret.
            self.note("word again")
            self.say("hello " + proof[1])
        else:  # a person reads the page and tries again when the bot asks again
            self.note("secret refused (%d): %s" % (r.status_code, self.web.error()))

    async def type_code(self):
        while not self.page_done:
            r = await self.page(lambda: self.web.post("/enter_bot_secret", bot_secret=self.code))
            step = self.web.step() or ""
            if step.startswith("Done"):
                self.page_done = True
                self.note("page done")
                return
            if r.status_code == 400 and "not the code" in r.text:
                self.problems.append("the page refused the code the bot sent")
                return
            await asyncio.sleep(CODE_AGAIN_S)

    # -- the chat ------------------------------------------------------------------

    def went_offline(self):
        self.offline.set()

    async def login(self):
        while True:
            self.client = ChatClient(self, self.jid, self.run.prosody.ca_crt, self.run.bot_jid)
            self.offline.clear()
            try:
                await self.client.login(self.run.prosody.port)
                self.verified, self.seen = False, set()
                return
            except (asyncio.TimeoutError, OSError):
                self.client.disconnect()
                await asyncio.sleep(1)

    def say(self, text):
        self.client.say(text)

    def start_otr(self, unless_recent=False):
        now = time.monotonic()
        if unless_recent and now - self.otr_started < 5:
            return  # one start is under way: a person does not click twice
        self.otr_started = now
        self.client.fresh_otr()
        self.verified, self.seen = False, set()
        self.client.start_otr()
        self.note("OTR started")

    async def react(self, kind, text):
        self.note("bot: " + text[:40])
        key = (kind, text)
        if key in self.seen and kind == "encrypted":
            self.repeated += 1
            self.note("twice: " + text[:40])
        self.seen.add(key)
        if "Here is your proof" in text:
            m = CODE.match(text)
            if kind != "encrypted" or not self.verified:
                self.problems.append("the code came over a channel not verified (%s)" % kind)
            if m:
                self.code = m.group(1)
                asyncio.ensure_future(self.type_code())
        elif "Congratulations" in text:
            self.chat_done = True
        elif "enter yours on the page" in text or (text.startswith("Step 2: think of a secret")
                                                    and time.monotonic() - self.secret_at > 5):
            await self.give_secret()
        elif text.startswith("The authentication is running") and \
                time.monotonic() - self.smp_at > NUDGE_S:
            # Our check hangs (a message of it was lost): a person cancels it and starts again.
            # (It starts again when the bot says the check was cancelled and asks for it.)
            self.note("SMP cancelled")
            self.smp_at = time.monotonic()
            self.client.abort_smp()
        elif "still valid: type it on the page" in text and self.code:
            asyncio.ensure_future(self.type_code())
        elif kind == "encrypted" and text.startswith("Step 3: authenticate me"):
            self.smp_at = time.monotonic()
            try:
                self.client.authenticate(self.secret)
            except potr.context.NotEncryptedError:
                # OTR ended meanwhile (a newer start crossed this one): start again, once.
                self.start_otr(unless_recent=True)
        elif "start OTR with me again" in text:
            self.start_otr()
        elif kind != "encrypted" and "OTR" in text and not self.chat_done:
            # The bot speaks of OTR in plaintext: our conversation is not (or no longer) on.
            self.start_otr(unless_recent=True)

    async def chat(self, word):
        await self.login()
        self.say("hello " + word)
        last = time.monotonic()
        while not (self.page_done and self.chat_done):
            if self.offline.is_set():  # the server went away: log in again, as a client does
                self.note("offline")
                await asyncio.sleep(1)
                await self.login()
                self.say("hello")  # and the OTR conversation is gone with it
                last = time.monotonic()
                continue
            got = await self.next_event(timeout=1)
            if got is None:
                if time.monotonic() - last > NUDGE_S:
                    self.note("nudge")
                    # The page still shows the word: it is sent again (the first one was lost).
                    self.say("hello?" if self.whitelisted else "hello " + word)
                    last = time.monotonic()
                continue
            last = time.monotonic()
            kind, value = got
            if kind == "otr":
                if value == "smp_success":
                    self.verified = True
                elif value in ("smp_failed", "smp_abort"):
                    self.note("SMP " + value)
                elif value in ("otr-error", "unreadable", "finished"):
                    self.start_otr(unless_recent=True)  # once, as a person would
                continue
            await self.react(kind, value)

    async def next_event(self, timeout):
        try:
            return await asyncio.wait_for(self.client.inbox.get(), timeout)
        except asyncio.TimeoutError:
            return None

    async def lesson(self):
        self.started = time.monotonic()
        self.note("start")
        try:
            word = await self.launch_and_claim()
            chat = asyncio.ensure_future(self.chat(word))
            # The page shows Step 1 once the word came from the account: then the secret.
            while True:
                await self.page(self.web.get, "/jid_entered")
                if proof_of(self.web) is None and (self.web.step() or "").startswith("Step"):
                    break  # bound: the page shows the lesson's step, not the word
                await asyncio.sleep(0.5)
            self.whitelisted = True
            await self.give_secret()
            await chat
            self.finished = time.monotonic()
            self.note("finished")
        except Exception as e:  # noqa: BLE001  (reported per student, never hidden)
            self.problems.append("gave up: %r" % e)
        finally:
            if self.client:
                self.client.disconnect()
            if getattr(self, "web", None):
                self.web.http.close()  # the tab is closed: its kept-alive connection too
