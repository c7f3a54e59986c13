"""The LMS side of the tests: launches signed by python3-oauthlib (not our
code), a browser-less web client for the pages, and a small LMS outcome
service that checks the bot's grade requests with oauthlib too."""
import asyncio
import base64
import hashlib
import html
import http.server
import re
import threading
import types
import urllib.parse
import uuid

import requests
from lxml import etree
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, Client
from oauthlib.oauth1.rfc5849 import signature

import harness
from harness import bot_config, devenv, fresh_account
from otr_peer import otr_student
from student import CODE, PW


def launch_params(user="student-1", roles="Learner", outcome_url=None, sourcedid="sourced-1",
                  locale="en-GB", **extra):
    params = {
        "lti_message_type": "basic-lti-launch-request",
        "lti_version": "LTI-1p0",
        "resource_link_id": "otr-exercise-1",
        "context_title": "Secure communication 101",
        "user_id": user,
        "roles": roles,
        "launch_presentation_locale": locale,
    }
    if outcome_url:
        params["lis_outcome_service_url"] = outcome_url
        params["lis_result_sourcedid"] = sourcedid
    params.update(extra)
    return params


def sign(url, params, key=harness.CONSUMER_KEY, secret=harness.CONSUMER_SECRET,
         timestamp=None, nonce=None):
    """The form body of a launch signed by oauthlib (signature in the body)."""
    client = Client(key, client_secret=secret, signature_type=SIGNATURE_TYPE_BODY,
                    timestamp=str(timestamp) if timestamp else None, nonce=nonce)
    _, _, body = client.sign(url, http_method="POST", body=params,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    return body


class WebStudent:
    """The student's browser without a browser: follows the pages' links and
    forms, and keeps the session token the pages carry."""

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()
        self.token = None
        self.csrf = None
        self.last = None

    def _remember(self, r):
        self.last = r
        m = re.search(r'name="s" value="([^"]+)"', r.text) or re.search(r'\?s=([^"&]+)"', r.text)
        if m:
            self.token = html.unescape(urllib.parse.unquote(m.group(1)))
        m = re.search(r'name="csrf" value="([^"]+)"', r.text)
        if m:
            self.csrf = m.group(1)
        return r

    def launch(self, body, url=None):
        return self._remember(self.http.post(url or self.base + "/", data=body,
                                              headers={"Content-Type": "application/x-www-form-urlencoded"},
                                              allow_redirects=False, timeout=30))

    def get(self, path):
        return self._remember(self.http.get(self.base + path, params={"s": self.token}, timeout=30))

    def post(self, path, **fields):
        data = dict(fields, s=self.token, csrf=self.csrf)
        r = self.http.post(self.base + path, data=data, allow_redirects=False, timeout=30)
        self.last = r
        if r.status_code == 303:
            return self._remember(self.http.get(self.base + r.headers["Location"], timeout=30))
        return self._remember(r)

    def error(self):
        m = re.search(r'<p class="error" id="error" role="alert">(.*?)</p>', self.last.text, re.S)
        return html.unescape(m.group(1)) if m else None

    def step(self):
        m = re.search(r'<progress[^>]*></progress><br>(.*?)</p>', self.last.text, re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))) if m else None


PROOF = re.compile(r'href="xmpp:([^"?]+)\?message;body=([A-Z0-9]+)"')


def proof_of(web):
    """(bot JID, word) that the /jid_entered page asks the student to send from their JID; None
    when the page asks for no proof."""
    m = PROOF.search(web.last.text)
    if not m:
        return None
    assert re.search(r'<code id="jid_proof">%s</code>' % m.group(2), web.last.text), web.last.text
    return html.unescape(m.group(1)), m.group(2)


async def send_word(jid, bot_jid, word, first_words="%s", server=None, password=None):
    """The student, as a person would: logs in as `jid`, sends the page's word to the bot, reads
    the bot's first answer (which comes only once the JID is bound), logs out."""
    if server is None:
        server, password = harness.ACCOUNTS[jid]
    s = harness.make_student(jid, password, server)
    await s.login(server.port)
    s.send_message(mto=bot_jid, mbody=first_words % word, mtype="chat")
    first = await s.next_message()
    await s.logout()
    return first["body"]


def prove(web, jid):
    """Sends the word the page shows from `jid`; the page then has the JID bound (Step 1)."""
    bot_jid, word = proof_of(web)
    asyncio.run(send_word(jid, bot_jid, word))
    web.get("/jid_entered")
    assert proof_of(web) is None and web.step().startswith("Step 1 of 4"), web.last.text


