// Invitations to register a platform with LTI Dynamic Registration (pure). An administrator
// makes one per platform (the admin API or `otrbot lti13-invite`); the LMS's administrator types
// it on the bot's registration page (never in a URL, which proxies log). An invite is sealed
// with a key only the bot has, expires, may name the one host whose configuration it admits,
// and is used once (the store remembers used ones until they expire).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::lti13 {

/// How long an invite is good for, unless its maker says otherwise, and at most.
constexpr std::int64_t default_invite_hours = 24;
constexpr std::int64_t max_invite_hours = 30 * 24;

struct invite {
  std::string id;            ///< random (hex): what the store remembers once it is used
  std::int64_t expires = 0;  ///< Unix time
  std::string host;          ///< the configuration URL's host it admits ("" any), lower case
};

/// A new invite's text, valid until `expires`, for configurations on `host` ("" any).
std::string make_invite(std::string_view key, std::int64_t expires, const std::string& host);

/// The invite in `text` (surrounding white space ignored) when the bot sealed it with `key` and
/// it has not expired at `now`; nullopt otherwise.
std::optional<invite> read_invite(std::string_view text, std::string_view key, std::int64_t now);

/// Whether `host` may name an invite's host: a DNS name or address, no port, no scheme.
bool valid_invite_host(const std::string& host);

} // namespace otrbot::lti13
