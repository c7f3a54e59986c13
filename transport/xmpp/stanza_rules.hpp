// Which inbound message stanzas are words sent to the bot, and which are copies (pure).
#pragma once

#include <span>
#include <string_view>

namespace otrbot::xmpp {

/// A child element of a stanza, by local name and namespace.
struct element_name {
  std::string_view name;
  std::string_view ns;
};

/// Whether a message stanza whose children are `children` is a copy of a
/// message rather than one sent to us: a XEP-0280 carbon (a <received/> or
/// <sent/> wrapper in urn:xmpp:carbons:2) or a XEP-0297 <forwarded/>
/// message. The XEP-0280 section 6 <private/> element in the same namespace
/// and the XEP-0334 hints (<no-copy/>, <no-store/>, ...) are a sender's
/// requests about copies, not copies: Profanity puts them on every OTR
/// message, and a server without mod_carbons delivers them unchanged.
bool is_copy(std::span<const element_name> children);

} // namespace otrbot::xmpp
