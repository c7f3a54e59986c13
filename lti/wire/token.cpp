// Web session tokens.
#include "lti/wire/token.hpp"
#include "transport/base/hex.hpp"

#include "lti/wire/jose.hpp"
#include "lti/wire/oauth1.hpp"
#include "transport/base/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>
#include <vector>

#include <charconv>

namespace otrbot::lti {
namespace {

std::string mac(std::string_view data, std::string_view key) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return to_hex(out, len);
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
