// Copies versus messages (XEP-0280 carbons, XEP-0297 forwarding).
#include "transport/xmpp/stanza_rules.hpp"

#include <algorithm>

namespace otrbot::xmpp {

bool is_copy(std::span<const element_name> children) {
  return std::any_of(children.begin(), children.end(), [](const element_name& e) {
    if (e.ns == "urn:xmpp:carbons:2")
      return e.name == "received" || e.name == "sent";
    return e.ns == "urn:xmpp:forward:0" && e.name == "forwarded";
  });
}

} // namespace otrbot::xmpp
