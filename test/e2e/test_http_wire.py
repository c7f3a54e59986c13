"""HTTP as an attacker writes it, byte by byte on a socket: framing that lets two parsers
disagree, pipelining, oversized heads, floods of connections and requests from one address,
slow clients. Each gets its status and the server keeps serving everyone else."""
import os
import socket
import time

import pytest
import requests

from harness import rss_kib
from lms import web_bot


def connect(base, source="127.0.0.1"):
    host, port = base[len("http://"):].split(":")
    s = socket.create_connection((host, int(port)), timeout=30, source_address=(source, 0))
    return s


def read_response(s, buffered=None):
    """One response (head and Content-Length body); None when the connection closed first.
    `buffered` (a bytearray) keeps what arrived after it, for the next call."""
    data = bytes(buffered or b"")
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    length = int(fields.get("content-length", ["0"])[0])
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    if buffered is not None:
        buffered[:] = body[length:]
    return int(lines[0].split()[1]), fields, body[:length], body[length:]


def closed(s):
    """Whether the server closed the connection (EOF, or a reset after it did)."""
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True


def exchange(base, raw):
    """Sends `raw` on a new connection: the answer, and whether the server then closed it
    (checked only after an error: a good request keeps the connection)."""
    with connect(base) as s:
        s.sendall(raw)
        status, fields, body, _ = read_response(s)
        return status, fields, body, status >= 400 and closed(s)


@pytest.fixture
def bot_base(prosody, run_bot):
    bot, _, base = web_bot(prosody, run_bot)
    return bot, base


def test_requests_that_two_parsers_could_read_differently_are_refused(bot_base):
    bot, base = bot_base
    # RFC 9112 6.3: different Content-Lengths are an error (behind a proxy that takes the last,
    # the rest of the body would be read as a second, smuggled request).
    two = b"POST /enter_jid HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\njid=x"
    status, fields, body, was_closed = exchange(base, two)
    assert status == 400 and b"conflicting Content-Length" in body and was_closed
    assert fields["connection"] == ["close"]
    # A negative or unreadable length is the client's error (was 500), an endless one too large.
    assert exchange(base, b"POST / HTTP/1.1\r\nHost: b\r\nContent-Length: -1\r\n\r\n")[0] == 400
    assert exchange(base, b"POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 1e3\r\n\r\n")[0] == 400
    assert exchange(base, b"POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 99999999999999999999999\r\n\r\n")[0] == 413
    # Transfer-Encoding: not with a length, and not chunked bodies at all (a form has a length).
    both = b"POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    assert exchange(base, both)[0] == 400
    chunked = b"POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nx=1\r\n0\r\n\r\n"
    assert exchange(base, chunked)[0] == 501
    # No Host, two Hosts, a space before the colon, a folded line, a bare LF, a NUL.
    for bad in (b"GET /is_up HTTP/1.1\r\n\r\n",
                b"GET /is_up HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                b"GET /is_up HTTP/1.1\r\nHost : a\r\n\r\n",
                b"GET /is_up HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n",
                b"GET /is_up HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
                b"GET /is_up HTTP/1.1\r\nHost: a\x00b\r\n\r\n"):
        assert exchange(base, bad)[0] == 400, bad
    assert exchange(base, b"GET /is_up HTTP/2.0\r\nHost: a\r\n\r\n")[0] == 505
    assert exchange(base, b"BREW /is_up HTTP/1.1\r\nHost: a\r\n\r\n")[0] == 501
    # The same length twice is one length; the request is served.
    same = b"GET /is_up HTTP/1.1\r\nHost: b\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n"
    assert exchange(base, same)[:1] == (200,)
    assert bot.proc.poll() is None


def test_heads_and_bodies_over_the_limits_are_refused(bot_base):
    bot, base = bot_base
    big_head = b"GET /is_up HTTP/1.1\r\nHost: b\r\nX-Pad: " + b"a" * 100_000 + b"\r\n\r\n"
    assert exchange(base, big_head)[0] == 431
    many = b"GET /is_up HTTP/1.1\r\nHost: b\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(200)) + b"\r\n"
    assert exchange(base, many)[0] == 431
    # A client still sending a body too large reads the answer, not a reset.
    r = requests.post(base + "/", data="x=" + "a" * 10_000_000,
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=60)
    assert r.status_code == 413
    assert requests.get(base + "/is_up", timeout=30).text == "OK"


