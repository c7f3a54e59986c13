"""The docker-compose deployment, from the host, against real containers (scripts/compose-test.sh
builds the images and starts the stack): a python-potr student logs in through the composed
Prosody's published port, an oauthlib-signed launch goes through the TLS proxy, the student
completes the lesson, the grade reaches a test LMS on the host, the bot's lines are in the syslog
volume, the data survive `down` and `up`, and `down -v` removes them."""
import asyncio
import os
import subprocess
import sys
import time
import types

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
import harness  # noqa: E402
from lms import OutcomeService, WebStudent, launch_params, sign  # noqa: E402
from lms import do_lesson_in_chat, through_the_pages  # noqa: E402

ENV = os.environ
if "OTRBOT_TEST_STATE" not in ENV:
    raise RuntimeError("run through scripts/compose-test.sh, which builds and starts the stack")
PROJECT = ENV["COMPOSE_PROJECT_NAME"]
DOMAIN = ENV["OTRBOT_DOMAIN"]
BOT = "%s@%s" % (ENV["OTRBOT_BOT_USER"], DOMAIN)
CA = os.path.join(ENV["OTRBOT_CERTS_DIR"], "ca.crt")
BASE = "https://localhost:%s" % ENV["OTRBOT_HTTPS_PUBLISH"]
XMPP = types.SimpleNamespace(port=int(ENV["OTRBOT_XMPP_PUBLISH"]), ca_crt=CA)
PW = "pw-for-tests"  # do_lesson_in_chat logs students in with it
TIMEOUT = 180


def secret(name):
    with open(os.path.join(ENV["OTRBOT_SECRETS_DIR"], name)) as f:
        return f.read().strip()


