// Inbound stanzas to typed events.
#include "transport/xmpp/stanza_codec.hpp"

#include "transport/xmpp/stanza_rules.hpp"

#include <strophe.h>

#include <cstring>
#include <vector>

namespace otrbot::xmpp {
namespace {

constexpr const char* ns_legacy_omemo = "eu.siacs.conversations.axolotl";

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
  std::string element;
  if (auto* encrypted = xmpp_stanza_get_child_by_name_and_ns(stanza, "encrypted", ns_legacy_omemo)) {
    char* xml = nullptr;
    std::size_t len = 0;
    if (xmpp_stanza_to_text(encrypted, &xml, &len) == XMPP_EOK && xml) {
      element.assign(xml, len);
      xmpp_free(ctx, xml);
    }
  }
  char* body = xmpp_message_get_body(stanza);
  std::string text{body ? body : ""};
  if (body)
    xmpp_free(ctx, body);
  if (text.empty() && element.empty())
    return ignored{body ? "a message with an empty body" : "a message without a body"};
  return inbound_message{from, std::move(text), std::move(element)};
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

bool add_encrypted(xmpp_ctx_t* ctx, xmpp_stanza_t* message, const std::string& xml) {
  xmpp_stanza_t* element = xmpp_stanza_new_from_string(ctx, xml.c_str());
  if (!element)
    return false;
  xmpp_stanza_add_child_ex(message, element, 0);  // the message takes it
  auto hint = [&](const char* name, const char* ns) {
    xmpp_stanza_t* child = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(child, name);
    xmpp_stanza_set_ns(child, ns);
    xmpp_stanza_add_child_ex(message, child, 0);
    return child;
  };
  hint("store", "urn:xmpp:hints");
  auto* eme = hint("encryption", "urn:xmpp:eme:0");
  xmpp_stanza_set_attribute(eme, "namespace", ns_legacy_omemo);
  xmpp_stanza_set_attribute(eme, "name", "OMEMO");
  return true;
}

} // namespace otrbot::xmpp
