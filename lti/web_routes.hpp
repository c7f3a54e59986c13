// The web actor's handlers, a file per area (pages in web.cpp, the launch, the admin API);
// internal to lti/.
#pragma once

#include "lti/web.hpp"

#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include <cstdint>

namespace otrbot::web_routes {

using web_ptr = web_actor::stateful_pointer<web_state>;
using reply = caf::typed_response_promise<lti::web_response>;

std::int64_t unix_now();

/// A new web session for a launch (expired ones are dropped).
lti::web_session create_session(web_ptr self, lti::launch l);

/// POST /: an LTI 1.1 launch. GET /: the index in development mode, else a refusal.
caf::result<lti::web_response> launch(web_ptr self, const lti::web_request& r);
caf::result<lti::web_response> dev_index(web_ptr self, const lti::web_request& r);

/// /admin/...: the admin REST API (JSON, bearer token).
caf::result<lti::web_response> admin(web_ptr self, const lti::web_request& r);

} // namespace otrbot::web_routes
