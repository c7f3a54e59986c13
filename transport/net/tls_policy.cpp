// The TLS policy as OpenSSL configuration text.
#include "transport/net/tls_policy.hpp"

namespace otrbot::xmpp {

std::optional<tls_policy> make_tls_policy(const std::string& tls_version,
                                          const std::vector<std::string>& cipher_list) {
  if (tls_version != "TLSv1.2" && tls_version != "TLSv1.3")
    return std::nullopt;
  tls_policy p;
  p.min_protocol = tls_version;
  for (const auto& name : cipher_list) {
    auto& target = name.starts_with("TLS_") ? p.ciphersuites : p.cipher_string;
    if (!target.empty())
      target += ':';
    target += name;
  }
  if (p.cipher_string.empty() && !p.ciphersuites.empty())
    p.min_protocol = "TLSv1.3";
  return p;
}

std::string openssl_config_text(const tls_policy& policy) {
  std::string text =
    "# Written by otrbot: the TLS policy of its XMPP connection.\n"
    "openssl_conf = otrbot_init\n"
    "[otrbot_init]\n"
    "ssl_conf = otrbot_ssl\n"
    "[otrbot_ssl]\n"
    "system_default = otrbot_tls\n"
    "[otrbot_tls]\n";
  text += "MinProtocol = " + policy.min_protocol + "\n";
  if (!policy.cipher_string.empty())
    text += "CipherString = " + policy.cipher_string + "\n";
  if (!policy.ciphersuites.empty())
    text += "Ciphersuites = " + policy.ciphersuites + "\n";
  return text;
}

} // namespace otrbot::xmpp