SUCCESS = """<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
<imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>
<imsx_messageIdentifier>{id}</imsx_messageIdentifier><imsx_statusInfo>
<imsx_codeMajor>success</imsx_codeMajor><imsx_severity>status</imsx_severity>
<imsx_description>Score for {sourcedid} is now {score}</imsx_description>
</imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader>
<imsx_POXBody><replaceResultResponse/></imsx_POXBody></imsx_POXEnvelopeResponse>"""


FAILURE = """<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
<imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>
<imsx_messageIdentifier>{id}</imsx_messageIdentifier><imsx_statusInfo>
<imsx_codeMajor>failure</imsx_codeMajor><imsx_severity>error</imsx_severity>
<imsx_description>{description}</imsx_description>
</imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader>
<imsx_POXBody/></imsx_POXEnvelopeResponse>"""

OMS = "{http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0}"


def read_replace_result(body):
    """Reads a replaceResultRequest as a strict LMS does: libxml2 (lxml, what
    Moodle parses with) with no recovery, then the LTI 1.1 Basic Outcomes
    structure element by element. Returns (sourcedid, score, problem): problem
    is None when the request is one an LMS would act on."""
    try:
        root = etree.fromstring(body, etree.XMLParser(recover=False, resolve_entities=False,
                                                      no_network=True))
    except etree.XMLSyntaxError as e:
        return None, None, "not well-formed XML: %s" % e
    if root.tag != OMS + "imsx_POXEnvelopeRequest":
        return None, None, "root element is %s, not imsx_POXEnvelopeRequest in the imsoms namespace" % root.tag

    def one(parent, path):
        found = parent.findall(path) if parent is not None else []
        return found[0] if len(found) == 1 else None

    info = one(root, OMS + "imsx_POXHeader/" + OMS + "imsx_POXRequestHeaderInfo")
    if info is None or (one(info, OMS + "imsx_version") is None) or \
            one(info, OMS + "imsx_version").text != "V1.0" or \
            not (one(info, OMS + "imsx_messageIdentifier") is not None and
                 (one(info, OMS + "imsx_messageIdentifier").text or "").strip()):
        return None, None, "imsx_POXHeader lacks imsx_version V1.0 or an imsx_messageIdentifier"
    record = one(root, OMS + "imsx_POXBody/" + OMS + "replaceResultRequest/" + OMS + "resultRecord")
    if record is None:
        return None, None, "no imsx_POXBody/replaceResultRequest/resultRecord"
    sid = one(record, OMS + "sourcedGUID/" + OMS + "sourcedId")
    if sid is None or not (sid.text or "").strip():
        return None, None, "no sourcedGUID/sourcedId"
    text = one(record, OMS + "result/" + OMS + "resultScore/" + OMS + "textString")
    try:
        value = float(text.text)
    except (AttributeError, TypeError, ValueError):
        return sid.text, None, "resultScore/textString is not a number"
    if not 0.0 <= value <= 1.0:
        return sid.text, text.text, "resultScore/textString %s is not in [0, 1]" % text.text
    return sid.text, text.text, None


class OutcomeService:
    """An LMS's Basic Outcomes endpoint on 127.0.0.1: verifies each request's
    OAuth signature and body hash (oauthlib), records the grades, and
    answers with the statuses it is told to (then success). Each request's XML
    is read strictly (read_replace_result); one it cannot read is answered
    with imsx_codeMajor failure, as a real LMS does."""

    def __init__(self, failures=(), port=0, listen="127.0.0.1", host="127.0.0.1", secret=None):
        """`listen`: the address to serve on; `host`: the name the bot reaches it by (the
        grade URL, which the signature covers); `secret`: the consumer's shared secret."""
        self.failures = list(failures)  # HTTP statuses to answer first
        self.requests = []               # (valid_signature, body_hash_ok, sourcedid, score)
        self.accepted = []               # the sourcedids answered with success
        self.refused = []                # why a request's XML was answered with failure
        self.mode = "ok"                 # "error": HTTP 500 to all; "silent": no answer at all
        self.cond = threading.Condition()
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with service.cond:  # "silent": holds the request, then drops it unanswered
                    if service.mode == "silent":
                        service.cond.wait_for(lambda: service.mode != "silent")
                        self.close_connection = True
                        return
                    if service.mode == "error":
                        service.failures.insert(0, 500)
                url = "http://%s:%d%s" % (host, service.port, self.path)
                auth = self.headers.get("Authorization", "")
                try:
                    params = signature.collect_parameters(headers={"Authorization": auth},
                                                          exclude_oauth_signature=False)
                    given = dict(params)
                    base = signature.signature_base_string(
                        "POST", signature.base_string_uri(url),
                        signature.normalize_parameters(signature.collect_parameters(
                            uri_query=urllib.parse.urlparse(url).query,
                            headers={"Authorization": auth})))
                    client = types.SimpleNamespace(client_secret=secret or harness.CONSUMER_SECRET,
                                                   resource_owner_secret="")
                    valid = signature.sign_hmac_sha1_with_client(base, client) == \
                        given.get("oauth_signature")
                except ValueError:  # no or a malformed OAuth header: not signed
                    given, valid = {}, False
                digest = base64.b64encode(hashlib.sha1(body).digest()).decode()
                sourcedid, score, problem = read_replace_result(body)
                body_ok = digest == given.get("oauth_body_hash")
                if not valid:
                    problem = problem or "the OAuth signature does not verify"
                elif not body_ok:
                    problem = problem or "oauth_body_hash does not match the body"
                with service.cond:
                    service.requests.append((valid, body_ok, sourcedid, score))
                    if problem:
                        service.refused.append(problem)
                    status = service.failures.pop(0) if service.failures else 200
                    if status == 200 and not problem:
                        service.accepted.append(sourcedid)
                    service.cond.notify_all()
                if status != 200:
                    reply = "<html>Internal error</html>"
                elif problem:
                    reply = FAILURE.format(id=uuid.uuid4(), description=html.escape(problem))
                else:
                    reply = SUCCESS.format(id=uuid.uuid4(), sourcedid="x", score=score)
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.end_headers()
                self.wfile.write(reply.encode())

        self.server = http.server.ThreadingHTTPServer((listen, port), Handler)
        self.port = self.server.server_address[1]
        self.url = "http://%s:%d/outcomes?course=101" % (host, self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count, timeout=harness.TIMEOUT):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError("the LMS got %d grade requests, not %d" % (len(self.requests), count))
            return list(self.requests)

    def set_mode(self, mode):
        with self.cond:
            self.mode = mode
            self.cond.notify_all()

    def close(self):
        self.set_mode("ok")
        self.server.shutdown()


