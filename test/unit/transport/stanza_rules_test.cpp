// Copies (XEP-0280 carbons, XEP-0297 forwards) versus messages with carbon and XEP-0334 hints.
#include "transport/xmpp/stanza_rules.hpp"

#include <catch2/catch.hpp>

#include <vector>

using otrbot::xmpp::element_name;
using otrbot::xmpp::is_copy;

namespace {
bool copy(std::vector<element_name> children) { return is_copy(children); }
} // namespace

TEST_CASE("stanza rules: a message with a body only is not a copy") {
  CHECK_FALSE(copy({{"body", "jabber:client"}}));
  CHECK_FALSE(copy({}));
}

TEST_CASE("stanza rules: received and sent carbon wrappers are copies") {
  CHECK(copy({{"received", "urn:xmpp:carbons:2"}}));
  CHECK(copy({{"sent", "urn:xmpp:carbons:2"}}));
}

TEST_CASE("stanza rules: a forwarded message is a copy") {
  CHECK(copy({{"forwarded", "urn:xmpp:forward:0"}}));
}

TEST_CASE("stanza rules: Profanity's private carbons hint and no-copy/no-store hints are not copies") {
  // What Profanity 0.13 puts on every OTR message it sends.
  CHECK_FALSE(copy({{"body", "jabber:client"},
                    {"private", "urn:xmpp:carbons:2"},
                    {"no-copy", "urn:xmpp:hints"},
                    {"no-store", "urn:xmpp:hints"}}));
  CHECK_FALSE(copy({{"private", "urn:xmpp:carbons:2"}}));
}

TEST_CASE("stanza rules: names count only in their own namespace") {
  CHECK_FALSE(copy({{"received", "urn:xmpp:receipts"}}));  // XEP-0184 delivery receipt
  CHECK_FALSE(copy({{"forwarded", "urn:example:other"}}));
  CHECK_FALSE(copy({{"sent", ""}}));
}
