// What libstrophe logs about the wire: credentials and messages redacted, avatars truncated.
#include "transport/xmpp/wire_log.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::xmpp;

TEST_CASE("SASL payloads are always redacted") {
  wire_log_options all{.log_user_msgs = true};
  auto line = sanitize_wire_line(
    R"(SENT: <auth mechanism="PLAIN" xmlns="urn:ietf:params:xml:ns:xmpp-sasl">AGJvdABodW50ZXIy</auth>)",
    all);
  CHECK(line.find("AGJvdABodW50ZXIy") == std::string::npos);
  CHECK(line.find("[redacted]</auth>") != std::string::npos);
  for (const char* tag : {"response", "challenge", "success", "password"}) {
    auto l = sanitize_wire_line(std::string{"<"} + tag + ">c2VjcmV0</" + tag + ">", all);
    CAPTURE(tag);
    CHECK(l.find("c2VjcmV0") == std::string::npos);
  }
}

TEST_CASE("message bodies are redacted unless log_user_msgs") {
  std::string msg = R"(RECV: <message from="s@x/r"><body xml:lang="en">my secret plan</body></message>)";
  auto hidden = sanitize_wire_line(msg, {});
  CHECK(hidden.find("my secret plan") == std::string::npos);
  CHECK(hidden.find("[message redacted]") != std::string::npos);
  CHECK(sanitize_wire_line(msg, {.log_user_msgs = true}) == msg);
}

TEST_CASE("elements with similar names and empty elements are left alone") {
  wire_log_options o;
  CHECK(sanitize_wire_line("<authority>x</authority><body/>", o) == "<authority>x</authority><body/>");
  CHECK(sanitize_wire_line("<auth></auth>", o) == "<auth></auth>");
}

TEST_CASE("a stanza cut before its closing tag is still redacted") {
  auto l = sanitize_wire_line("<message><body>half of a secret", {});
  CHECK(l.find("secret") == std::string::npos);
}

TEST_CASE("avatar data is truncated") {
  std::string data(5000, 'A');
  auto l = sanitize_wire_line("<data xmlns='urn:xmpp:avatar:data'>" + data + "</data>",
                              {.avatar_keep = 10});
  CHECK(l.size() < 200);
  CHECK(l.find("4990 bytes truncated") != std::string::npos);
  auto v = sanitize_wire_line("<BINVAL>" + data + "</BINVAL>", {.avatar_keep = 10});
  CHECK(v.find("4990 bytes truncated") != std::string::npos);
}

TEST_CASE("very long lines are cut") {
  auto l = sanitize_wire_line(std::string(20000, 'x'), {.max_line = 100});
  CHECK(l.size() < 200);
  CHECK(l.find("19900 bytes truncated") != std::string::npos);
}

TEST_CASE("OpenSSL reasons that mean the TLS policy was not met") {
  CHECK(is_tls_policy_reason("error:0A00042E:SSL routines::tlsv1 alert protocol version"));
  CHECK(is_tls_policy_reason("error:0A0000C1:SSL routines::no shared cipher"));
  CHECK(is_tls_policy_reason("error:0A000410:SSL routines::sslv3 alert handshake failure"));
  CHECK_FALSE(is_tls_policy_reason("error:0A000086:SSL routines::certificate verify failed"));
  CHECK_FALSE(is_tls_policy_reason("error:0A000126:SSL routines::unexpected eof while reading"));
}
