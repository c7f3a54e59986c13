// The TLS policy through OpenSSL's configuration (libstrophe has no API for it).
#include "transport/net/openssl_policy.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string_view>

namespace otrbot::xmpp {
namespace {

struct ctx_free {
  void operator()(SSL_CTX* c) const noexcept { SSL_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<SSL_CTX, ctx_free>;

int version_number(const std::string& name) {
  return name == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
}

} // namespace

std::optional<policy_error> apply_tls_policy(const tls_policy& policy,
                                             const std::vector<std::string>& cipher_list) {
  char path[] = "/tmp/otrbot-openssl-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0)
    return policy_error{false, "cannot write the OpenSSL policy file in /tmp"};
  auto text = openssl_config_text(policy);
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) {
    ::unlink(path);
    return policy_error{false, "cannot write the OpenSSL policy file in /tmp"};
  }
  auto* settings = OPENSSL_INIT_new();
  OPENSSL_INIT_set_config_filename(settings, path);
  int ok = OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, settings);
  OPENSSL_INIT_free(settings);
  ::unlink(path);
  if (!ok)
    return policy_error{false, "OpenSSL refused the TLS policy configuration"};
  ERR_clear_error();

  // Every name must mean something to OpenSSL: an unknown one would be
  // dropped silently from a cipher string.
  ctx_ptr scratch{SSL_CTX_new(TLS_client_method())};
  if (!scratch)
    return policy_error{false, "OpenSSL cannot create a TLS context"};
  for (const auto& name : cipher_list) {
    int known = name.starts_with("TLS_") ? SSL_CTX_set_ciphersuites(scratch.get(), name.c_str())
                                         : SSL_CTX_set_cipher_list(scratch.get(), name.c_str());
    if (!known) {
      ERR_clear_error();
      return policy_error{true, "xmpp.cipher_list: OpenSSL does not know the cipher \"" + name +
                                  "\" (see `openssl ciphers -v`)"};
    }
  }

  // What a context created now (as libstrophe will) actually allows.
  ctx_ptr fresh{SSL_CTX_new(TLS_client_method())};
  if (!fresh)
    return policy_error{false, "OpenSSL cannot create a TLS context"};
  if (SSL_CTX_get_min_proto_version(fresh.get()) != version_number(policy.min_protocol))
    return policy_error{false, "OpenSSL did not apply the minimum TLS version " +
                                 policy.min_protocol};
  std::set<std::string> allowed(cipher_list.begin(), cipher_list.end());
  bool restrict_13 = !policy.ciphersuites.empty();
  auto* ciphers = SSL_CTX_get_ciphers(fresh.get());
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    std::string name = SSL_CIPHER_get_name(c);
    bool is_13 = std::string_view{SSL_CIPHER_get_version(c)} == "TLSv1.3";
    if ((is_13 && restrict_13 && !allowed.contains(name)) || (!is_13 && !allowed.contains(name)))
      return policy_error{false, "OpenSSL still allows the cipher " + name +
                                   ", which xmpp.cipher_list does not name"};
  }
  return std::nullopt;
}

} // namespace otrbot::xmpp
