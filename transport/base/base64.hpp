// Base64 (RFC 4648 section 4, with padding), strict: one spelling per byte string (pure but for
// OpenSSL's codec). XMPP's payloads (avatars, OMEMO) use it; base64url (JOSE) is built on it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otrbot::base64 {

/// `bytes` in base64, padded, without line breaks.
std::string encode(std::string_view bytes);

/// The bytes of padded base64 `text`; nullopt for anything else: a character outside the
/// alphabet, whitespace, a wrong length or padding, or stray bits in the last character.
std::optional<std::string> decode(std::string_view text);

} // namespace otrbot::base64
