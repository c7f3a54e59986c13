// The identity stanzas, serialised by libstrophe and read back by a strict XML parser (pugixml).
#include "transport/xmpp/avatar.hpp"
#include "transport/xmpp/xmpp_identity.hpp"

#include <catch2/catch.hpp>
#include <pugixml.hpp>

#include <fstream>
#include <iterator>

using namespace otrbot::xmpp;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

struct strophe {
  xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
  ~strophe() { xmpp_ctx_free(ctx); }
  strophe() = default;
  strophe(const strophe&) = delete;
  strophe& operator=(const strophe&) = delete;

  /// The stanza's XML, parsed strictly; fails the test when it is not well-formed.
  pugi::xml_document xml(const stanza_ptr& s) const {
    char* buf = nullptr;
    size_t len = 0;
    REQUIRE(xmpp_stanza_to_text(s.get(), &buf, &len) == XMPP_EOK);
    std::string text{buf, len};
    xmpp_free(ctx, buf);
    pugi::xml_document doc;
    auto ok = doc.load_string(text.c_str(), pugi::parse_default);
    INFO(text);
    REQUIRE(ok);
    return doc;
  }
  stanza_ptr parse(const char* xml) const { return stanza_ptr{xmpp_stanza_new_from_string(ctx, xml)}; }
};

identity bot() {
  identity me;
  me.version = "0.1.0";
  me.nickname = "Security <Tutor> & co";
  me.status = "I teach you \"OTR\"";
  std::string why;
  me.picture = make_avatar(read_file(OTRBOT_SOURCE_DIR "/docker/otrbot/avatar.png"), why);
  REQUIRE(me.picture);
  return me;
}

} // namespace

TEST_CASE("the avatar is the PNG's bytes, its SHA-1 and base64, and its size from IHDR") {
  auto png = read_file(OTRBOT_SOURCE_DIR "/docker/otrbot/avatar.png");
  std::string why;
  auto a = make_avatar(png, why);
  REQUIRE(a);
  CHECK(a->width == 96);
  CHECK(a->height == 96);
  CHECK(a->sha1_hex.size() == 40);
  CHECK(a->base64.size() == 4 * ((png.size() + 2) / 3));
  CHECK(a->base64.find('\n') == std::string::npos);
  CHECK(make_avatar(std::string_view{"abc"}, why) == std::nullopt);
  CHECK(why == "not a PNG file");
  auto huge = png;
  huge.resize(max_avatar_bytes + 1);
  CHECK_FALSE(make_avatar(huge, why));
  CHECK(why.find("at most 65536") != std::string::npos);
  auto wide = png;
  wide[16] = 0x10;  // width 0x10000060
  CHECK_FALSE(make_avatar(wide, why));
  CHECK(why.find("1 to 1024") != std::string::npos);
}

