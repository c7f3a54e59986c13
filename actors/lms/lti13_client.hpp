// The LTI 1.3 client: the platforms' key sets (cached, fetched again once on an unknown key id:
// key rotation) and dynamic registration. Its HTTP blocks, each request on a detached worker of
// its own: a cached set is served at once, a slow platform delays only its own launches.
#pragma once

#include "actors/contract/messages.hpp"

#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace otrbot {

using lti13_client_actor = caf::typed_actor<
  /// (key set URL, kid, registered) -> the JWKS (JSON text): the cached one when it has the kid
  /// (or was fetched in the last 10 s), else fetched (a registered platform's only from a public
  /// address); or ec::lms_unreachable.
  caf::replies_to<atoms::key_set, std::string, std::string, bool>::with<std::string>,
  /// (configuration URL, registration token, registration request JSON) -> the platform
  /// registered, or ec::lms_unreachable with why.
  caf::replies_to<atoms::register_tool, std::string, std::string, std::string>::with<lti13::platform>>;

struct lti13_client_config {
  std::chrono::seconds timeout{15};
  bool allow_private_urls = false;  ///< platforms' URLs on loopback or private addresses
  std::shared_ptr<std::atomic<bool>> stopping;
};

lti13_client_actor::behavior_type lti13_client(lti13_client_actor::pointer self,
                                               lti13_client_config cfg);

} // namespace otrbot
