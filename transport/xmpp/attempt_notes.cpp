// Failure classification of a connection attempt from libstrophe's log lines.
#include "transport/xmpp/attempt_notes.hpp"

#include "transport/xmpp/wire_log.hpp"

namespace otrbot::xmpp {

const char* to_string(failure f) noexcept {
  switch (f) {
    case failure::none: return "closed";
    case failure::unreachable: return "server unreachable or connection lost";
    case failure::auth_refused: return "authentication refused";
    case failure::cert_untrusted: return "server certificate not trusted";
    case failure::tls_policy: return "TLS version or cipher policy not met";
    case failure::tls_unavailable: return "the server does not offer TLS";
  }
  return "unknown";
}

bool is_fatal(failure f) noexcept {
  return f == failure::auth_refused || f == failure::cert_untrusted ||
         f == failure::tls_policy || f == failure::tls_unavailable;
}

void attempt_notes::remember(bool& flag, std::string_view msg) {
  if (first_.empty())
    first_ = msg;
  flag = true;
}

void attempt_notes::note(std::string_view area, std::string_view m) {
  bool sasl_refusal = m.find("RECV:") != m.npos && m.find("not-authorized") != m.npos &&
                      m.find("urn:ietf:params:xml:ns:xmpp-sasl") != m.npos;
  if (sasl_refusal || m.find("auth failed") != m.npos || m.find("Cannot authenticate") != m.npos)
    remember(auth_failure_, m);
  else if (m.find("doesn't support TLS") != m.npos || m.find("TLS is not supported") != m.npos)
    remember(no_tls_, m);
  else if (area == "tls" && m.starts_with("error:")) {
    // OpenSSL's own reason, e.g. "error:0A00042E:SSL routines::tlsv1 alert protocol version".
    ssl_reason_ = m;
    if (is_tls_policy_reason(m))
      tls_failure_ = true;
  }
}

void attempt_notes::cert_failed(std::string_view why) {
  cert_failure_ = true;
  first_ = why.empty() ? std::string_view{"verification failed"} : why;
}

failure attempt_notes::classify(bool closing) const {
  if (cert_failure_)
    return failure::cert_untrusted;
  if (auth_failure_)
    return failure::auth_refused;
  if (no_tls_)
    return failure::tls_unavailable;
  if (tls_failure_)
    return failure::tls_policy;
  return closing ? failure::none : failure::unreachable;
}

std::string attempt_notes::detail(failure why) const {
  if ((why == failure::cert_untrusted || why == failure::auth_refused) && !first_.empty())
    return first_;
  return ssl_reason_.empty() ? first_ : ssl_reason_;
}

} // namespace otrbot::xmpp
