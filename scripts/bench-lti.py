#!/usr/bin/python3
"""LTI launch throughput: the real otrbot (a private Prosody beside it) takes LTI 1.1 launches
presigned by python3-oauthlib (each nonce used once), then LTI 1.3 launches (a login each made
ahead, its id_token signed RS256 by python3-jwt for the test platform of test/e2e, whose key set
the bot fetches once and keeps), sent by wrk; GET /is_up for comparison. Prints wrk's figures.
Usage: scripts/bench-lti.sh [BINARY] (see there)."""
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
import devenv  # noqa: E402
from bench_setup import children_cpu_ms, cpu_ms  # noqa: E402
import harness  # noqa: E402
from lms import launch_params, sign  # noqa: E402
from platform13 import Platform, lti13_section  # noqa: E402
from tool13 import Login  # noqa: E402

# Each presigned launch is accepted once; wrk then sends them again, and the refusals (401) are
# cheaper than launches: the "accepted" line counts launches only, and says when they ran out.
LAUNCHES = int(os.environ.get("OTRBOT_BENCH_LAUNCHES", "80000"))
LAUNCHES13 = int(os.environ.get("OTRBOT_BENCH_LAUNCHES13", "36000"))  # 4,500/s for 8 s
SECONDS = int(os.environ.get("OTRBOT_BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("OTRBOT_BENCH_CONNECTIONS", "32"))

WRK_SCRIPT = """
-- Each thread takes its own slice of the presigned launches (wrk runs a Lua state per thread).
local bodies = dofile("%(bodies)s")
local threads, counter = {}, 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  local per = math.floor(#bodies / %(threads)d)
  first = (id - 1) * per + 1
  last = first + per - 1
  i = first
end
function request()
  local body = bodies[i]
  i = i + 1
  if i > last then i = first end  -- reused nonces are refused (401): wrk counts them as non-2xx
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""

# LTI 1.3: each launch is a form post to /lti13/launch with its login's cookie.
WRK13_SCRIPT = WRK_SCRIPT.replace(
    'local body = bodies[i]', 'local body, cookie = bodies[i][1], bodies[i][2]').replace(
    'wrk.format("POST", "/", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)',
    'wrk.format("POST", "/lti13/launch", {["Content-Type"] = '
    '"application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)')


def presign13(base, platform, count, path):
    """`count` logins made ahead (the bot's 302 to the platform: state, nonce, cookie), each
    with its id_token signed for it; written as a Lua table of {body, cookie}."""
    import urllib.parse
    with open(path, "w") as f:
        f.write("return {\n")
        for i in range(count):
            login = Login(base, platform, user="bench-%d" % i)
            if login.response.status_code != 302:
                raise SystemExit("the bot refused an LTI 1.3 login (%d)" % login.response.status_code)
            token = platform.sign(platform.claims(login.nonce, user="bench-%d" % i))
            body = urllib.parse.urlencode({"id_token": token, "state": login.state})
            f.write("{[==[%s]==], [==[%s]==]},\n" % (body, login.cookie))
        f.write("}\n")


def wrk(url, bot_pid, script=None, threads=2, launches=False):
    """wrk's report, then where the two cores went: the bot's CPU per request and wrk's own;
    for `launches`, then how many a second were accepted (wrk's rate counts refusals too)."""
    cmd = ["wrk", "-t%d" % threads, "-c%d" % CONNECTIONS, "-d%ds" % SECONDS, "--latency"]
    if script:
        cmd += ["-s", script]
    bot_before, wrk_before = cpu_ms(bot_pid), children_cpu_ms()
    done = subprocess.run(cmd + [url], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("wrk failed (%d): %s%s" % (done.returncode, done.stdout, done.stderr))
    bot, by_wrk = cpu_ms(bot_pid) - bot_before, children_cpu_ms() - wrk_before
    requests = re.search(r"(\d+) requests in", done.stdout)
    if not requests or int(requests.group(1)) == 0:
        raise SystemExit("wrk sent no request: %s" % done.stdout)
    n = int(requests.group(1))
    out = done.stdout + ("CPU: the bot %.0f ms (%.0f us per request), wrk %.0f ms, over %d s\n"
                         % (bot, bot * 1000.0 / n, by_wrk, SECONDS))
    if launches:
        refused = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
        refused = int(refused.group(1)) if refused else 0
        seconds = float(re.search(r"requests in ([\d.]+)s", done.stdout).group(1))
        out += ("accepted: %.0f launches/s%s\n"
                % ((n - refused) / seconds,
                   " (%d of %d answers were refusals: the presigned launches ran out, and wrk's "
                   "rate and latencies above count them)" % (refused, n) if refused else ""))
    return out


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else harness.BINARY
    with tempfile.TemporaryDirectory() as tmp:
        platform = Platform()
        server = devenv.Prosody(os.path.join(tmp, "prosody"), {"bot@localhost": "botpw"})
        server.prepare()
        server.start()
        port = devenv.free_port()
        config = os.path.join(tmp, "bot.toml")
        with open(config, "w") as f:
            f.write(harness.bot_config(
                server, whitelist=(), web_port=port,
                # one address (wrk's) sends everything: as behind a proxy, no per-address limits
                lti_extra="max_connections_per_address = 0\n"
                          "max_requests_per_address_per_minute = 0").replace(
                'level = "debug"', 'level = "warn"')
                + harness.store_section(os.path.join(tmp, "bot.db")) + lti13_section(platform))
        bot_log = open(os.path.join(tmp, "bot.log"), "wb")
        bot = subprocess.Popen([binary, "runclient", "--config", config],
                               stdout=bot_log, stderr=subprocess.STDOUT)
        try:
            base = "http://127.0.0.1:%d" % port
            for _ in range(600):  # wait for the port: polling an event, not a fixed wait
                try:
                    import requests
                    if requests.get(base + "/is_up", timeout=1).text == "OK":
                        break
                except Exception:
                    time.sleep(0.05)
            else:
                raise SystemExit("otrbot did not answer /is_up: %s"
                                 % open(os.path.join(tmp, "bot.log")).read()[-2000:])
            started = time.monotonic()
            bodies = os.path.join(tmp, "bodies.lua")
            with open(bodies, "w") as f:
                f.write("return {\n")
                for i in range(LAUNCHES):
                    body = sign(base + "/", launch_params(user="bench-%d" % i))
                    f.write("[==[%s]==],\n" % body)
                f.write("}\n")
            print("presigned %d launches in %.1f s" % (LAUNCHES, time.monotonic() - started))
            script = os.path.join(tmp, "launch.lua")
            with open(script, "w") as f:
                f.write(WRK_SCRIPT % {"bodies": bodies, "threads": 2})
            print("== POST / (LTI launches), %d connections, %d s" % (CONNECTIONS, SECONDS))
            print(wrk(base + "/", bot.pid, script, launches=True))
            platform.tool_jwks_url = base + "/lti13/jwks"
            started = time.monotonic()
            bodies13 = os.path.join(tmp, "bodies13.lua")
            presign13(base, platform, LAUNCHES13, bodies13)
            print("made %d LTI 1.3 logins and signed their id_tokens in %.1f s"
                  % (LAUNCHES13, time.monotonic() - started))
            script13 = os.path.join(tmp, "launch13.lua")
            with open(script13, "w") as f:
                f.write(WRK13_SCRIPT % {"bodies": bodies13, "threads": 2})
            print("== POST /lti13/launch (LTI 1.3 launches), %d connections, %d s"
                  % (CONNECTIONS, SECONDS))
            print(wrk(base + "/lti13/launch", bot.pid, script13, launches=True))
            print("== GET /is_up, %d connections, %d s" % (CONNECTIONS, SECONDS))
            print(wrk(base + "/is_up", bot.pid))
            if bot.poll() is not None:
                raise SystemExit("otrbot exited during the benchmark")
        finally:
            bot.terminate()
            bot.wait(timeout=30)
            server.stop()
            platform.close()


if __name__ == "__main__":
    main()
