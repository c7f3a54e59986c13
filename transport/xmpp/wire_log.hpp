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

namespace otrbot::xmpp {

/// Whether an OpenSSL error line ("error:0A00042E:SSL routines::tlsv1 alert
/// protocol version") says the handshake failed on the version or cipher
/// policy, as opposed to a broken connection or a bad certificate.
bool is_tls_policy_reason(std::string_view openssl_error_line);

} // namespace otrbot::xmpp
