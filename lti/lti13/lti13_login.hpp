// An LTI 1.3 login under way, kept by nobody (pure): everything its launch needs is sealed into
// the OIDC state the platform hands back, so a flood of logins that never come back costs the
// bot no memory. The nonce and the browser's binding are derived from the state's id with a key
// only the bot has; the nonce is remembered once used (a replay finds it).
#pragma once

#include "lti/lti13/lti13.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::lti13 {

/// login_hint and lti_message_hint go into the state (to ask the platform again from a new
/// window when the browser kept no binding) when together at most this long; the URL to the
/// platform carries them twice then.
constexpr std::size_t max_carried_hints = 1536;

struct login_state {
  std::string id;  ///< random (128 bits, hex): names the binding's cookie
  platform_id platform;
  std::int64_t expires = 0;  ///< Unix time
  /// iss, client_id, target_link_uri, lti_deployment_id and lti_storage_target always; the two
  /// hints only when `carried`.
  login_request request;
  bool carried = false;
};

/// A new login's state for `request` on `platform`, valid for login_lifetime from `now`.
login_state new_login(const platform& p, const login_request& request, std::int64_t now);

/// The state parameter: the login sealed with `key` (lti::seal).
std::string seal_login(const login_state& s, std::string_view key);

/// The login of a state the bot sealed with `key`, not expired at `now`; nullopt otherwise.
std::optional<login_state> open_login(std::string_view state, std::string_view key,
                                      std::int64_t now);

/// The login's nonce (sent to the platform, expected in the id_token) and its binding (kept by
/// the browser in a cookie or the platform's storage): derived from the id, unguessable without
/// `key`, different from each other.
std::string login_nonce(std::string_view key, std::string_view id);
std::string login_bind(std::string_view key, std::string_view id);

} // namespace otrbot::lti13
