// Signed, expiring tokens for the web session inside an LMS iframe (pure; HMAC-SHA256).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::lti {

/// "<id>.<expiry>.<mac>": the web session id, its expiry (Unix time), and
/// HMAC-SHA256 over both with a key only the bot knows. Works as a cookie
/// and, where the browser blocks third-party cookies, in the pages' links.
std::string make_token(std::string_view id, std::int64_t expiry, std::string_view key);

/// `bytes` bytes from OpenSSL's random generator, as lower-case hex (ids,
/// CSRF tokens, nonces, keys); throws when no randomness is available.
std::string random_hex(std::size_t bytes);

/// The id, when the token is well-formed, its MAC right (constant time)
/// and it has not expired.
std::optional<std::string> read_token(std::string_view token, std::string_view key,
                                      std::int64_t now);

} // namespace otrbot::lti