def test_pipelined_requests_are_answered_in_order_or_the_connection_closes(bot_base):
    bot, base = bot_base
    up = b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n"
    with connect(base) as s:
        s.sendall(up * 3)  # in one packet: each is answered (they were dropped after the first)
        rest = bytearray()
        for _ in range(3):
            status, _, body, _ = read_response(s, rest)
            assert (status, body) == (200, b"OK")
    # Behind a request the web actor answers (on another thread), a pipelined one must not
    # overtake it: the answers come in order, or, when the second arrived before the first was
    # answered, the connection closes after the first and the client sends the rest again.
    page = b"GET / HTTP/1.1\r\nHost: b\r\nConnection: keep-alive\r\n\r\n"
    # A hundred times: a lost close (Pistache's chained promise settled on its own thread while
    # the bot attached to it) showed once in about 2,400 of these on a loaded machine.
    for _ in range(100):
        with connect(base) as s:
            s.sendall(page + up)
            rest = bytearray()
            status, fields, body, _ = read_response(s, rest)
            assert status == 400 and b"LTI launch" in body  # development mode is off: no page
            second = read_response(s, rest)
            if second is None:
                assert [v.lower() for v in fields["connection"]] == ["close"]
            else:
                assert second[0] == 200 and second[2] == b"OK"
    # Keep-alive without pipelining: request, answer, request, answer on one connection.
    with connect(base) as s:
        for path in (b"/", b"/is_up", b"/"):
            s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: b\r\n\r\n")
            assert read_response(s)[0] == (200 if path == b"/is_up" else 400)


def test_http11_connections_stay_open_unless_the_client_says_close(bot_base):
    """RFC 9112 9.3: an HTTP/1.1 connection persists unless a side says close; HTTP/1.0 only
    with keep-alive. (Pistache alone answered "Connection: Close" to every request without a
    Connection header, so clients such as curl and wrk opened a connection per request.)
    Checked for a page of the web actor, one the HTTP adapter answers itself, and a 405."""
    bot, base = bot_base
    requests_ = [b"GET / HTTP/1.1\r\nHost: b\r\n%s\r\n",      # the web actor's (400 here)
                 b"GET /is_up HTTP/1.1\r\nHost: b\r\n%s\r\n",  # the adapter's own
                 b"GET /static/progress.js HTTP/1.1\r\nHost: b\r\n%s\r\n",
                 b"DELETE /is_up HTTP/1.1\r\nHost: b\r\n%s\r\n"]  # 405
    with connect(base) as s:
        for raw in requests_ * 2:  # all on one connection, none saying anything
            s.sendall(raw % b"")
            status, fields, _, _ = read_response(s)
            assert status in (200, 400, 405)
            assert [v.lower() for v in fields["connection"]] == ["keep-alive"], (raw, fields)
        # The client says close: the answer says so too.
        s.sendall(requests_[1] % b"Connection: close\r\n")
        status, fields, _, _ = read_response(s)
        assert status == 200 and [v.lower() for v in fields["connection"]] == ["close"]
    for raw, said, expected in ((b"GET /is_up HTTP/1.0\r\n%s\r\n", b"", "close"),
                                (b"GET /is_up HTTP/1.0\r\n%s\r\n", b"Connection: keep-alive\r\n",
                                 "keep-alive"),
                                (b"GET / HTTP/1.0\r\n%s\r\n", b"", "close")):
        with connect(base) as s:
            s.sendall(raw % said)
            status, fields, _, _ = read_response(s)
            assert [v.lower() for v in fields["connection"]] == [expected], (raw, said, fields)


