// Roster and presence rules: whitelisted JIDs get subscriptions and presence, nobody else anything.
#include "actors/rules/roster_policy.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;
using xmpp::outbound_presence;
using xmpp::roster_change;

TEST_CASE("after login the bot announces itself, welcomes new students and drops strangers") {
  std::set<std::string> wl{"new@x.org", "known@x.org", "asked@x.org"};
  std::vector<xmpp::roster_item> roster{
    {"known@x.org", "both", false}, {"asked@x.org", "none", true}, {"stranger@x.org", "from", false}};
  auto a = sync_roster(wl, roster);
  CHECK(a.roster == std::vector<roster_change>{{"stranger@x.org", true}});
  CHECK(a.presences == std::vector<outbound_presence>{
                         {"", "available", ""},  // initial presence first (RFC 6121 4.2)
                         {"asked@x.org", "available", ""},  // asked and pre-approved before
                         // known: subscribed both ways, the initial presence reaches them
                         {"new@x.org", "subscribed", ""},  // pre-approved (RFC 6121 3.4)
                         {"new@x.org", "subscribe", ""},
                         {"new@x.org", "available", ""}});
}

TEST_CASE("a login with the roster it left behind changes nothing on the server") {
  // Each roster change is a write of the server's roster storage: a second login with the
  // same students asks again for nothing (no pre-approval, no subscription, no roster set).
  std::set<std::string> wl{"a@x.org", "b@x.org", "c@x.org"};
  auto a = sync_roster(wl, {{"a@x.org", "both", false}, {"b@x.org", "none", true},
                            {"c@x.org", "to", false}});
  CHECK(a.roster.empty());
  CHECK(a.presences == std::vector<outbound_presence>{
                         {"", "available", ""}, {"b@x.org", "available", ""},
                         {"c@x.org", "available", ""}});
}

TEST_CASE("a roster item with only a 'from' subscription gets a subscription request") {
  auto a = sync_roster({"s@x.org"}, {{"s@x.org", "from", false}});
  CHECK(a.roster.empty());
  // The student is subscribed to the bot already ("from"): no pre-approval, no directed presence.
  CHECK(a.presences == std::vector<outbound_presence>{{"", "available", ""},
                                                      {"s@x.org", "subscribe", ""}});
}

TEST_CASE("a whitelisted JID asking to subscribe is approved and asked back") {
  auto a = answer_presence(true, {"s@x.org/phone", "subscribe"}, "s@x.org");
  CHECK(a.presences == std::vector<outbound_presence>{{"s@x.org", "subscribed", ""},
                                                      {"s@x.org", "subscribe", ""}});
  CHECK(a.roster.empty());
}

TEST_CASE("a stranger gets nothing, whatever the presence") {
  for (const char* type : {"subscribe", "available", "probe", "unsubscribe"})
    CHECK(answer_presence(false, {"x@y.org", type}, "x@y.org") == xmpp_actions{});
}

TEST_CASE("other presence from a whitelisted JID needs no answer") {
  CHECK(answer_presence(true, {"s@x.org/a", "available"}, "s@x.org") == xmpp_actions{});
  CHECK(answer_presence(true, {"s@x.org/a", "unavailable"}, "s@x.org") == xmpp_actions{});
  CHECK(answer_presence(true, {"s@x.org/a", "unavailable"}, "s@x.org", true) == xmpp_actions{});
}

TEST_CASE("the bot appears online to a student who has not subscribed to it") {
  // A resource that just came online gets a directed presence (its client shows the bot online
  // even where the student's roster item is only `from`), once.
  auto a = answer_presence(true, {"s@x.org/phone", "available"}, "s@x.org", true);
  CHECK(a.presences == std::vector<outbound_presence>{{"s@x.org/phone", "available", ""}});
  // The student approved the bot's request: every resource of theirs sees the bot online.
  auto b = answer_presence(true, {"s@x.org/phone", "subscribed"}, "s@x.org");
  CHECK(b.presences == std::vector<outbound_presence>{{"s@x.org", "available", ""}});
  CHECK(answer_presence(false, {"x@y.org/a", "available"}, "x@y.org", true) == xmpp_actions{});
  CHECK(answer_presence(false, {"x@y.org/a", "subscribed"}, "x@y.org") == xmpp_actions{});
}

TEST_CASE("welcome and farewell") {
  auto w = welcome("s@x.org");
  CHECK(w.roster.empty());  // the presences make the item
  CHECK(w.presences == std::vector<outbound_presence>{{"s@x.org", "subscribed", ""},
                                                      {"s@x.org", "subscribe", ""},
                                                      {"s@x.org", "available", ""}});
  auto f = farewell("s@x.org", "bye");
  CHECK(f.presences == std::vector<outbound_presence>{{"s@x.org", "unavailable", "bye"}});
  CHECK(f.roster == std::vector<roster_change>{{"s@x.org", true}});
}