TEST_CASE("disco#info and version are answered to their sender, escaped, without an OS") {
  strophe s;
  auto me = bot();
  auto ask = s.parse("<iq type='get' id='d1' from='a@b/c' to='bot@b/x'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  auto doc = s.xml(disco_info_answer(s.ctx, ask.get(), me));
  auto iq = doc.child("iq");
  CHECK(std::string{iq.attribute("type").value()} == "result");
  CHECK(std::string{iq.attribute("id").value()} == "d1");
  CHECK(std::string{iq.attribute("to").value()} == "a@b/c");
  auto query = iq.child("query");
  CHECK(std::string{query.attribute("xmlns").value()} == "http://jabber.org/protocol/disco#info");
  auto who = query.child("identity");
  CHECK(std::string{who.attribute("category").value()} == "client");
  CHECK(std::string{who.attribute("type").value()} == "bot");
  CHECK(std::string{who.attribute("name").value()} == "Security <Tutor> & co");
  std::vector<std::string> vars;
  for (auto f : query.children("feature"))
    vars.emplace_back(f.attribute("var").value());
  CHECK(vars == features());

  auto node = s.parse("<iq type='get' id='d2' from='a@b/c'><query "
                      "xmlns='http://jabber.org/protocol/disco#info' node='x'/></iq>");
  auto refused = s.xml(disco_info_answer(s.ctx, node.get(), me));
  CHECK(std::string{refused.child("iq").attribute("type").value()} == "error");
  CHECK(refused.child("iq").child("error").child("item-not-found"));

  auto v = s.parse("<iq type='get' id='v1' from='a@b/c'><query xmlns='jabber:iq:version'/></iq>");
  auto vdoc = s.xml(version_answer(s.ctx, v.get(), me));
  auto version = vdoc.child("iq").child("query");
  CHECK(std::string{version.child_value("name")} == "otrbot");
  CHECK(std::string{version.child_value("version")} == "0.1.0");
  CHECK_FALSE(version.child("os"));
}

TEST_CASE("the vCard and the PEP avatar carry the same picture under the same id") {
  strophe s;
  auto me = bot();
  auto cdoc = s.xml(vcard_set(s.ctx, "c1", me));
  auto card = cdoc.child("iq").child("vCard");
  CHECK(std::string{card.attribute("xmlns").value()} == "vcard-temp");
  CHECK(std::string{card.child_value("FN")} == "Security <Tutor> & co");
  CHECK(std::string{card.child("PHOTO").child_value("TYPE")} == "image/png");
  CHECK(std::string{card.child("PHOTO").child_value("BINVAL")} == me.picture->base64);

  auto ddoc = s.xml(avatar_data_publish(s.ctx, "p1", *me.picture));
  auto data = ddoc.child("iq").child("pubsub");
  CHECK(std::string{data.attribute("xmlns").value()} == "http://jabber.org/protocol/pubsub");
  CHECK(std::string{data.child("publish").attribute("node").value()} == "urn:xmpp:avatar:data");
  auto item = data.child("publish").child("item");
  CHECK(std::string{item.attribute("id").value()} == me.picture->sha1_hex);
  CHECK(std::string{item.child_value("data")} == me.picture->base64);

  auto mdoc = s.xml(avatar_metadata_publish(s.ctx, "p2", *me.picture));
  auto meta = mdoc.child("iq").child("pubsub");
  CHECK(std::string{meta.child("publish").attribute("node").value()} == "urn:xmpp:avatar:metadata");
  auto info = meta.child("publish").child("item").child("metadata").child("info");
  CHECK(std::string{info.attribute("id").value()} == me.picture->sha1_hex);
  CHECK(info.attribute("bytes").as_ullong() == me.picture->png.size());
  CHECK(info.attribute("width").as_uint() == 96);
  CHECK(std::string{info.attribute("type").value()} == "image/png");
}

TEST_CASE("an available presence gets the status line (unless it has one) and the photo hash") {
  strophe s;
  auto me = bot();
  stanza_ptr p{xmpp_presence_new(s.ctx)};
  decorate_available(s.ctx, p.get(), me);
  auto doc = s.xml(p);
  auto presence = doc.child("presence");
  CHECK(std::string{presence.child_value("status")} == "I teach you \"OTR\"");
  CHECK(std::string{presence.child("x").attribute("xmlns").value()} == "vcard-temp:x:update");
  CHECK(std::string{presence.child("x").child_value("photo")} == me.picture->sha1_hex);

  me.picture.reset();
  auto own = s.parse("<presence><status>busy</status></presence>");
  decorate_available(s.ctx, own.get(), me);
  auto odoc = s.xml(own);
  auto plain = odoc.child("presence");
  CHECK(std::distance(plain.children("status").begin(), plain.children("status").end()) == 1);
  CHECK(std::string{plain.child_value("status")} == "busy");
  // No picture: an empty <photo/> says so (XEP-0153 3.2).
  CHECK(plain.child("x").child("photo"));
  CHECK(std::string{plain.child("x").child_value("photo")}.empty());
}
