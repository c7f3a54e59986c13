#include "transport/xmpp/attempt_notes.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::xmpp;

TEST_CASE("a SASL refusal in the log is an authentication failure, with its line as detail") {
  attempt_notes n;
  n.note("xmpp", "RECV: <failure xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><not-authorized/></failure>");
  CHECK(n.classify(false) == failure::auth_refused);
  CHECK(n.detail(failure::auth_refused).find("not-authorized") != std::string::npos);
}

TEST_CASE("a certificate failure wins over what else was noted, and says why") {
  attempt_notes n;
  n.note("tls", "error:0A000086:SSL routines::certificate verify failed");
  n.cert_failed("self-signed certificate");
  CHECK(n.classify(false) == failure::cert_untrusted);
  CHECK(n.detail(failure::cert_untrusted) == "self-signed certificate");
  CHECK(is_fatal(failure::cert_untrusted));
}

TEST_CASE("a TLS policy reason from OpenSSL is a policy failure; its line is the detail") {
  attempt_notes n;
  n.note("tls", "error:0A00042E:SSL routines::tlsv1 alert protocol version");
  CHECK(n.classify(false) == failure::tls_policy);
  CHECK(n.detail(failure::tls_policy) == "error:0A00042E:SSL routines::tlsv1 alert protocol version");
}

TEST_CASE("a server without TLS, and nothing noted: unreachable, or closed when we asked") {
  attempt_notes n;
  CHECK(n.classify(false) == failure::unreachable);
  CHECK(n.classify(true) == failure::none);
  CHECK_FALSE(is_fatal(failure::unreachable));
  n.note("xmpp", "Server doesn't support TLS");
  CHECK(n.classify(false) == failure::tls_unavailable);
  n.clear();
  CHECK(n.classify(false) == failure::unreachable);
  CHECK(n.detail(failure::unreachable).empty());
}

TEST_CASE("lines before the session came up do not explain a later drop") {
  attempt_notes n;
  n.note("xmpp", "Cannot authenticate with known methods");
  n.clear();
  n.note("conn", "something harmless");
  n.online();
  CHECK(n.classify(false) == failure::unreachable);
  CHECK(n.detail(failure::unreachable).empty());
}
