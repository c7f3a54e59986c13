"""The LMS side of the tests: launches signed by python3-oauthlib (not our
code), a browser-less web client for the pages, and a small LMS outcome
service that checks the bot's grade requests with oauthlib too."""
import base64
import hashlib
import html
import http.server
import re
import threading
import time
import types
import urllib.parse
import uuid

import requests
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, Client
from oauthlib.oauth1.rfc5849 import signature

import harness


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
        return html.unescape(m.group(1)) if m else None


SUCCESS = """<?xml version="1.0" encoding="UTF-8"?>
<imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
<imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version>
<imsx_messageIdentifier>{id}</imsx_messageIdentifier><imsx_statusInfo>
<imsx_codeMajor>success</imsx_codeMajor><imsx_severity>status</imsx_severity>
<imsx_description>Score for {sourcedid} is now {score}</imsx_description>
</imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader>
<imsx_POXBody><replaceResultResponse/></imsx_POXBody></imsx_POXEnvelopeResponse>"""


class OutcomeService:
    """An LMS's Basic Outcomes endpoint on 127.0.0.1: verifies each request's
    OAuth signature and body hash (oauthlib), records the grades, and
    answers with the statuses it is told to (then success)."""

    def __init__(self, failures=()):
        self.failures = list(failures)  # HTTP statuses to answer first
        self.requests = []               # (valid_signature, body_hash_ok, sourcedid, score)
        self.cond = threading.Condition()
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = "http://127.0.0.1:%d%s" % (service.port, self.path)
                auth = self.headers.get("Authorization", "")
                params = signature.collect_parameters(headers={"Authorization": auth},
                                                      exclude_oauth_signature=False)
                given = dict(params)
                base = signature.signature_base_string(
                    "POST", signature.base_string_uri(url),
                    signature.normalize_parameters(signature.collect_parameters(
                        uri_query=urllib.parse.urlparse(url).query,
                        headers={"Authorization": auth})))
                client = types.SimpleNamespace(client_secret=harness.CONSUMER_SECRET,
                                               resource_owner_secret="")
                valid = signature.sign_hmac_sha1_with_client(base, client) == \
                    given.get("oauth_signature")
                digest = base64.b64encode(hashlib.sha1(body).digest()).decode()
                text = body.decode("utf-8")
                sourcedid = re.search(r"<sourcedId>(.*?)</sourcedId>", text)
                score = re.search(r"<textString>(.*?)</textString>", text)
                with service.cond:
                    service.requests.append((valid, digest == given.get("oauth_body_hash"),
                                             sourcedid and html.unescape(sourcedid.group(1)),
                                             score and score.group(1)))
                    status = service.failures.pop(0) if service.failures else 200
                    service.cond.notify_all()
                reply = SUCCESS.format(id=uuid.uuid4(), sourcedid="x", score="1.0") \
                    if status == 200 else "<html>Internal error</html>"
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.end_headers()
                self.wfile.write(reply.encode())

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d/outcomes?course=101" % self.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count, timeout=harness.TIMEOUT):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError("the LMS got %d grade requests, not %d" % (len(self.requests), count))
            return list(self.requests)

    def close(self):
        self.server.shutdown()
