// Bytes as hexadecimal digits: the one encoder for digests, MACs, session ids, random tokens,
// percent-encoding and the logs' escapes (pure, header-only).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace otrbot {

/// Appends the two hex digits of `byte` (lower case, or upper case as RFC 3986's
/// percent-encoding prefers).
inline void append_hex(std::string& out, unsigned char byte, bool upper = false) {
  constexpr std::string_view lower_digits = "0123456789abcdef";
  constexpr std::string_view upper_digits = "0123456789ABCDEF";
  auto digits = upper ? upper_digits : lower_digits;
  out.push_back(digits[byte >> 4]);
  out.push_back(digits[byte & 0xf]);
}

/// The value of one hex digit (either case), -1 for any other character.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// `n` bytes as 2n lower-case hex digits.
inline std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i)
    append_hex(out, bytes[i]);
  return out;
}

inline std::string to_hex(std::string_view bytes) {
  return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

} // namespace otrbot
