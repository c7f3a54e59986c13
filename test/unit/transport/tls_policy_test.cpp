// The TLS policy as OpenSSL configuration.
#include "transport/net/tls_policy.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::xmpp;

TEST_CASE("TLS 1.2 ciphers go to CipherString; TLS 1.3 suites stay at the defaults") {
  auto p = make_tls_policy("TLSv1.2", {"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"});
  REQUIRE(p);
  CHECK(p->min_protocol == "TLSv1.2");
  CHECK(p->cipher_string == "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256");
  CHECK(p->ciphersuites.empty());
  auto text = openssl_config_text(*p);
  CHECK(text.find("MinProtocol = TLSv1.2\n") != std::string::npos);
  CHECK(text.find("CipherString = ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256\n") !=
        std::string::npos);
  CHECK(text.find("Ciphersuites") == std::string::npos);
  CHECK(text.find("system_default") != std::string::npos);
}

TEST_CASE("named TLS 1.3 suites restrict TLS 1.3 to them") {
  auto p = make_tls_policy("TLSv1.2", {"ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384"});
  CHECK(p->ciphersuites == "TLS_AES_256_GCM_SHA384");
  CHECK(openssl_config_text(*p).find("Ciphersuites = TLS_AES_256_GCM_SHA384\n") != std::string::npos);
}

TEST_CASE("only TLS 1.3 suites make TLS 1.3 the minimum") {
  auto p = make_tls_policy("TLSv1.2", {"TLS_CHACHA20_POLY1305_SHA256"});
  CHECK(p->min_protocol == "TLSv1.3");
  CHECK(p->cipher_string.empty());
}

TEST_CASE("an unknown version gives no policy") {
  CHECK_FALSE(make_tls_policy("TLSv1.1", {"X"}));
  CHECK(make_tls_policy("TLSv1.3", {"X"})->min_protocol == "TLSv1.3");
}
