// LTI 1.3 core (1EdTech LTI Core 1.3, OpenID Connect third-party initiated login): platforms,
// the login's redirect, and the id_token's validation into the same launch as LTI 1.1 (pure).
#pragma once

#include "lti/lti11/launch.hpp"
#include "lti/wire/jose.hpp"
#include "lti/wire/oauth1.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace otrbot::lti13 {

/// One registration of the tool on a platform: keyed by (issuer, client_id).
struct platform {
  std::string issuer;
  std::string client_id;
  std::string auth_login_url;  ///< the platform's OIDC authorization endpoint
  std::string auth_token_url;  ///< its OAuth 2 token endpoint (grades)
  std::string key_set_url;     ///< its JWKS
  std::set<std::string> deployment_ids;
  bool fixed_deployments = false;  ///< deployment_ids are the only ones accepted
  std::string source = "config";   ///< "config" or "registered" (dynamic registration)
  /// Registered: the host of the configuration URL it registered from (its registrations all
  /// come from there).
  std::string configuration_host;
  /// Set by hand: more hosts its AGS line items may be on (Canvas: the school's instance).
  std::set<std::string> grade_hosts;
};

using platform_id = std::pair<std::string, std::string>;  ///< (issuer, client_id)
using platforms = std::map<platform_id, platform>;

/// The host of an http(s) URL, lower case ("" when it is none).
std::string url_host(const std::string& url);

/// Whether `url` is on one of the platform's own hosts: its issuer's, its endpoints', its
/// configuration's, or a grade host set for it.
bool on_platform_host(const platform& p, const std::string& url);

/// A platform as JSON (the store keeps registered ones so), and back.
std::string encode_platform(const platform& p);
std::optional<platform> decode_platform(const std::string& json);


/// The platform for a login or launch: by (issuer, client_id), or by issuer alone when it has
/// one registration only. nullptr when none (or ambiguous).
const platform* find_platform(const platforms& all, const std::string& issuer,
                              const std::string& client_id);

/// A third-party initiated login's parameters.
struct login_request {
  std::string iss, login_hint, target_link_uri, lti_message_hint, client_id, lti_deployment_id;
  std::string lti_storage_target;  ///< LTI Platform Storage: the frame to ask, when offered
};

/// The longest parameter of a login the bot takes: real ones are a few hundred bytes (a Canvas
/// lti_message_hint, a JWT, under one KiB), and every one goes into the URL to the platform.
constexpr std::size_t max_login_field = 4096;

/// The parameters read from a GET query or POST form; nullopt and `why` without iss,
/// login_hint or target_link_uri, or with one longer than max_login_field.
std::optional<login_request> read_login(const lti::params& all, std::string& why);

/// The platform's authorization URL with the OIDC request (scope openid, response_type id_token,
/// response_mode form_post, prompt none, client_id, redirect_uri, login_hint, lti_message_hint,
/// state, nonce).
std::string auth_redirect(const platform& p, const login_request& login,
                          const std::string& redirect_uri, const std::string& state,
                          const std::string& nonce);

/// How long a login waits for its launch, and the clock skew allowed on exp and iat.
constexpr std::int64_t login_lifetime = 600;
constexpr std::int64_t leeway = 60;
/// The longest an id_token may be valid (exp - iat): platforms issue them for minutes, an hour at
/// most; a token valid for years is refused.
constexpr std::int64_t max_token_lifetime = 24 * 3600;

/// What a valid id_token says.
struct verified_launch {
  lti::launch launch;  ///< consumer_key = lti13_consumer_key(...), outcome_url = the AGS line item
  std::string deployment_id;
  std::string target_link_uri;  ///< where the platform meant the launch to go ("" when not said)
  bool new_deployment = false;  ///< not among the platform's known deployments (recorded)
};

struct launch_check {
  std::optional<verified_launch> value;
  std::optional<lti::launch_error> error;
  bool unknown_key = false;  ///< the token's kid is not in the key set: fetch it again, once
  std::string detail;        ///< the refusal, in more detail, for the log
};

/// The token's header: RS256 only (nullopt and `why` otherwise: "none", HS256, ...), and its kid.
std::optional<std::string> signing_key_id(const jose::compact& token, std::string& why);

/// Validates an id_token against its platform, the platform's JWKS and the login's nonce:
/// signature (RS256), iss, aud/azp, exp/iat (with leeway), nonce, deployment, message type,
/// version, sub, resource link and roles.
launch_check validate_id_token(const jose::compact& token, const platform& p,
                               const nlohmann::json& jwks, const std::string& expected_nonce,
                               std::int64_t now);

/// The locale of the launch_presentation claim ("" when not said). Read from unverified claims
/// too, for the language of a refusal page (choosing a language harms nothing).
std::string launch_locale(const nlohmann::json& claims);

/// The claim names (https://purl.imsglobal.org/spec/lti/claim/...).
inline constexpr const char* claim_prefix = "https://purl.imsglobal.org/spec/lti/claim/";
inline constexpr const char* ags_endpoint_claim = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
inline constexpr const char* score_scope = "https://purl.imsglobal.org/spec/lti-ags/scope/score";

} // namespace otrbot::lti13
