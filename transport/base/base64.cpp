// Base64 over OpenSSL's EVP block codec (see base64.hpp).
#include "transport/base/base64.hpp"

#include <openssl/evp.h>

namespace otrbot::base64 {

std::string encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '/';
    if (c == '=' && i + 2 >= text.size() && (padding > 0 || i + 1 == text.size() || text[i + 1] == '='))
      ++padding;
    else if (!letter || padding > 0)
      return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) < padding)
    return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);
  if (encode(out) != text)  // stray bits: another spelling of the same bytes
    return std::nullopt;
  return out;
}

} // namespace otrbot::base64
