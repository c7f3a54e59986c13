"""An LTI 1.3 platform written with Debian's python3-jwt and python3-cryptography (our C++ did not
write it): its OIDC authorization endpoint (it signs id_tokens with RS256), its key set, its token
endpoint (which verifies the tool's client assertion against the tool's /lti13/jwks), a line item's
scores endpoint, and what dynamic registration needs (an OpenID configuration and a registration
endpoint). It serves on 127.0.0.1 and names itself http://localhost:PORT, so that in a browser it
is another site than the tool on 127.0.0.1."""
import html
import http.server
import json
import re
import secrets
import subprocess
import threading
import time
import urllib.parse
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import harness

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, alg="RS256", use="sig")
    return jwk


class Platform:
    def __init__(self, client_id="otrbot-client", deployment_id="deployment-1", host="localhost"):
        """`host`: the name the platform gives itself (its issuer's host); another name than
        another platform's makes it another site (an attacker's)."""
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.keys = [("platform-key-1", new_key())]
        self.cond = threading.Condition()
        self.auth_requests = []     # the query of each authorization request
        self.token_requests = []    # (ok, why) for each token request
        self.scores = []            # (line item path, score JSON, bearer token valid)
        self.registrations = []     # (registration token, request JSON)
        self.tokens = set()
        self.jtis = set()
        self.tool_jwks_url = None   # set by the test: where the token endpoint checks assertions
        self.claims_hook = None     # claims -> claims, for a launch the test crafts
        self.config_hook = None     # OpenID configuration -> configuration (an attacker's lie)
        self.jwks_gate = None       # a threading.Event the key set waits for (a tarpit)
        self.jwks_requests = 0
        self.registration_token = "reg-" + secrets.token_hex(8)
        platform = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, ctype="application/json", headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/jwks":
                    with platform.cond:
                        platform.jwks_requests += 1
                        platform.cond.notify_all()
                    if platform.jwks_gate is not None:
                        platform.jwks_gate.wait(120)
                    self.reply(200, json.dumps({"keys": [public_jwk(k, kid) for kid, k in platform.keys[-1:]]}))
                elif url.path == "/auth":
                    status, body = platform.authorize(q)
                    self.reply(status, body, "text/html; charset=utf-8")
                elif url.path == "/start":
                    self.reply(302, "", headers=[("Location", platform.login_url(q["tool"], q.get("user", "student-13")))])
                elif url.path == "/embed":
                    self.reply(200, platform.embed_page(q["tool"], q.get("storage"), "late" in q),
                               "text/html; charset=utf-8")
                elif url.path == "/forwarder":
                    self.reply(200, "<!DOCTYPE html><html><body>%s</body></html>" %
                               storage_script(q["tool"], "parent.document"), "text/html; charset=utf-8")
                elif url.path == "/admin-registers":
                    self.reply(200, platform.registration_page(q["url"]), "text/html; charset=utf-8")
                elif url.path == "/.well-known/openid-configuration":
                    if self.headers.get("Authorization") != "Bearer " + platform.registration_token:
                        self.reply(401, '{"error": "no registration token"}')
                        return
                    self.reply(200, json.dumps(platform.openid_configuration()))
                else:
                    self.reply(404, "{}")

            def do_POST(self):
                url = urllib.parse.urlparse(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if url.path == "/token":
                    status, answer = platform.token(body.decode())
                    self.reply(status, json.dumps(answer))
                elif url.path.endswith("/scores"):
                    status = platform.score(url.path, self.headers, body)
                    self.reply(status, "{}")
                elif url.path == "/register":
                    status, answer = platform.register(self.headers, body)
                    self.reply(status, json.dumps(answer))
                else:
                    self.reply(404, "{}")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.issuer = "http://%s:%d" % (host, self.port)
        self.lineitem = self.issuer + "/lineitems/7/lineitem?course=3"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    # -- what the tool is told ---------------------------------------------------------------
    def config_table(self, deployment_ids=None):
        ids = "" if deployment_ids is None else "deployment_ids = [%s]\n" % ", ".join('"%s"' % d for d in deployment_ids)
        return f"""
[lti13.platforms."{self.issuer}"]
client_id = "{self.client_id}"
auth_login_url = "{self.issuer}/auth"
auth_token_url = "{self.issuer}/token"
key_set_url = "{self.issuer}/jwks"
{ids}"""

    def login_url(self, tool_base, user="student-13", storage_target=None):
        q = {"iss": self.issuer, "login_hint": user, "target_link_uri": tool_base + "/lti13/launch",
             "lti_message_hint": "hint-" + user, "client_id": self.client_id,
             "lti_deployment_id": self.deployment_id}
        if storage_target:
            q["lti_storage_target"] = storage_target
        return tool_base + "/lti13/login?" + urllib.parse.urlencode(q)

    def embed_page(self, tool_base, storage, late=False):
        """A course page with the tool in an iframe. `storage`: None (no LTI Platform Storage),
        "_parent" (this page answers lti.put_data / lti.get_data itself) or a frame's name (a
        hidden frame of the platform's origin answers, as Canvas's post_message_forwarding does).
        `late`: that frame is made only once the tool's first page has loaded (a slow platform
        page: the tool must not give up on a frame that is not there yet).
        Every message the platform gets is written into #messages."""
        src = self.login_url(tool_base, storage_target=storage)
        forwarder = '<iframe name="%s" src="/forwarder?tool=%s" hidden></iframe>' % (
            html.escape(storage or ""), urllib.parse.quote(tool_base, safe=""))
        if storage == "_parent":
            extra = storage_script(tool_base, "document")
        elif storage and late:
            extra = """<div id="later"></div><script>
window.addEventListener('load', function () {
  document.getElementById('later').innerHTML = %s;
});
</script>""" % json.dumps(forwarder)
        elif storage:
            extra = forwarder
        else:
            extra = ""
        return """<!DOCTYPE html><html><body><h1>Privacy 101</h1><p id="messages"></p>%s
<iframe id="tool" name="tool" src="%s" width="900" height="700"></iframe></body></html>""" % (
            extra, html.escape(src))

    def registration_page(self, register_url):
        """The LMS admin's page: the tool's registration URL (with the platform's parameters) in
        an iframe; what the frame posts is written into #messages."""
        src = register_url + "?" + urllib.parse.urlencode(self.registration_params())
        return """<!DOCTYPE html><html><body><p id="messages"></p><script>
window.addEventListener('message', function (e) {
  document.getElementById('messages').textContent += (e.data && e.data.subject) + ' ';
});
</script><iframe id="tool" src="%s" width="900" height="500"></iframe></body></html>""" % html.escape(src)

    def rotate(self):
        """A new signing key; the key set then holds it alone."""
        self.keys.append(("platform-key-%d" % (len(self.keys) + 1), new_key()))

    # -- the OIDC authorization endpoint ---------------------------------------------------------
    def claims(self, nonce, user="student-13", roles=None, locale="en-GB"):
        now = int(time.time())
        return {
            "iss": self.issuer, "aud": self.client_id, "sub": user, "nonce": nonce,
            "iat": now, "exp": now + 300, "name": "Student Thirteen",
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": roles or ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            CLAIM + "resource_link": {"id": "link-1", "title": "OTR exercise"},
            CLAIM + "context": {"id": "course-3", "title": "Privacy 101"},
            CLAIM + "target_link_uri": "",
            CLAIM + "launch_presentation": {"locale": locale, "document_target": "iframe"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [SCORE_SCOPE], "lineitem": self.lineitem},
        }

    def sign(self, claims, key_index=-1, headers=None):
        kid, key = self.keys[key_index]
        return jwt.encode(claims, key, algorithm="RS256", headers=dict({"kid": kid}, **(headers or {})))

    def authorize(self, q):
        with self.cond:
            self.auth_requests.append(q)
            self.cond.notify_all()
        expected = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
                    "prompt": "none", "client_id": self.client_id}
        wrong = [k for k, v in expected.items() if q.get(k) != v]
        wrong += [k for k in ("redirect_uri", "login_hint", "state", "nonce") if not q.get(k)]
        if wrong:
            return 400, "<p>bad authorization request: %s</p>" % html.escape(", ".join(wrong))
        claims = self.claims(q["nonce"], user=q["login_hint"])
        claims[CLAIM + "target_link_uri"] = q["redirect_uri"]
        if self.claims_hook:
            claims = self.claims_hook(claims)
        token = self.sign(claims)
        return 200, """<!DOCTYPE html><html><body><form id="f" method="post" action="%s">
<input type="hidden" name="id_token" value="%s"><input type="hidden" name="state" value="%s">
</form><script>document.getElementById('f').submit();</script></body></html>""" % (
            html.escape(q["redirect_uri"]), html.escape(token), html.escape(q["state"]))

    # -- AGS -----------------------------------------------------------------------------------------
    def token(self, body):
        form = dict(urllib.parse.parse_qsl(body, strict_parsing=True))
        why = None
        try:
            if form.get("grant_type") != "client_credentials":
                raise ValueError("grant_type is not client_credentials")
            if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                raise ValueError("wrong client_assertion_type")
            if SCORE_SCOPE not in form.get("scope", "").split():
                raise ValueError("the score scope was not asked for")
            assertion = form["client_assertion"]
            signing_key = jwt.PyJWKClient(self.tool_jwks_url).get_signing_key_from_jwt(assertion)
            claims = jwt.decode(assertion, signing_key.key, algorithms=["RS256"],
                                audience=self.issuer + "/token", issuer=self.client_id,
                                options={"require": ["exp", "iat", "jti", "sub"]})
            if claims["sub"] != self.client_id:
                raise ValueError("sub is not the client_id")
            if claims["exp"] - claims["iat"] > 3600:
                raise ValueError("the assertion lives too long")
            if claims["jti"] in self.jtis:
                raise ValueError("a jti used before")
            self.jtis.add(claims["jti"])
        except (ValueError, KeyError, jwt.PyJWTError) as e:
            why = str(e) or type(e).__name__
        with self.cond:
            self.token_requests.append((why is None, why))
            self.cond.notify_all()
        if why:
            return 400, {"error": "invalid_client", "error_description": why}
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": SCORE_SCOPE}

    def score(self, path, headers, body):
        auth = headers.get("Authorization", "")
        valid = auth.startswith("Bearer ") and auth[7:] in self.tokens
        ok = valid and headers.get("Content-Type", "").split(";")[0] == SCORE_TYPE
        score = json.loads(body)
        with self.cond:
            self.scores.append((path, score, ok))
            self.cond.notify_all()
        return 200 if ok else 401

    def wait_for(self, what, count, timeout=harness.TIMEOUT):
        with self.cond:
            if not self.cond.wait_for(lambda: len(getattr(self, what)) >= count, timeout):
                raise AssertionError("the platform got %d %s, not %d" % (len(getattr(self, what)), what, count))
            return list(getattr(self, what))

    # -- dynamic registration --------------------------------------------------------------------
    def openid_configuration(self):
        config = {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/auth",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "registration_endpoint": self.issuer + "/register",
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", SCORE_SCOPE],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "otrbot-test-platform", "version": "1.0",
                "messages_supported": [{"type": "LtiResourceLinkRequest"}]},
        }
        return self.config_hook(config) if self.config_hook else config

    def registration_params(self):
        return {"openid_configuration": self.issuer + "/.well-known/openid-configuration",
                "registration_token": self.registration_token}

    def register(self, headers, body):
        token = headers.get("Authorization", "")
        request = json.loads(body)
        with self.cond:
            self.registrations.append((token, request))
            self.cond.notify_all()
        if token != "Bearer " + self.registration_token:
            return 401, {"error": "invalid registration token"}
        answer = dict(request, client_id=self.client_id)
        answer["https://purl.imsglobal.org/spec/lti-tool-configuration"] = dict(
            request["https://purl.imsglobal.org/spec/lti-tool-configuration"], deployment_id=self.deployment_id)
        return 200, answer

    def close(self):
        self.server.shutdown()


