// The bot's identity stanzas (XEP-0030, XEP-0092, XEP-0054/0153, XEP-0084), built with libstrophe.
#include "transport/xmpp/xmpp_identity.hpp"


namespace otrbot::xmpp {
namespace {

constexpr const char* ns_disco_info = "http://jabber.org/protocol/disco#info";
constexpr const char* ns_version = "jabber:iq:version";
constexpr const char* ns_vcard = "vcard-temp";
constexpr const char* ns_vcard_update = "vcard-temp:x:update";
constexpr const char* ns_pubsub = "http://jabber.org/protocol/pubsub";
constexpr const char* ns_avatar_data = "urn:xmpp:avatar:data";
constexpr const char* ns_avatar_metadata = "urn:xmpp:avatar:metadata";

/// An empty result to `request`, addressed back to its sender.
stanza_ptr result_to(xmpp_ctx_t* ctx, xmpp_stanza_t* request) {
  const char* id = xmpp_stanza_get_id(request);
  stanza_ptr iq{xmpp_iq_new(ctx, "result", id ? id : "")};
  if (const char* from = xmpp_stanza_get_from(request))
    xmpp_stanza_set_to(iq.get(), from);
  return iq;
}

/// <iq type='set'><pubsub><publish node=…><item id=…>payload</item></publish></pubsub></iq>.
stanza_ptr publish(xmpp_ctx_t* ctx, const std::string& id, const char* node,
                   const std::string& item_id, const stanza_ptr& payload) {
  stanza_ptr iq{xmpp_iq_new(ctx, "set", id.c_str())};
  auto pubsub = element(ctx, "pubsub", ns_pubsub);
  auto pub = element(ctx, "publish");
  xmpp_stanza_set_attribute(pub.get(), "node", node);
  auto item = element(ctx, "item");
  xmpp_stanza_set_attribute(item.get(), "id", item_id.c_str());
  add(item.get(), payload);
  add(pub.get(), item);
  add(pubsub.get(), pub);
  add(iq.get(), pubsub);
  return iq;
}

} // namespace

const std::vector<std::string>& features() {
  static const std::vector<std::string> all{
    "http://jabber.org/protocol/disco#info", "jabber:iq:version", "urn:xmpp:ping"};
  return all;
}

stanza_ptr disco_info_answer(xmpp_ctx_t* ctx, xmpp_stanza_t* request, const identity& me) {
  auto* asked = xmpp_stanza_get_child_by_ns(request, ns_disco_info);
  const char* node = asked ? xmpp_stanza_get_attribute(asked, "node") : nullptr;
  if (node && *node)
    return stanza_ptr{xmpp_stanza_reply_error(request, "cancel", "item-not-found", nullptr)};
  auto iq = result_to(ctx, request);
  auto query = element(ctx, "query", ns_disco_info);
  auto who = element(ctx, "identity");
  xmpp_stanza_set_attribute(who.get(), "category", "client");
  xmpp_stanza_set_attribute(who.get(), "type", "bot");
  const auto& name = me.nickname.empty() ? me.software : me.nickname;
  xmpp_stanza_set_attribute(who.get(), "name", name.c_str());
  add(query.get(), who);
  for (const auto& f : features()) {
    auto feature = element(ctx, "feature");
    xmpp_stanza_set_attribute(feature.get(), "var", f.c_str());
    add(query.get(), feature);
  }
  add(iq.get(), query);
  return iq;
}

stanza_ptr version_answer(xmpp_ctx_t* ctx, xmpp_stanza_t* request, const identity& me) {
  auto iq = result_to(ctx, request);
  auto query = element(ctx, "query", ns_version);
  add_text_child(ctx, query.get(), "name", me.software);
  if (!me.version.empty())
    add_text_child(ctx, query.get(), "version", me.version);
  add(iq.get(), query);
  return iq;
}

stanza_ptr vcard_set(xmpp_ctx_t* ctx, const std::string& id, const identity& me) {
  stanza_ptr iq{xmpp_iq_new(ctx, "set", id.c_str())};
  auto card = element(ctx, "vCard", ns_vcard);
  if (!me.nickname.empty()) {
    add_text_child(ctx, card.get(), "FN", me.nickname);
    add_text_child(ctx, card.get(), "NICKNAME", me.nickname);
  }
  if (me.picture) {
    auto photo = element(ctx, "PHOTO");
    add_text_child(ctx, photo.get(), "TYPE", "image/png");
    add_text_child(ctx, photo.get(), "BINVAL", me.picture->base64);
    add(card.get(), photo);
  }
  add(iq.get(), card);
  return iq;
}

stanza_ptr avatar_data_publish(xmpp_ctx_t* ctx, const std::string& id, const avatar& a) {
  auto data = element(ctx, "data", ns_avatar_data);
  stanza_ptr text{xmpp_stanza_new(ctx)};
  xmpp_stanza_set_text(text.get(), a.base64.c_str());
  add(data.get(), text);
  return publish(ctx, id, ns_avatar_data, a.sha1_hex, data);
}

stanza_ptr avatar_metadata_publish(xmpp_ctx_t* ctx, const std::string& id, const avatar& a) {
  auto metadata = element(ctx, "metadata", ns_avatar_metadata);
  auto info = element(ctx, "info");
  xmpp_stanza_set_attribute(info.get(), "bytes", std::to_string(a.png.size()).c_str());
  xmpp_stanza_set_attribute(info.get(), "id", a.sha1_hex.c_str());
  xmpp_stanza_set_attribute(info.get(), "type", "image/png");
  xmpp_stanza_set_attribute(info.get(), "width", std::to_string(a.width).c_str());
  xmpp_stanza_set_attribute(info.get(), "height", std::to_string(a.height).c_str());
  add(metadata.get(), info);
  return publish(ctx, id, ns_avatar_metadata, a.sha1_hex, metadata);
}

void decorate_available(xmpp_ctx_t* ctx, xmpp_stanza_t* presence, const identity& me) {
  if (!me.status.empty() && !xmpp_stanza_get_child_by_name(presence, "status"))
    add_text_child(ctx, presence, "status", me.status);
  auto update = element(ctx, "x", ns_vcard_update);
  auto photo = element(ctx, "photo");
  if (me.picture) {
    stanza_ptr hash{xmpp_stanza_new(ctx)};
    xmpp_stanza_set_text(hash.get(), me.picture->sha1_hex.c_str());
    add(photo.get(), hash);
  }
  add(update.get(), photo);
  add(presence, update);
}

} // namespace otrbot::xmpp
