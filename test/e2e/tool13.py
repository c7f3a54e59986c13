"""The tool's side of LTI 1.3 as the tests drive it: a bot with a platform, the browser's
third-party login and launch post, and the reason a refused page gives."""
import base64
import re
import urllib.parse

import requests

from harness import bot_config, devenv, fresh_account
from platform13 import lti13_section
from student import PW


def http():
    s = requests.Session()
    s.trust_env = False
    return s


def lti13_bot(prosody, run_bot, platform, deployment_ids=None, whitelist=(), extra="", allow_private=True,
              admin_token=""):
    bot_jid = fresh_account(prosody, "bot")
    port = devenv.free_port()
    bot = run_bot(bot_config(prosody, bot=bot_jid, password=PW, whitelist=whitelist, web_port=port,
                             admin_token=admin_token,
                             tail=lti13_section(platform, deployment_ids, extra=extra,
                                                allow_private=allow_private)))
    bot.wait_for_log(r"web pages on http://127\.0\.0\.1:%d/" % port)
    bot.wait_for_log(r"\[manager\] online")
    base = "http://127.0.0.1:%d" % port
    if platform:
        platform.tool_jwks_url = base + "/lti13/jwks"
    return bot, bot_jid, base


class Login:
    """One third-party initiated login, as the browser makes it: the tool's 302 to the platform,
    its state, its nonce, and the cookie that binds them to this browser."""

    def __init__(self, base, platform, user="student-13", **extra):
        q = {"iss": platform.issuer, "login_hint": user, "target_link_uri": base + "/lti13/launch",
             "lti_message_hint": "hint", "client_id": platform.client_id}
        q.update(extra)
        self.response = http().get(base + "/lti13/login", params=q, allow_redirects=False, timeout=30)
        self.base = base
        if self.response.status_code != 302:
            return
        self.location = self.response.headers["Location"]
        self.query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(self.location).query))
        self.state, self.nonce = self.query["state"], self.query["nonce"]
        set_cookie = self.response.headers["Set-Cookie"]
        self.cookie = set_cookie.split(";")[0]
        self.cookie_attributes = [a.strip() for a in set_cookie.split(";")[1:]]

    def launch(self, id_token, cookie=None, state=None, bind=None, headers=None):
        """The launch form post; `bind`: the lti13_bind field, as lti13.js sends it from the
        platform's storage; `headers`: more request headers (Origin, Sec-Fetch-Site)."""
        data = {"id_token": id_token, "state": state or self.state}
        if bind is not None:
            data["lti13_bind"] = bind
        return http().post(self.base + "/lti13/launch", data=data,
                           headers=dict({"Cookie": self.cookie if cookie is None else cookie},
                                        **(headers or {})),
                           allow_redirects=False, timeout=30)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refusal(r):
    m = re.search(r'<p class="error" id="error" role="alert">(.*?)</p>', r.text, re.S)
    return m.group(1) if m else r.text[:300]
