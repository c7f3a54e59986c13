// The bot's picture: a PNG's signature and IHDR (PNG spec 5.2, 11.2.2), hashed and encoded by
// OpenSSL.
#include "transport/xmpp/avatar.hpp"
#include "transport/base/base64.hpp"
#include "transport/base/hex.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace otrbot::xmpp {
namespace {

constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};

std::uint32_t big_endian(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

std::string sha1_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha1(), nullptr) != 1)
    return {};
  return to_hex(md.data(), len);
}

} // namespace

std::optional<avatar> make_avatar(std::string_view png, std::string& error) {
  if (png.size() > max_avatar_bytes) {
    error = "the picture has " + std::to_string(png.size()) + " bytes; at most " +
            std::to_string(max_avatar_bytes) + " are published";
    return std::nullopt;
  }
  // The signature, then the IHDR chunk: length 13, type, width, height.
  if (png.size() < 8 + 8 + 13 || !png.starts_with(png_signature) ||
      big_endian(png, 8) != 13 || png.substr(12, 4) != "IHDR") {
    error = "not a PNG file";
    return std::nullopt;
  }
  avatar a;
  a.width = big_endian(png, 16);
  a.height = big_endian(png, 20);
  if (a.width == 0 || a.height == 0 || a.width > 1024 || a.height > 1024) {
    error = "the picture is " + std::to_string(a.width) + "x" + std::to_string(a.height) +
            " pixels; each side must be 1 to 1024 (96 to 192 shows well)";
    return std::nullopt;
  }
  a.png = std::string{png};
  a.sha1_hex = sha1_hex(png);
  a.base64 = base64::encode(png);
  if (a.sha1_hex.empty()) {
    error = "OpenSSL could not hash the picture";
    return std::nullopt;
  }
  return a;
}

} // namespace otrbot::xmpp
