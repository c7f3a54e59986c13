// Web session tokens.
#include "lti/wire/token.hpp"
#include "transport/base/hex.hpp"

#include "lti/wire/jose.hpp"
#include "lti/wire/oauth1.hpp"
#include "transport/base/secrets.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include <charconv>

namespace otrbot::lti {
namespace {

/// An HMAC-SHA256 context set up with one key, copied for each MAC.
class keyed_mac {
public:
  explicit keyed_mac(std::string_view key) : key_(key) {
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
    EVP_MAC_free(hmac);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_END};
    if (!ctx_ || EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                              params) != 1) {
      EVP_MAC_CTX_free(ctx_);
      throw std::runtime_error("OpenSSL could not set up HMAC-SHA256");
    }
  }
  ~keyed_mac() {
    EVP_MAC_CTX_free(ctx_);
    OPENSSL_cleanse(key_.data(), key_.size());
  }
  keyed_mac(const keyed_mac&) = delete;
  keyed_mac& operator=(const keyed_mac&) = delete;

  bool has_key(std::string_view key) const {
    return key.size() == key_.size() && CRYPTO_memcmp(key.data(), key_.data(), key.size()) == 0;
  }
  std::string hex(std::string_view data) const {
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(ctx_);
    bool ok = ctx && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()),
                                    data.size()) == 1 &&
              EVP_MAC_final(ctx, out, &len, sizeof out) == 1;
    EVP_MAC_CTX_free(ctx);
    if (!ok)
      throw std::runtime_error("OpenSSL could not compute an HMAC-SHA256");
    return to_hex(out, len);
  }

private:
  std::string key_;
  EVP_MAC_CTX* ctx_ = nullptr;
};

/// HMAC-SHA256 of `data` under `key`, in hex. OpenSSL 3's one-shot HMAC() looks the algorithm
/// up in its provider at every call, most of a page token's cost: each thread keeps a context
/// per key it used (a handful: the store's token key, LTI 1.3's state and invite keys).
std::string mac(std::string_view data, std::string_view key) {
  thread_local std::vector<std::unique_ptr<keyed_mac>> keyed;
  for (const auto& k : keyed)
    if (k->has_key(key))
      return k->hex(data);
  if (keyed.size() >= 8)
    keyed.erase(keyed.begin());
  keyed.push_back(std::make_unique<keyed_mac>(key));
  return keyed.back()->hex(data);
}

/// "<payload>.<mac>": the payload when the MAC is its HMAC under `key` (constant time).
std::optional<std::string_view> checked_payload(std::string_view text, std::string_view key) {
  auto last = text.rfind('.');
  if (last == std::string_view::npos)
    return std::nullopt;
  auto payload = text.substr(0, last);
  auto given = text.substr(last + 1);
  auto expected = mac(payload, key);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0)
    return std::nullopt;
  return payload;
}

} // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  secrets::system_random(buf.data(), buf.size());
  return to_hex(buf.data(), buf.size());
}

std::string random_word(std::size_t letters) {
  return secrets::make_code(std::string(letters, 'X'), secrets::system_random);
}

std::string make_token(std::string_view id, std::int64_t expiry, std::string_view key) {
  auto payload = std::string{id} + "." + std::to_string(expiry);
  return payload + "." + mac(payload, key);
}

std::string keyed_hex(std::string_view key, std::string_view data) { return mac(data, key); }

std::string seal(std::string_view payload, std::string_view key) {
  auto text = jose::base64url_encode(payload);
  return text + "." + mac(text, key);
}

std::optional<std::string> unseal(std::string_view sealed, std::string_view key) {
  auto text = checked_payload(sealed, key);
  if (!text)
    return std::nullopt;
  return jose::base64url_decode(*text);
}

std::optional<std::string> read_token(std::string_view token, std::string_view key,
                                      std::int64_t now) {
  auto checked = checked_payload(token, key);
  if (!checked)
    return std::nullopt;
  auto payload = *checked;
  auto dot = payload.rfind('.');
  if (dot == std::string_view::npos)
    return std::nullopt;
  std::int64_t expiry = 0;
  auto text = payload.substr(dot + 1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expiry);
  if (ec != std::errc{} || end != text.data() + text.size() || now >= expiry)
    return std::nullopt;
  return std::string{payload.substr(0, dot)};
}

} // namespace otrbot::lti