def storage_script(tool_origin, report_to):
    """LTI Platform Storage as a platform answers it: keeps what the tool puts, gives it back,
    and writes each message's subject into `report_to`'s #messages."""
    return """<script>
var kept = {};
window.addEventListener('message', function (e) {
  var m = e.data || {};
  %s.getElementById('messages').textContent += m.subject + ' ';
  if (e.origin !== '%s') return;
  if (m.subject === 'lti.put_data') {
    kept[m.key] = m.value;
    e.source.postMessage({subject: 'lti.put_data.response', message_id: m.message_id, key: m.key, value: m.value}, e.origin);
  } else if (m.subject === 'lti.get_data') {
    e.source.postMessage({subject: 'lti.get_data.response', message_id: m.message_id, key: m.key, value: kept[m.key]}, e.origin);
  }
});
</script>""" % (report_to, tool_origin)


def lti13_section(platform=None, deployment_ids=None, key_file=None, extra="", allow_private=True):
    """An [lti13] table for the tests' bot: its key in the test's directory unless `key_file`;
    the test platforms are on 127.0.0.1, so their URLs are allowed unless not `allow_private`."""
    text = "\n[lti13]\nallow_private_urls = %s\n" % ("true" if allow_private else "false")
    if key_file:
        text += 'private_key_file = "%s"\n' % key_file
    text += extra
    if platform:
        text += platform.config_table(deployment_ids)
    return text


def make_invite(bot, hours=None, host=None):
    """A registration invite, as an administrator makes one: `otrbot lti13-invite`."""
    args = [harness.BINARY, "lti13-invite", "--config", bot.config_path]
    if hours is not None:
        args += ["--hours", str(hours)]
    if host is not None:
        args += ["--host", host]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def register(base, platform, invite, headers=None, session=None):
    """Dynamic registration as the LMS's administrator does it: the platform opens the tool's
    registration page (no secret in its URL), they type the invite there and send it. `headers`:
    the browser's (Sec-Fetch-Site same-origin by default). The form's answer."""
    import requests
    http = session or requests.Session()
    http.trust_env = False
    page = http.get(base + "/lti13/register", params=platform.registration_params(), timeout=30)
    assert page.status_code == 200 and 'id="register_form"' in page.text, page.text[:500]
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    assert fields == {k: html.escape(v) for k, v in platform.registration_params().items()}
    data = dict({k: html.unescape(v) for k, v in fields.items()}, invite=invite)
    return http.post(base + "/lti13/register", data=data,
                     headers=headers if headers is not None else {"Sec-Fetch-Site": "same-origin"},
                     allow_redirects=False, timeout=90)


def unique_state():
    return uuid.uuid4().hex
