// host:port parsing and the loopback test.
#include "transport/address.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::net;

TEST_CASE("host:port and [v6]:port parse") {
  CHECK(parse_host_port("127.0.0.1:5000") == host_port{"127.0.0.1", 5000});
  CHECK(parse_host_port("[::1]:514") == host_port{"::1", 514});
  CHECK(parse_host_port("logs.example.org:65535") == host_port{"logs.example.org", 65535});
}

TEST_CASE("anything else does not") {
  for (const char* bad : {"", "host", ":80", "host:", "host:0", "host:65536", "host:80x",
                          "::1:514", "[::1]514", "[::1:514"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_host_port(bad));
  }
}

TEST_CASE("loopback names and addresses") {
  for (const char* h : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"})
    CHECK(is_loopback(h));
  for (const char* h : {"example.org", "10.0.0.1", "128.0.0.1", "::2", "localhost.example.org", ""})
    CHECK_FALSE(is_loopback(h));
}
