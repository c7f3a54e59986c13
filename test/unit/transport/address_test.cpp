// host:port parsing and the loopback test.
#include "transport/net/address.hpp"

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

TEST_CASE("only addresses on the public internet count as public") {
  using otrbot::net::is_public_ip;
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "2001:4860:4860::8888", "[2606:4700::1111]",
                         "172.32.0.1", "100.128.0.1"})
    CHECK(is_public_ip(ip));
  for (const char* ip : {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                         "255.255.255.255", "192.0.0.8", "::1", "::", "fe80::1", "fd00::1",
                         "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "[::1]",
                         "localhost", "lms.example.org", "", "1.2.3", "999.1.1.1"})
    CHECK_FALSE(is_public_ip(ip));
}

TEST_CASE("http and https URLs, and nothing else") {
  using otrbot::net::is_http_url;
  CHECK(is_http_url("https://lms.example.org/outcomes"));
  CHECK(is_http_url("HTTP://lms.example.org/"));
  CHECK_FALSE(is_http_url("javascript:alert(1)"));
  CHECK_FALSE(is_http_url("file:///etc/passwd"));
  CHECK_FALSE(is_http_url("gopher://x/"));
  CHECK_FALSE(is_http_url("https:/x"));
  CHECK_FALSE(is_http_url(""));
}
