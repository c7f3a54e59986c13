// LTI Assignment and Grade Services 2.0, the part the bot uses: an access token by the OAuth 2
// client_credentials grant with a signed JWT client assertion (RFC 7523), and a score posted to
// the launch's line item (pure; the HTTP is in actors/lms/ags_client.cpp).
#pragma once

#include "lti/wire/jose.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace otrbot::ags {

/// The client assertion: iss = sub = client_id, aud = the token URL, a unique jti, iat, and an
/// exp five minutes on; signed with the tool's key and its key id.
std::string client_assertion(const jose::key& tool_key, const std::string& key_id,
                             const std::string& client_id, const std::string& token_url,
                             const std::string& jti, std::int64_t now);

/// The token request's form body (grant_type, client_assertion_type, client_assertion, scope).
std::string token_request(const std::string& assertion, const std::string& scope);

/// An access token from the token endpoint's JSON answer.
struct access_token {
  std::string value;
  std::int64_t expires_at = 0;  ///< Unix time (a minute early, so that it is not used as it ends)
};
std::optional<access_token> read_token_response(const std::string& body, std::int64_t now,
                                                std::string& why);

/// Where scores go: the line item's URL with "/scores" after its path (before any query).
std::string scores_url(const std::string& lineitem);

/// A score: userId, scoreGiven, scoreMaximum 1, activityProgress Completed, gradingProgress
/// FullyGraded, timestamp (ISO 8601 with milliseconds, UTC).
std::string score_body(const std::string& user_id, double score, std::int64_t unix_millis);

/// The score's media type.
inline constexpr const char* score_media_type = "application/vnd.ims.lis.v1.score+json";

} // namespace otrbot::ags
