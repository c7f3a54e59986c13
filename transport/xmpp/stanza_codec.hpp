// Inbound stanzas to typed events: what a <message/> or <presence/> means to the bot (RFC 6121
// 4 and 5; XEP-0280 carbons and XEP-0297 forwards are copies). No connection needed.
#pragma once

#include "transport/xmpp/xmpp_types.hpp"

#include <string>
#include <variant>

struct _xmpp_ctx_t;
struct _xmpp_stanza_t;

namespace otrbot::xmpp {

/// A stanza the bot does not act on, and why (for the debug log).
struct ignored {
  std::string why;
};

using inbound_event = std::variant<ignored, inbound_message, inbound_presence>;

/// Decodes a <message/> (chat or normal, with a non-empty body, not a copy)
/// or a <presence/> (type "available" when it has none). `ctx` is the
/// libstrophe context that owns `stanza`.
inbound_event decode(_xmpp_ctx_t* ctx, _xmpp_stanza_t* stanza);

/// Adds an encrypted element (legacy OMEMO's <encrypted>, as XML text) to an outgoing message,
/// with the hints that go with it: store it (XEP-0334, for offline storage and archives) and
/// which encryption it is (XEP-0380, for programs without OMEMO). False when `xml` is not one
/// well-formed element (nothing is added then).
bool add_encrypted(_xmpp_ctx_t* ctx, _xmpp_stanza_t* message, const std::string& xml);

} // namespace otrbot::xmpp
