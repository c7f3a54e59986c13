"""A teacher's page load beside the lecture hall, for the benchmarks: LTI 1.1 launches (signed by
python3-oauthlib, a fresh nonce each) at a steady rate while the students run, each timed from
the client's side; the bot's own service time is read from its /metrics."""
import threading
import time
import urllib.request

from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, Client

KEY, SECRET = "bench", "bench-secret"


def launch_body(url, i):
    params = {"lti_message_type": "basic-lti-launch-request", "lti_version": "LTI-1p0",
              "resource_link_id": "bench-probe", "user_id": "probe-%d" % i, "roles": "Learner",
              "launch_presentation_locale": "en-GB"}
    client = Client(KEY, client_secret=SECRET, signature_type=SIGNATURE_TYPE_BODY)
    _, _, body = client.sign(url, http_method="POST", body=params,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    return body.encode()


class PageProbe:
    """Sends a launch every 1/rate s to http://127.0.0.1:port/ on a thread of its own (signed
    ahead, so that signing is not timed); times each; stop() returns the times in ms."""

    def __init__(self, port, rate=10.0, count=2000):
        self.url = "http://127.0.0.1:%d/" % port
        self.period = 1.0 / rate
        self.bodies = [launch_body(self.url, i) for i in range(count)]
        self.times, self.failed = [], 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        next_at = time.monotonic()
        for body in self.bodies:
            if self.done.wait(max(0.0, next_at - time.monotonic())):
                return
            next_at += self.period
            req = urllib.request.Request(self.url, data=body, method="POST", headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    r.read()
                    ok = r.status == 200
            except Exception:
                ok = False
            if ok:
                self.times.append((time.monotonic() - t0) * 1000.0)
            else:
                self.failed += 1

    def stop(self):
        self.done.set()
        self.thread.join()
        return self.times
