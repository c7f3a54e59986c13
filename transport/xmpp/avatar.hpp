// The bot's picture as XMPP publishes it (XEP-0084 and XEP-0153): checked PNG bytes, their
// SHA-1 (the avatar's id in both) and base64 (the stanzas' text). Pure but for OpenSSL's hashes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otrbot::xmpp {

struct avatar {
  std::string png;       ///< the file's bytes
  std::string sha1_hex;  ///< lower-case hex SHA-1 of png: the id (XEP-0084 4.2, XEP-0153 4.1)
  std::string base64;    ///< png in base64 without line breaks (RFC 4648 4)
  unsigned width = 0;
  unsigned height = 0;
};

/// The largest picture published: XEP-0084 advises small images, and one stanza carries it.
constexpr std::size_t max_avatar_bytes = 64 * 1024;

/// An avatar from a file's bytes, or nullopt with `error` saying why not (not a PNG, too big,
/// a width or height of 0 or over 1024).
std::optional<avatar> make_avatar(std::string_view png, std::string& error);

} // namespace otrbot::xmpp
