// OMEMO fingerprints (see fingerprint.hpp).
#include "transport/omemo/fingerprint.hpp"

#include "i18n/mark.hpp"
#include "transport/base/hex.hpp"

namespace otrbot::omemo {
namespace {

constexpr std::size_t key_bytes = 32;
constexpr std::size_t digits = 2 * key_bytes;

bool separator(char c) { return c == ' ' || c == '\t' || c == '-' || c == ':'; }

} // namespace

std::optional<fingerprint> fingerprint::of_key(std::string_view public_key) {
  if (public_key.size() == key_bytes + 1 && public_key.front() == '\x05')
    public_key.remove_prefix(1);
  if (public_key.size() != key_bytes)
    return std::nullopt;
  return fingerprint{to_hex(public_key)};
}

std::optional<fingerprint> fingerprint::parse(std::string_view typed, std::string& why) {
  std::string hex;
  for (char c : typed) {
    if (separator(c))
      continue;
    int v = hex_value(c);
    if (v < 0) {
      why = N_("a fingerprint has only the digits 0-9 and the letters a-f");
      return std::nullopt;
    }
    if (hex.size() > digits + 2) {
      why = N_("a fingerprint has 64 digits and letters");
      return std::nullopt;
    }
    hex.push_back("0123456789abcdef"[v]);
  }
  if (hex.size() == digits + 2 && hex.starts_with("05"))
    hex.erase(0, 2);  // the key type, as some programs show it
  if (hex.size() != digits) {
    why = N_("a fingerprint has 64 digits and letters");
    return std::nullopt;
  }
  return fingerprint{std::move(hex)};
}

std::string fingerprint::grouped() const {
  std::string out;
  for (std::size_t i = 0; i < hex_.size(); i += 8) {
    if (i > 0)
      out.push_back(' ');
    out.append(hex_, i, 8);
  }
  return out;
}

std::string verification_uri(std::string_view bare_jid, std::uint32_t device_id,
                             const fingerprint& fp) {
  return "xmpp:" + std::string{bare_jid} + "?omemo-sid-" + std::to_string(device_id) + "=" +
         fp.hex();
}

} // namespace otrbot::omemo