# The page side of a lesson, as most LMS tests walk it.

# Grades retried after 1 s (then 2 s), not after the default 10 s.
FAST_RETRIES = "[grades]\nfirst_retry = 1\nmax_retry = 2\n"
SECRET = "blue giraffe 7"


def web_bot(prosody, run_bot, whitelist=(), env=None, **kw):
    """A bot with its pages on a free port, online: (bot, its JID, the pages' base URL)."""
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=whitelist, web_port=port, **kw),
                  env=env)
    bot.wait_for_log(r"web pages on http://127\.0\.0\.1:%d/" % port)
    bot.wait_for_log(r"\[manager\] online")
    return bot, bot_jid, "http://127.0.0.1:%d" % port


async def do_lesson_in_chat(prosody, student_jid, bot_jid, secret=SECRET, say_encrypted=None,
                            stay_online=False):
    """The student's chat side, once the page has the secret: OTR, SMP, the code (and, before
    SMP, `say_encrypted` typed inside OTR, when given). `stay_online`: (the student, the code),
    still logged in, for what the test reads next."""
    s = await otr_student(prosody, student_jid, PW, bot_jid)
    s.say("hello")
    await s.read_until("plain", "Step 1:")
    s.start_otr()
    await s.wait_otr("encrypted")
    await s.read_until("encrypted", "Step 3: authenticate me")
    if say_encrypted:
        s.say(say_encrypted)
    s.authenticate(secret)
    await s.wait_otr("smp_success")
    lines = await s.read_until("encrypted", "Here is your proof")
    code = CODE.match(lines[-1][1]).group(1)
    if stay_online:
        return s, code
    await s.logout()
    return code


def through_the_pages(web, student_jid, secret=SECRET):
    """The JID, its proof from the student's account, then the secret."""
    enter_jid(web, student_jid)
    prove(web, student_jid)
    give_secret(web, secret)


def proved_visit(base, student_jid, **params):
    """A student's visit from a launch with `params` (launch_params'), their JID typed and
    proved: the page is at Step 1."""
    web = WebStudent(base)
    r = web.launch(sign(base + "/", launch_params(**params)))
    assert r.status_code == 200, r.text
    enter_jid(web, student_jid)
    prove(web, student_jid)
    return web


def enter_jid(web, student_jid):
    """The JID typed on the page: it waits for the word the page shows; returns (bot, word)."""
    r = web.get("/enter_jid")
    assert r.status_code == 200 and 'name="jid"' in r.text
    r = web.post("/enter_jid", jid=student_jid)
    assert web.last.url.split("?")[0].endswith("/jid_entered"), web.last.url
    assert student_jid in r.text
    assert web.step().startswith("Step 0 of 4"), web.step()
    return proof_of(web)


def give_secret(web, secret=SECRET):
    r = web.post("/ask_for_secret", secret=secret)
    assert web.last.url.split("?")[0].endswith("/enter_bot_secret")
    assert 'name="bot_secret"' in r.text
