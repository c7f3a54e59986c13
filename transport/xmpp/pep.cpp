#include "transport/xmpp/pep.hpp"

#include <cstring>

namespace otrbot::xmpp {
namespace {

constexpr const char* ns_pubsub = "http://jabber.org/protocol/pubsub";
constexpr const char* ns_pubsub_owner = "http://jabber.org/protocol/pubsub#owner";
constexpr const char* ns_data = "jabber:x:data";

void add_field(xmpp_ctx_t* ctx, xmpp_stanza_t* form, const char* var, const char* value,
               bool hidden = false) {
  auto field = element(ctx, "field");
  xmpp_stanza_set_attribute(field.get(), "var", var);
  if (hidden)
    xmpp_stanza_set_attribute(field.get(), "type", "hidden");
  add_text_child(ctx, field.get(), "value", value);
  add(form, field);
}

/// A submitted data form (XEP-0004) of `form_type` asking for the open access model.
stanza_ptr open_access_form(xmpp_ctx_t* ctx, const char* form_type) {
  auto form = element(ctx, "x", ns_data);
  xmpp_stanza_set_attribute(form.get(), "type", "submit");
  add_field(ctx, form.get(), "FORM_TYPE", form_type, true);
  add_field(ctx, form.get(), "pubsub#access_model", "open");
  return form;
}

} // namespace

stanza_ptr pep_publish_open(xmpp_ctx_t* ctx, const std::string& id, const pep_item& item) {
  stanza_ptr payload{xmpp_stanza_new_from_string(ctx, item.payload_xml.c_str())};
  if (!payload)
    return nullptr;
  stanza_ptr iq{xmpp_iq_new(ctx, "set", id.c_str())};
  auto pubsub = element(ctx, "pubsub", ns_pubsub);
  auto pub = element(ctx, "publish");
  xmpp_stanza_set_attribute(pub.get(), "node", item.node.c_str());
  auto it = element(ctx, "item");
  xmpp_stanza_set_attribute(it.get(), "id", item.item_id.c_str());
  add(it.get(), payload);
  add(pub.get(), it);
  add(pubsub.get(), pub);
  auto options = element(ctx, "publish-options");
  add(options.get(), open_access_form(ctx, "http://jabber.org/protocol/pubsub#publish-options"));
  add(pubsub.get(), options);
  add(iq.get(), pubsub);
  return iq;
}

stanza_ptr pep_configure_open(xmpp_ctx_t* ctx, const std::string& id, const std::string& node) {
  stanza_ptr iq{xmpp_iq_new(ctx, "set", id.c_str())};
  auto pubsub = element(ctx, "pubsub", ns_pubsub_owner);
  auto configure = element(ctx, "configure");
  xmpp_stanza_set_attribute(configure.get(), "node", node.c_str());
  add(configure.get(), open_access_form(ctx, "http://jabber.org/protocol/pubsub#node_config"));
  add(pubsub.get(), configure);
  add(iq.get(), pubsub);
  return iq;
}

stanza_ptr pep_items_get(xmpp_ctx_t* ctx, const std::string& id, const pep_query& q) {
  stanza_ptr iq{xmpp_iq_new(ctx, "get", id.c_str())};
  xmpp_stanza_set_to(iq.get(), q.to.c_str());
  auto pubsub = element(ctx, "pubsub", ns_pubsub);
  auto items = element(ctx, "items");
  xmpp_stanza_set_attribute(items.get(), "node", q.node.c_str());
  xmpp_stanza_set_attribute(items.get(), "max_items", "1");
  add(pubsub.get(), items);
  add(iq.get(), pubsub);
  return iq;
}

std::string pep_first_payload(xmpp_ctx_t* ctx, xmpp_stanza_t* result, std::size_t limit) {
  const char* type = xmpp_stanza_get_type(result);
  if (!type || std::strcmp(type, "result") != 0)
    return {};
  auto* pubsub = xmpp_stanza_get_child_by_ns(result, ns_pubsub);
  auto* items = pubsub ? xmpp_stanza_get_child_by_name(pubsub, "items") : nullptr;
  auto* item = items ? xmpp_stanza_get_child_by_name(items, "item") : nullptr;
  xmpp_stanza_t* payload = nullptr;
  for (auto* c = item ? xmpp_stanza_get_children(item) : nullptr; c && !payload;
       c = xmpp_stanza_get_next(c))
    if (xmpp_stanza_is_tag(c))
      payload = c;
  if (!payload)
    return {};
  char* buf = nullptr;
  std::size_t len = 0;
  if (xmpp_stanza_to_text(payload, &buf, &len) != XMPP_EOK || !buf)
    return {};
  std::string xml = len <= limit ? std::string{buf, len} : std::string{};
  xmpp_free(ctx, buf);
  return xml;
}

} // namespace otrbot::xmpp
