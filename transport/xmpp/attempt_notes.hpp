// Why a connection attempt failed, told apart from what libstrophe logs during it (libstrophe
// 0.12 reports SASL and TLS refusals only through its log). Pure.
#pragma once

#include "transport/xmpp/xmpp_types.hpp"

#include <string>
#include <string_view>

namespace otrbot::xmpp {

class attempt_notes {
public:
  /// A libstrophe log line of the attempt (area such as "tls", "xmpp", "conn").
  void note(std::string_view area, std::string_view msg);
  /// The server's certificate did not verify (libstrophe's certificate-failure callback).
  void cert_failed(std::string_view why);
  /// What failed, first the most telling; `closing`: we asked for the disconnect.
  failure classify(bool closing) const;
  /// The detail for the failure: OpenSSL's reason for TLS failures, else the first line noted.
  std::string detail(failure why) const;
  /// Forget everything: a new attempt begins.
  void clear() { *this = attempt_notes{}; }
  /// The session is up: what was noted no longer matters.
  void online() { first_.clear(); }

private:
  void remember(bool& flag, std::string_view msg);
  bool cert_failure_ = false;
  bool auth_failure_ = false;
  bool tls_failure_ = false;
  bool no_tls_ = false;
  std::string first_;
  std::string ssl_reason_;
};

} // namespace otrbot::xmpp
