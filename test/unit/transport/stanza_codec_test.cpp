// Inbound stanzas, parsed from XML by libstrophe, to typed events: no connection, no server.
#include "transport/xmpp/stanza_codec.hpp"

#include <catch2/catch.hpp>
#include <strophe.h>

#include <memory>

using namespace otrbot::xmpp;

namespace {

/// Decodes one stanza given as XML.
inbound_event from_xml(const char* xml) {
  static const bool ready = (xmpp_initialize(), true);
  (void)ready;
  std::unique_ptr<xmpp_ctx_t, decltype(&xmpp_ctx_free)> ctx{xmpp_ctx_new(nullptr, nullptr),
                                                             xmpp_ctx_free};
  auto* stanza = xmpp_stanza_new_from_string(ctx.get(), xml);
  REQUIRE(stanza);
  auto event = decode(ctx.get(), stanza);
  xmpp_stanza_release(stanza);
  return event;
}

std::string ignored_why(const inbound_event& e) {
  auto* i = std::get_if<ignored>(&e);
  return i ? i->why : "not ignored";
}

} // namespace

TEST_CASE("stanza codec: a chat message with a body is the student's words") {
  auto e = from_xml("<message from='s@x.org/phone' to='bot@x.org' type='chat'><body>hello</body></message>");
  auto* m = std::get_if<inbound_message>(&e);
  REQUIRE(m);
  CHECK(m->from == "s@x.org/phone");
  CHECK(m->body == "hello");
  CHECK(std::holds_alternative<inbound_message>(
    from_xml("<message from='s@x.org/a'><body>no type means normal</body></message>")));
}

TEST_CASE("stanza codec: Profanity's OTR message with its carbons and storage hints is the student's") {
  auto e = from_xml("<message from='s@x.org/profanity' type='chat'><body>?OTRv23?</body>"
                    "<private xmlns='urn:xmpp:carbons:2'/><no-copy xmlns='urn:xmpp:hints'/>"
                    "<no-store xmlns='urn:xmpp:hints'/></message>");
  REQUIRE(std::holds_alternative<inbound_message>(e));
  CHECK(std::get<inbound_message>(e).body == "?OTRv23?");
}

TEST_CASE("stanza codec: carbons and forwarded messages are copies, ignored") {
  CHECK(ignored_why(from_xml(
          "<message from='bot@x.org' type='chat'><received xmlns='urn:xmpp:carbons:2'>"
          "<forwarded xmlns='urn:xmpp:forward:0'><message from='s@x.org/a' type='chat'>"
          "<body>copied</body></message></forwarded></received></message>")) ==
        "a carbon copy or forwarded message");
  CHECK(ignored_why(from_xml(
          "<message from='bot@x.org' type='chat'><sent xmlns='urn:xmpp:carbons:2'/></message>")) ==
        "a carbon copy or forwarded message");
  CHECK(ignored_why(from_xml("<message from='s@x.org/a' type='chat'><body>fwd</body>"
                             "<forwarded xmlns='urn:xmpp:forward:0'/></message>")) ==
        "a carbon copy or forwarded message");
}

TEST_CASE("stanza codec: errors, group chat, headlines, no body and no sender are ignored") {
  CHECK(ignored_why(from_xml("<message from='s@x.org' type='error'><body>x</body></message>")) ==
        "a message of type error");
  CHECK(ignored_why(from_xml("<message from='r@muc.x.org/n' type='groupchat'><body>x</body></message>")) ==
        "a message of type groupchat");
  CHECK(ignored_why(from_xml("<message from='x.org' type='headline'><body>x</body></message>")) ==
        "a message of type headline");
  CHECK(ignored_why(from_xml("<message from='s@x.org' type='chat'><composing/></message>")) ==
        "a message without a body");
  CHECK(ignored_why(from_xml("<message from='s@x.org' type='chat'><body></body></message>")) !=
        "not ignored");  // libstrophe reads an empty body as none
  CHECK(ignored_why(from_xml("<message type='chat'><body>x</body></message>")) ==
        "a stanza without a sender");
}

TEST_CASE("stanza codec: presences, available when they have no type") {
  auto on = from_xml("<presence from='s@x.org/a'/>");
  REQUIRE(std::holds_alternative<inbound_presence>(on));
  CHECK(std::get<inbound_presence>(on).type == "available");
  auto off = from_xml("<presence from='s@x.org/a' type='unavailable'/>");
  CHECK(std::get<inbound_presence>(off).type == "unavailable");
  CHECK(std::get<inbound_presence>(from_xml("<presence from='s@x.org' type='subscribe'/>")).type ==
        "subscribe");
}