def test_connections_and_requests_are_limited_per_address_and_others_are_served(prosody, run_bot):
    bot, _, base = web_bot(prosody, run_bot, lti_extra="max_connections_per_address = 4\n"
                                                       "max_requests_per_address_per_minute = 30\n")
    held = [connect(base) for _ in range(4)]
    try:
        for s in held:  # each is accepted and answers
            s.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n")
            assert read_response(s)[0] == 200
        with connect(base) as fifth:
            fifth.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n")
            status, _, body, _ = read_response(fifth)
            assert status == 503 and b"too many connections" in body
        # Another address (127.0.0.2 is loopback too) is not held back.
        with connect(base, source="127.0.0.2") as other:
            other.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n")
            assert read_response(other)[0] == 200
        # A connection that closes gives its place back.
        held.pop().close()
        deadline = time.monotonic() + 30
        while True:  # until the server has seen the close (each try is a round trip)
            with connect(base) as again:
                again.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n")
                if read_response(again)[0] == 200:
                    break
            assert time.monotonic() < deadline, "the closed connection's place was not given back"
        # Requests a minute: those above were counted; the rest up to 30 pass (a new minute
        # during the test starts the count again: at most 60 more).
        statuses = []
        s = held[0]
        for _ in range(70):
            s.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n")
            response = read_response(s)
            if response is None:
                break
            statuses.append(response[0])
            if response[0] != 200:
                break
        assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
        with connect(base, source="127.0.0.2") as other:
            other.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n")
            assert read_response(other)[0] == 200
        bot.wait_for_log(r"refused before parsing: 429")
    finally:
        for s in held:
            s.close()


def test_a_slow_client_is_closed_at_the_request_timeout_while_others_are_served(prosody, run_bot):
    bot, _, base = web_bot(prosody, run_bot, lti_extra="request_timeout = 2\n")
    slow = [connect(base) for _ in range(20)]
    try:
        for s in slow:
            s.sendall(b"GET /is_up HTTP/1.1\r\nHost: b\r\nX-Slow: ")  # and never the rest
        assert requests.get(base + "/is_up", timeout=30).text == "OK"
        for s in slow:
            response = read_response(s)  # blocks until the server gives up on it
            assert response is None or response[0] == 408
            assert response is not None or closed(s)
    finally:
        for s in slow:
            s.close()
    assert bot.proc.poll() is None


def test_floods_of_big_and_broken_requests_leave_memory_where_it_was(prosody, run_bot):
    # Measured without AddressSanitizer's quarantine (see the OTR fragment test).
    asan = os.environ.get("ASAN_OPTIONS", "")
    bot, _, base = web_bot(prosody, run_bot, lti_extra="max_requests_per_address_per_minute = 0\n",
                           env={"ASAN_OPTIONS": (asan + ":" if asan else "") + "quarantine_size_mb=0"})
    body = b"x=" + b"a" * 60_000
    big_post = b"POST / HTTP/1.1\r\nHost: b\r\nContent-Type: application/x-www-form-urlencoded\r\n" \
               b"Content-Length: %d\r\n\r\n" % len(body) + body
    big_head = b"GET /is_up HTTP/1.1\r\nHost: b\r\nX-Pad: " + b"a" * 20_000 + b"\r\n\r\n"

    def flood(rounds):
        for _ in range(rounds):
            with connect(base) as s:  # a whole 60 KB launch, refused (no signature)
                s.sendall(big_post)
                assert read_response(s)[0] == 401  # not signed
            assert exchange(base, big_head)[0] == 431
            with connect(base) as s:  # half a head, then gone
                s.sendall(b"POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 60000\r\n\r\n" + b"a" * 30_000)
    flood(100)  # warms the allocators
    before = rss_kib(bot.proc.pid)
    flood(300)  # 18 MB of bodies, 6 MB of heads, 9 MB of bodies never finished
    assert requests.get(base + "/is_up", timeout=30).text == "OK"
    grown = rss_kib(bot.proc.pid) - before
    assert grown < 8 * 1024, "the bot grew by %d KiB" % grown


def test_forms_with_nul_bytes_or_broken_utf8_get_a_clear_error_and_lose_nothing(prosody, run_bot):
    from harness import fresh_account
    from lms import WebStudent, launch_params, sign
    bot, _, base = web_bot(prosody, run_bot)
    student = fresh_account(prosody, "student")
    web = WebStudent(base)
    assert web.launch(sign(base + "/", launch_params())).status_code == 200
    web.get("/enter_jid")
    for bad in ("a\x00b@localhost", "\udcff\udcfe@localhost", "a@local\x00host", "a@localhost/\x00"):
        raw = bad.encode("utf-8", "surrogateescape")
        r = web.http.post(base + "/enter_jid", data={"jid": raw, "s": web.token, "csrf": web.csrf},
                          allow_redirects=False, timeout=30)
        assert r.status_code == 400 and 'name="jid"' in r.text, (bad, r.status_code)
        assert "\x00" not in r.text
    web.post("/enter_jid", jid=student)  # the visit goes on as if nothing had happened
    assert web.last.url.split("?")[0].endswith("/jid_entered")
    assert "\x00" not in bot.log
