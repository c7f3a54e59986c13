// OAuth 1.0a (RFC 5849) HMAC-SHA1: signature base strings, signing and verification (pure).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace otrbot::lti {

using param = std::pair<std::string, std::string>;
using params = std::vector<param>;

/// RFC 3986 percent-encoding as OAuth requires it (section 3.6): everything
/// but ALPHA, DIGIT, '-', '.', '_', '~' is encoded, in upper-case hex.
std::string percent_encode(std::string_view s);

/// Decodes %XX and, for form bodies (`plus_is_space`), '+'. nullopt-like:
/// an invalid escape makes `ok` false.
std::string percent_decode(std::string_view s, bool plus_is_space, bool& ok);

/// Parses application/x-www-form-urlencoded text (or a query string) into
/// decoded name/value pairs, in order, repeated names kept.
bool parse_form(std::string_view text, params& out);

/// The base string URI (RFC 5849 3.4.1.2): scheme and host in lower case,
/// the port only when it is not the scheme's default, the path, no query.
std::string base_string_uri(std::string_view scheme, std::string_view host_and_port,
                            std::string_view path);

/// The signature base string (RFC 5849 3.4.1): METHOD&uri&normalised
/// parameters (query and body parameters and the oauth_* ones, without
/// oauth_signature; encoded, sorted by name then value).
std::string signature_base_string(std::string_view method, std::string_view base_uri,
                                  const params& all);

/// HMAC-SHA1 of the base string with key encode(consumer_secret)&encode(token_secret),
/// base64-encoded (RFC 5849 3.4.2).
std::string hmac_sha1(const std::string& base_string, std::string_view consumer_secret,
                      std::string_view token_secret = {});

/// Whether the oauth_signature among `all` matches, compared in constant time.
bool verify_hmac_sha1(std::string_view method, std::string_view base_uri, const params& all,
                      std::string_view consumer_secret);

/// The value of the first parameter called `name`, or empty.
std::string value_of(const params& all, std::string_view name);

/// How many parameters are called `name`.
std::size_t count_of(const params& all, std::string_view name);

/// base64(SHA-1(body)): the oauth_body_hash of a request body.
std::string body_hash(std::string_view body);

/// An Authorization header for a signed request (RFC 5849 3.5.1) with a
/// body hash: what an LMS outcome service expects. Nonce and timestamp are
/// given, so that signing is deterministic and testable.
std::string authorization_header(std::string_view method, std::string_view url,
                                 std::string_view body, std::string_view consumer_key,
                                 std::string_view consumer_secret, std::string_view nonce,
                                 long long timestamp);

} // namespace otrbot::lti
