// The TLS policy of design.md as an OpenSSL configuration (pure).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace otrbot::xmpp {

/// The effective policy: what OpenSSL is told.
struct tls_policy {
  std::string min_protocol;      ///< "TLSv1.2" or "TLSv1.3"
  std::string cipher_string;     ///< TLS 1.2 ciphers, ':'-joined ("" when none)
  std::string ciphersuites;      ///< TLS 1.3 suites, ':'-joined ("" = OpenSSL's defaults)
};

/// Splits `cipher_list` into TLS 1.2 ciphers and TLS 1.3 suites (names that
/// start with "TLS_"). TLS 1.3 suites stay at OpenSSL's defaults (all AEAD
/// with forward secrecy) unless the list names some, then only those. When
/// the list names only TLS 1.3 suites, the minimum becomes TLS 1.3 (nothing
/// would be left for TLS 1.2). Returns nullopt for an unknown `tls_version`.
std::optional<tls_policy> make_tls_policy(const std::string& tls_version,
                                          const std::vector<std::string>& cipher_list);

/// An OpenSSL configuration file that applies the policy to every SSL_CTX the
/// process creates (the `system_default` section of ssl_conf).
std::string openssl_config_text(const tls_policy& policy);

} // namespace otrbot::xmpp