def compose(*args):
    return subprocess.run(["podman-compose", "-p", PROJECT, "-f", os.path.join(ROOT, "docker", "compose.yaml"),
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def container(service):
    return "%s_%s_1" % (PROJECT, service)


def podman(*args, check=True):
    r = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError("podman %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r


def until(what, probe, timeout=TIMEOUT):
    """Waits for an event seen from outside the containers (a port answering, a log line),
    checking again every half second; fails with `what` and the last thing seen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
            if last:
                return last
        except (requests.RequestException, OSError) as e:
            last = e
        time.sleep(0.5)
    logs = "\n".join(podman("logs", "--tail", "30", container(s), check=False).stdout +
                     podman("logs", "--tail", "30", container(s), check=False).stderr
                     for s in ("prosody", "otrbot", "proxy"))
    raise AssertionError("timed out waiting for %s (last: %r)\n%s" % (what, last, logs))


def pages_up():
    r = requests.get(BASE + "/is_up", verify=CA, timeout=10)
    return r.status_code == 200 and r.text == "OK"


def bot_online():
    return "online; syncing the roster" in podman("logs", container("otrbot"), check=False).stderr + \
        podman("logs", container("otrbot"), check=False).stdout


def syslog_text():
    # As rsyslog's own user: the container keeps no capability that would let root read it.
    return podman("exec", "-u", "otrbot-logs", container("syslog"), "cat", "/var/log/otrbot/otrbot.log",
                  check=False).stdout


def waiting_grades():
    """The grades not yet accepted, from the admin API through the proxy (which lets an address
    make 30 admin requests a minute: asked again while it says 429)."""
    r = until("the admin API through the proxy's limit", lambda: (lambda a: a if a.status_code != 429 else None)(
        requests.get(BASE + "/admin/grades", verify=CA, timeout=10,
                     headers={"Authorization": "Bearer " + secret("admin_token")})))
    assert r.status_code == 200, r.text
    return r.json()


def stored():
    """The store's grades and key, read in the data volume with sqlite3 (as a backup would)."""
    rows = podman("exec", container("otrbot"), "sqlite3", "/var/lib/otrbot/otrbot.db",
                  "SELECT sourcedid, state FROM grades ORDER BY id").stdout.split()
    key = podman("exec", container("otrbot"), "sha256sum", "/var/lib/otrbot/otrbot.db.key").stdout
    return rows, key


@pytest.fixture(scope="module")
def stack():
    up = compose("up", "-d")
    assert up.returncode == 0, up.stdout + up.stderr
    until("the pages through the proxy", pages_up)
    until("the bot online", bot_online)
    yield


def register(user):
    podman("exec", container("prosody"), "setpriv", "--reuid=prosody", "--regid=prosody",
           "--init-groups", "--", "prosodyctl", "register", user, DOMAIN, PW)
    jid = "%s@%s" % (user, DOMAIN)
    harness.ACCOUNTS[jid] = (XMPP, PW)  # the tests' helper proves the JID from this account
    return jid


def test_a_student_completes_the_lesson_through_the_deployment(stack):
    student = register("student1")
    lms = OutcomeService(listen="0.0.0.0", host="host.containers.internal", secret=secret("lti_secret"))
    try:
        web = WebStudent(BASE)
        web.http.verify = CA
        web.http.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins over verify
        body = sign(BASE + "/", launch_params(outcome_url=lms.url, sourcedid="compose-1"),
                    key=ENV["OTRBOT_LTI_CONSUMER_KEY"], secret=secret("lti_secret"))
        r = web.launch(body)
        assert r.status_code == 200, r.text
        assert BOT in r.text
        # The pages may be framed by the LMS (and only by it), through the proxy.
        assert r.headers["Content-Security-Policy"].endswith("frame-ancestors 'self' https://lms.school.test")
        assert "X-Frame-Options" not in r.headers
        # Behind the proxy the bot knows it is on HTTPS: its cookie may cross into the iframe.
        assert "SameSite=None; Secure" in r.headers["Set-Cookie"]
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        through_the_pages(web, student)
        code = asyncio.run(do_lesson_in_chat(XMPP, student, BOT))
        r = web.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in r.text, web.error()
        assert lms.wait_for(1, timeout=TIMEOUT) == [(True, True, "compose-1", "1.0")]
        assert lms.refused == []
    finally:
        lms.close()
    # The bot's lines reach the syslog container's volume (and no secret does).
    text = until("the grade's line in the syslog volume",
                 lambda: (lambda t: t if "accepted by http://host.containers.internal" in t else None)(syslog_text()))
    assert "otrbot" in text and "completed the exercise" in text
    # LTI 1.3 is on: the tool's key set through the proxy (its key made in the data volume).
    jwks = requests.get(BASE + "/lti13/jwks", verify=CA, timeout=10).json()
    assert [k["kty"] for k in jwks["keys"]] == ["RSA"]
    # An administrator's registration invite, made inside the container as the bot's user.
    invite = podman("exec", container("otrbot"), "otrbot-entrypoint", "lti13-invite", "--host",
                    "moodle.school.example").stdout.strip()
    assert invite.startswith("otrbot-invite:"), invite
    for name in ("bot_password", "lti_secret", "admin_token"):
        assert secret(name) not in text
    assert code not in text
    # The health check the image declares, and check-config inside the container.
    podman("healthcheck", "run", container("otrbot"))
    check = podman("exec", container("otrbot"), "otrbot-entrypoint", "check-config", "--running")
    assert "ok    lti listen" in check.stdout and "FAIL" not in check.stdout, check.stdout
    # The proxy's own logs keep no query string (page tokens ride in them): a limit_req refusal
    # quotes the request and the referrer, both cut.
    token = "s=" + os.urandom(16).hex()
    admin = {"Authorization": "Bearer " + secret("admin_token")}  # (no wrong token counted)
    statuses = [requests.get(BASE + "/admin/whitelist?" + token, verify=CA, timeout=10,
                             headers=dict(admin, Referer=BASE + "/ask_for_secret?" + token)).status_code
                for _ in range(15)]
    assert 429 in statuses, statuses
    proxy = podman("logs", container("proxy"))
    proxy_text = proxy.stdout + proxy.stderr
    assert "limiting requests" in proxy_text and "?(query left out)" in proxy_text, proxy_text[-2000:]
    assert token not in proxy_text


def test_the_data_survive_down_and_up_and_down_v_removes_them(stack):
    before = stored()
    assert before[0] == ["compose-1|done"]
    assert waiting_grades() == []  # accepted by the LMS: nothing waits
    down = compose("down")
    assert down.returncode == 0, down.stdout + down.stderr
    volumes = podman("volume", "ls", "--format", "{{.Name}}").stdout.split()
    assert "%s_otrbot-data" % PROJECT in volumes
    up = compose("up", "-d")
    assert up.returncode == 0, up.stdout + up.stderr
    until("the pages after the restart", pages_up)
    assert stored() == before
    gone = compose("down", "-v")
    assert gone.returncode == 0, gone.stdout + gone.stderr
    volumes = podman("volume", "ls", "--format", "{{.Name}}").stdout.split()
    assert not [v for v in volumes if v.startswith(PROJECT + "_")], volumes
