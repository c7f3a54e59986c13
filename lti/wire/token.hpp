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

/// A short word to type: `letters` random characters of the code's alphabet (no look-alikes),
/// from OpenSSL's random generator (the proof that a Jabber ID is the visitor's).
std::string random_word(std::size_t letters);

/// `payload` with a MAC: base64url(payload) "." hex HMAC-SHA256 under `key`. What the bot hands
/// out and must get back unchanged (an LTI 1.3 login's state, a registration invite), with
/// nothing kept on the server meanwhile. Not encrypted: the payload is readable.
std::string seal(std::string_view payload, std::string_view key);

/// The payload of a sealed text whose MAC is right (compared in constant time), else nullopt.
std::optional<std::string> unseal(std::string_view sealed, std::string_view key);

/// hex HMAC-SHA256 of `data` under `key` (values derived from a secret: a nonce, a binding).
std::string keyed_hex(std::string_view key, std::string_view data);

/// The id, when the token is well-formed, its MAC right (constant time)
/// and it has not expired.
std::optional<std::string> read_token(std::string_view token, std::string_view key,
                                      std::int64_t now);

} // namespace otrbot::lti
