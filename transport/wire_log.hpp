// What libstrophe logs about the wire, made safe to log: redaction and truncation (pure).
#pragma once

#include <string>
#include <string_view>

namespace otrbot::xmpp {

struct wire_log_options {
  bool log_user_msgs = false;     ///< keep message bodies (never SASL data)
  std::size_t avatar_keep = 64;   ///< characters of avatar payloads kept
  std::size_t max_line = 8192;    ///< a line longer than this is cut
};

/// Returns `line` with SASL payloads (which carry the password) and legacy
/// <password/> always redacted, message bodies redacted unless
/// log_user_msgs, avatar data (XEP-0084 <data/>, XEP-0153 <BINVAL/>)
/// truncated, and the whole line cut at max_line.
std::string sanitize_wire_line(std::string_view line, const wire_log_options& opts);

} // namespace otrbot::xmpp
