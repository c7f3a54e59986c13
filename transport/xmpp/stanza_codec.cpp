// Inbound stanzas to typed events.
#include "transport/xmpp/stanza_codec.hpp"

#include "transport/xmpp/stanza_rules.hpp"

#include <strophe.h>

#include <cstring>
#include <vector>

namespace otrbot::xmpp {
namespace {

bool is(const char* value, const char* expected) { return value && std::strcmp(value, expected) == 0; }

/// Whether a message is a carbon or forwarded copy (see stanza_rules.hpp).
bool copied(xmpp_stanza_t* stanza) {
  std::vector<element_name> children;
  for (auto* c = xmpp_stanza_get_children(stanza); c; c = xmpp_stanza_get_next(c)) {
    const char* name = xmpp_stanza_get_name(c);
    const char* ns = xmpp_stanza_get_ns(c);
    if (name && xmpp_stanza_is_tag(c))
      children.push_back({name, ns ? ns : ""});
  }
  return is_copy(children);
}

inbound_event decode_message(xmpp_ctx_t* ctx, xmpp_stanza_t* stanza, const char* from) {
  const char* type = xmpp_stanza_get_type(stanza);
  if (is(type, "error") || is(type, "groupchat") || is(type, "headline"))
    return ignored{std::string{"a message of type "} + type};
  if (copied(stanza))
    return ignored{"a carbon copy or forwarded message"};
  char* body = xmpp_message_get_body(stanza);
  if (!body)
    return ignored{"a message without a body"};
  std::string text{body};
  xmpp_free(ctx, body);
  if (text.empty())
    return ignored{"a message with an empty body"};
  return inbound_message{from, std::move(text)};
}

} // namespace

inbound_event decode(xmpp_ctx_t* ctx, xmpp_stanza_t* stanza) {
  const char* name = xmpp_stanza_get_name(stanza);
  const char* from = xmpp_stanza_get_from(stanza);
  if (!from)
    return ignored{"a stanza without a sender"};
  if (is(name, "message"))
    return decode_message(ctx, stanza, from);
  if (is(name, "presence")) {
    const char* type = xmpp_stanza_get_type(stanza);
    inbound_presence p{from, type ? type : "available", {}};
    if (auto* caps = xmpp_stanza_get_child_by_ns(stanza, "http://jabber.org/protocol/caps"))
      if (const char* node = xmpp_stanza_get_attribute(caps, "node"))
        p.caps_node = node;
    return p;
  }
  return ignored{std::string{"a <"} + (name ? name : "?") + "/> stanza"};
}

} // namespace otrbot::xmpp
