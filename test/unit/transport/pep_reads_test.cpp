#include "transport/xmpp/pep_reads.hpp"

#include <catch2/catch.hpp>

using otrbot::xmpp::pep_query;
using otrbot::xmpp::pep_reads;

namespace {
const pep_query devices{"s@x.org", "eu.siacs.conversations.axolotl.devicelist"};
}

TEST_CASE("a read under way answers an identical one asked before the account spoke again") {
  pep_reads r;
  CHECK_FALSE(r.covered(devices));  // nothing under way: read
  r.sent("fetch1", devices);
  CHECK(r.covered(devices));  // the presence and the first words came together: one read
  CHECK_FALSE(r.covered({"s@x.org", "other.node"}));
  CHECK_FALSE(r.covered({"t@x.org", devices.node}));
  REQUIRE(r.answered("fetch1") == devices);
  CHECK_FALSE(r.covered(devices));  // answered: a new read is a new question
  CHECK(r.size() == 0);
}

TEST_CASE("a read sent before the account spoke again does not answer for what it said") {
  pep_reads r;
  r.sent("fetch1", devices);
  r.heard_from("t@x.org");  // someone else
  CHECK(r.covered(devices));
  r.heard_from("s@x.org");  // the account may have published since the read left
  CHECK_FALSE(r.covered(devices));
  r.sent("fetch2", devices);
  CHECK(r.covered(devices));  // the new read covers it
  CHECK(r.size() == 2);
  REQUIRE(r.answered("fetch1") == devices);
  CHECK(r.covered(devices));  // the newer one is still under way
  REQUIRE(r.answered("fetch2") == devices);
  CHECK(r.size() == 0);
}

TEST_CASE("answers are matched by id, once") {
  pep_reads r;
  r.sent("fetch1", devices);
  REQUIRE(r.find("fetch1") != nullptr);
  CHECK(r.find("fetch1")->to == "s@x.org");
  CHECK(r.find("fetch9") == nullptr);
  CHECK_FALSE(r.answered("fetch9").has_value());
  CHECK(r.answered("fetch1").has_value());
  CHECK_FALSE(r.answered("fetch1").has_value());  // a second answer with the same id: not ours
  r.sent("fetch2", devices);
  r.clear();  // a new connection: the answers awaited will not come
  CHECK(r.size() == 0);
  CHECK_FALSE(r.covered(devices));
}
