#include "actors/rules/clients.hpp"

#include <catch2/catch.hpp>

using otrbot::clients::client;
using otrbot::clients::identify;
using otrbot::clients::profile;

TEST_CASE("a chat program is known by its software name or its caps node") {
  CHECK(identify("Profanity", "") == profile{client::profanity, "Profanity"});
  CHECK(identify("", "https://profanity-im.github.io") == profile{client::profanity, "Profanity"});
  CHECK(identify("Pidgin", "") == profile{client::pidgin, "Pidgin"});
  CHECK(identify("", "http://pidgin.im/") == profile{client::pidgin, "Pidgin"});
  CHECK(identify("Psi+", "") == profile{client::psi, "Psi+"});
  CHECK(identify("", "https://psi-plus.com") == profile{client::psi, "Psi+"});
  CHECK(identify("Psi", "") == profile{client::psi, "Psi"});
  CHECK(identify("mcabber", "") == profile{client::mcabber, "mcabber"});
  CHECK(identify("", "http://poez.io") == profile{client::poezio, "Poezio"});
  CHECK(identify("Miranda NG Jabber Protocol", "") == profile{client::miranda, "Miranda NG"});
}

TEST_CASE("programs without OTR are told apart from unknown ones") {
  for (auto [name, node] : {std::pair{"Gajim", ""}, {"", "https://gajim.org"}, {"Dino", ""},
                            {"", "http://conversations.im"}, {"Monal", ""}, {"Kaidan", ""},
                            {"Beagle IM", ""}, {"", "https://siskin.im"}, {"Movim", ""}}) {
    CAPTURE(name, node);
    CHECK(identify(name, node).id == client::without_otr);
    CHECK_FALSE(identify(name, node).name.empty());
  }
  CHECK(identify("", "") == profile{});
  CHECK(identify("SomeBot 1.0", "https://example.org/caps") == profile{});
  CHECK(identify(std::string(100000, 'x'), "") == profile{});  // outside text, any length
}
