#include "lti/wire/client_limits.hpp"
#include "lti/wire/http_framing.hpp"

#include <catch2/catch.hpp>

#include <string>

using otrbot::lti::client_limits;
using otrbot::lti::request_framer;

namespace {

/// The status a whole request gets at once (0: framed without error).
int status_of(const std::string& raw) {
  request_framer f;
  auto s = f.feed(raw);
  return s.error ? s.error->status : 0;
}

} // namespace

TEST_CASE("the framer ends a request where its Content-Length says, byte by byte or at once") {
  const std::string post = "POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\n\r\nhello";
  const std::string next = "GET /is_up HTTP/1.1\r\nHost: b\r\n\r\n";
  request_framer f;
  auto s = f.feed(post + next);
  CHECK(s.take == post.size());
  CHECK(s.complete);
  s = f.feed(next);
  CHECK(s.take == next.size());
  CHECK(s.complete);

  request_framer slow;  // a client sending one byte at a time: each byte goes on at once
  for (std::size_t i = 0; i < post.size(); ++i) {
    auto one = slow.feed(post.substr(i, 1));
    CHECK(one.take == 1);
    CHECK(one.complete == (i + 1 == post.size()));
    CHECK_FALSE(one.error);
  }
}

TEST_CASE("the framer refuses framings that two parsers could read differently (RFC 9112)") {
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5, 6\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 0, 0\r\n\r\n") == 0);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: +1\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 99999999999999999999\r\n\r\n") == 413);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 000000000000000000001\r\n\r\nx") == 0);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);                         // no Host
  CHECK(status_of("GET / HTTP/1.0\r\n\r\n") == 0);                           // HTTP/1.0 needs none
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == 400);   // two
  CHECK(status_of("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == 400);             // space before ':'
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") == 400);   // obs-fold
  CHECK(status_of("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == 400);           // bare CR
  CHECK(status_of("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/2\r\nHost: a\r\n\r\n") == 505);
  CHECK(status_of("BREW / HTTP/1.1\r\nHost: a\r\n\r\n") == 501);
  CHECK(status_of("NOT HTTP AT ALL\r\n\r\n") == 400);
}

TEST_CASE("the framer bounds heads and bodies") {
  request_framer small{{.max_header_bytes = 64, .max_header_fields = 2, .max_body_bytes = 4}};
  auto s = small.feed("GET / HTTP/1.1\r\nHost: b\r\nX-Long: " + std::string(100, 'a'));
  REQUIRE(s.error);
  CHECK(s.error->status == 431);
  request_framer fields{{.max_header_bytes = 1024, .max_header_fields = 2, .max_body_bytes = 4}};
  s = fields.feed("GET / HTTP/1.1\r\nHost: b\r\nA: 1\r\nB: 2\r\n\r\n");
  REQUIRE(s.error);
  CHECK(s.error->status == 431);
  request_framer body{{.max_header_bytes = 1024, .max_header_fields = 4, .max_body_bytes = 4}};
  s = body.feed("POST / HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\n\r\n");
  REQUIRE(s.error);
  CHECK(s.error->status == 413);
}

TEST_CASE("client limits count connections and requests per address, 0 meaning none") {
  client_limits limits{2, 3};
  CHECK(limits.open("192.0.2.1"));
  CHECK(limits.open("192.0.2.1"));
  CHECK_FALSE(limits.open("192.0.2.1"));
  CHECK(limits.open("192.0.2.2"));  // another address is not held back
  limits.close("192.0.2.1");
  CHECK(limits.connections("192.0.2.1") == 1);
  CHECK(limits.open("192.0.2.1"));

  CHECK(limits.request("192.0.2.1", 600));
  CHECK(limits.request("192.0.2.1", 601));
  CHECK(limits.request("192.0.2.1", 659));
  CHECK_FALSE(limits.request("192.0.2.1", 659));
  CHECK(limits.request("192.0.2.2", 659));
  CHECK(limits.request("192.0.2.1", 660));  // a new minute

  client_limits none{0, 0};
  for (int i = 0; i < 1000; ++i) {
    CHECK(none.open("192.0.2.1"));
    CHECK(none.request("192.0.2.1", 600));
  }
}
