// A web session as JSON, for the store: a page open in a browser goes on working after a restart
// (pure; nlohmann-json).
#pragma once

#include "lti/pages/web_flow.hpp"

#include <optional>
#include <string>

namespace otrbot::lti {

/// Every field of the session and its launch (the CSRF token too: it is
/// what the open page sends back).
std::string encode_session(const web_session& s);

/// nullopt when `text` is not what encode_session writes (then the session is dropped).
std::optional<web_session> decode_session(const std::string& text);

} // namespace otrbot::lti
