// Bounds on what reaches libotr.
#include "transport/otr/otr_guard.hpp"

#include <charconv>
#include <optional>

namespace otrbot::otr {
namespace {

/// A number at the start of `s` (base 10 or 16), and the rest after `end`.
template <class T>
std::optional<T> number(std::string_view& s, char end, int base) {
  T value{};
  auto [p, err] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (err != std::errc{} || p == s.data() || p == s.data() + s.size() || *p != end)
    return std::nullopt;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()) + 1);
  return value;
}

/// The sender instance tag of an OTR v3 message "?OTR:AAM..." (its base64
/// starts with version 3, the type, then the sender's tag), or nullopt.
std::optional<std::uint32_t> v3_sender(std::string_view body) {
  constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (!body.starts_with("?OTR:") || body.size() < 5 + 12)
    return std::nullopt;
  unsigned char bytes[9] = {};
  for (std::size_t group = 0; group < 3; ++group) {  // 12 characters: 9 bytes
    std::uint32_t bits = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      auto pos = alphabet.find(body[5 + group * 4 + i]);
      if (pos == std::string_view::npos)
        return std::nullopt;
      bits = (bits << 6) | static_cast<std::uint32_t>(pos);
    }
    bytes[group * 3] = static_cast<unsigned char>(bits >> 16);
    bytes[group * 3 + 1] = static_cast<unsigned char>(bits >> 8);
    bytes[group * 3 + 2] = static_cast<unsigned char>(bits);
  }
  if (bytes[0] != 0 || bytes[1] != 3)
    return std::nullopt;
  return (std::uint32_t{bytes[3]} << 24) | (std::uint32_t{bytes[4]} << 16) |
         (std::uint32_t{bytes[5]} << 8) | std::uint32_t{bytes[6]};
}

} // namespace

refusal guard::instance(std::uint32_t tag) {
  if (instances_.contains(tag))
    return refusal::none;
  if (instances_.size() >= max_instances)
    return refusal::too_many_instances;
  instances_.insert(tag);
  return refusal::none;
}

refusal guard::admit(std::string_view body) {
  if (auto tag = v3_sender(body))
    return instance(*tag);
  // Fragments: "?OTR,k,n,piece," (v2) or "?OTR|sender|receiver,k,n,piece," (v3).
  std::string_view rest;
  std::optional<std::uint32_t> sender;
  if (body.starts_with("?OTR,")) {
    rest = body.substr(5);
  } else if (body.starts_with("?OTR|")) {
    rest = body.substr(5);
    sender = number<std::uint32_t>(rest, '|', 16);
    if (!sender || !number<std::uint32_t>(rest, ',', 16))
      return refusal::none;  // not a fragment libotr would take either
  } else {
    return refusal::none;
  }
  auto k = number<std::size_t>(rest, ',', 10);
  auto n = k ? number<std::size_t>(rest, ',', 10) : std::nullopt;
  if (!n)
    return refusal::none;  // libotr ignores a malformed fragment itself
  if (*n > max_fragments)
    return refusal::too_many_fragments;
  if (sender)
    if (auto r = instance(*sender); r != refusal::none)
      return r;
  if (*k <= 1)
    fragment_bytes_ = 0;  // a new message begins: libotr drops what it held
  fragment_bytes_ += rest.size();
  if (fragment_bytes_ > max_message_bytes) {
    fragment_bytes_ = 0;
    return refusal::too_large;
  }
  return refusal::none;
}

} // namespace otrbot::otr
