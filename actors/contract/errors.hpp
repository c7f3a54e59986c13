// otrbot's error codes: every failure that crosses an actor boundary is one of these (CAF error
// category "otrbot"); the context of the error carries the detail (a msgid, a reason).
#pragma once

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include <cstdint>
#include <string>

namespace otrbot {

enum class ec : std::uint8_t {
  /// Not an error (CAF reserves 0).
  none = 0,
  /// The JID is not on the whitelist (the page's student was removed meanwhile).
  unknown_jid,
  /// Not a valid bare JID; the context holds why (a sentence for the page).
  invalid_jid,
  /// The shared secret from the page was refused; the context holds the reason (a msgid).
  weak_secret,
  /// The JID has no running lesson (the reference's JidNotKnown): it must say hello first.
  no_session,
  /// The XMPP gateway ended: the server refused the credentials (exit 6). Context: the detail.
  xmpp_auth_refused,
  /// The XMPP gateway ended: the server certificate is not trusted (exit 7).
  xmpp_cert_untrusted,
  /// The XMPP gateway ended: the TLS handshake failed on the version/cipher policy (exit 127).
  xmpp_tls_policy,
  /// The XMPP gateway ended: TLS is required but the server offers none (exit 127).
  xmpp_tls_unavailable,
  /// The store could not write it (the detail says why): nothing was claimed.
  not_stored,
  /// No such record in the store (a grade id).
  not_found,
  /// The whitelist holds as many JIDs from this source as it may (the context: the setting).
  whitelist_full,
  /// An LMS's endpoint (key set, configuration, registration) could not be used; context: why.
  lms_unreachable,
};

/// The CAF error category of `ec`.
inline caf::atom_value ec_category() { return caf::atom("otrbot"); }

/// An `ec` as a CAF error, with an optional detail.
inline caf::error make_error(ec x, std::string detail = {}) {
  return caf::error{static_cast<std::uint8_t>(x), ec_category(),
                    detail.empty() ? caf::message{} : caf::make_message(std::move(detail))};
}

/// Whether `e` is `x`.
inline bool is(const caf::error& e, ec x) {
  return e.category() == ec_category() && e.code() == static_cast<std::uint8_t>(x);
}

/// The detail of an `ec` error ("" when it has none).
inline std::string detail_of(const caf::error& e) {
  const auto& ctx = e.context();
  return ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : std::string{};
}

/// The name of an `ec` value, for logs.
inline const char* to_string(ec x) {
  switch (x) {
    case ec::none: return "none";
    case ec::unknown_jid: return "unknown_jid";
    case ec::invalid_jid: return "invalid_jid";
    case ec::weak_secret: return "weak_secret";
    case ec::no_session: return "no_session";
    case ec::xmpp_auth_refused: return "xmpp_auth_refused";
    case ec::xmpp_cert_untrusted: return "xmpp_cert_untrusted";
    case ec::xmpp_tls_policy: return "xmpp_tls_policy";
    case ec::xmpp_tls_unavailable: return "xmpp_tls_unavailable";
    case ec::not_stored: return "not_stored";
    case ec::not_found: return "not_found";
    case ec::lms_unreachable: return "lms_unreachable";
    case ec::whitelist_full: return "whitelist_full";
  }
  return "?";
}

} // namespace otrbot
