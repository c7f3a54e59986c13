// LTI Dynamic Registration 1.0 (pure): the platform's OpenID configuration read and checked,
// the tool's registration request, and the platform it makes from the answer. The HTTP is in
// actors/lms/lti13_client.cpp.
#pragma once

#include "lti/lti13/lti13.hpp"

#include <optional>
#include <string>

namespace otrbot::registration {

/// What the tool needs of the platform's OpenID configuration.
struct platform_configuration {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string registration_endpoint;
  std::string product_family_code;  ///< e.g. "moodle", "canvas" (for the log)
  std::string configuration_host;   ///< the host it was fetched from
};

/// Canvas's issuers: one for all its schools.
inline constexpr const char* canvas_issuers[] = {"https://canvas.instructure.com",
                                                 "https://canvas.beta.instructure.com",
                                                 "https://canvas.test.instructure.com"};

/// Reads the configuration fetched from `configuration_url`: every endpoint present, RS256 among
/// the id_token algorithms when they are listed, and the issuer's host the URL's host (for
/// Canvas's issuers: the registration endpoint's), so that one platform cannot register under
/// another's name. nullopt and `why` otherwise.
std::optional<platform_configuration> read_configuration(const std::string& body,
                                                         const std::string& configuration_url,
                                                         std::string& why);

/// What the tool says about itself.
struct tool_description {
  std::string public_url;  ///< the bot's base URL (no trailing slash)
  std::string name;        ///< bot.format_strings.bot_title
  std::string description;
  std::string logo_url;    ///< "" for none
};

/// The registration request's JSON (OpenID Connect Dynamic Client Registration with the
/// lti-tool-configuration claim): login and launch URLs, the JWKS URL, the score scope.
std::string registration_request(const tool_description& tool);

/// The platform registered: client_id from the answer, endpoints from the configuration, the
/// deployment the answer names (others are accepted and recorded, as for an empty
/// deployment_ids). nullopt and `why` when the answer has no client_id.
std::optional<lti13::platform> registered_platform(const platform_configuration& config,
                                                   const std::string& answer, std::string& why);

/// Why a registered platform may not be added to `all` ("" when it may): a registration never
/// replaces a platform (the same issuer and client_id), never adds a client to an issuer set
/// by hand, and adds one to another registration's issuer only from the same configuration host.
std::string conflict(const lti13::platforms& all, const lti13::platform& candidate);

using lti13::url_host;

} // namespace otrbot::registration
