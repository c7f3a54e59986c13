// JID parsing and preparation (RFC 6122 with ICU stringprep).
#include "transport/xmpp/jid.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::xmpp;

TEST_CASE("a full JID splits into local part, domain and resource") {
  auto r = parse_jid("alice@example.org/phone");
  REQUIRE(r);
  CHECK(r.value->local == "alice");
  CHECK(r.value->domain == "example.org");
  CHECK(r.value->resource == "phone");
  CHECK(r.value->bare() == "alice@example.org");
  CHECK(r.value->full() == "alice@example.org/phone");
}

TEST_CASE("nodeprep and nameprep fold case; resourceprep keeps it") {
  auto r = parse_jid("Alice@Example.ORG/Phone");
  REQUIRE(r);
  CHECK(r.value->bare() == "alice@example.org");
  CHECK(r.value->resource == "Phone");
}

TEST_CASE("a resource may contain '@' and '/'") {
  auto r = parse_jid("a@b.org/c@d/e");
  REQUIRE(r);
  CHECK(r.value->resource == "c@d/e");
}

TEST_CASE("non-ASCII local parts are prepared, not refused") {
  auto r = parse_jid("J\xC3\xBCrgen@example.de");  // Jürgen
  REQUIRE(r);
  CHECK(r.value->local == "j\xC3\xBCrgen");
}

TEST_CASE("a trailing dot on the domain is dropped") {
  CHECK(parse_jid("a@example.org.").value->domain == "example.org");
}

TEST_CASE("empty parts and prohibited characters are refused with a reason") {
  for (const char* bad : {"", "@example.org", "a@", "a@example.org/", "a b@example.org",
                          "a\"b@example.org", "a@exa mple.org", "a<b@example.org", "a@/x"}) {
    auto r = parse_jid(bad);
    CAPTURE(bad);
    CHECK_FALSE(r);
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE("invalid UTF-8 is refused") { CHECK_FALSE(parse_jid("a\xFF@example.org")); }

TEST_CASE("parts longer than 1023 bytes are refused") {
  CHECK_FALSE(parse_jid(std::string(1024, 'a') + "@example.org"));
  CHECK(parse_jid(std::string(1023, 'a') + "@example.org"));
}

TEST_CASE("a bare JID needs a local part and no resource") {
  CHECK(parse_bare_jid("s@example.org"));
  CHECK_FALSE(parse_bare_jid("s@example.org/r"));
  CHECK_FALSE(parse_bare_jid("example.org"));
}

TEST_CASE("bare_of gives the bare JID of a wire address, or nothing") {
  CHECK(bare_of("Bob@Example.org/laptop") == "bob@example.org");
  CHECK(bare_of("no spaces@x.org").empty());
}

TEST_CASE("a domain with an empty part between dots is no domain") {
  using otrbot::xmpp::parse_bare_jid;
  CHECK_FALSE(parse_bare_jid("x@a..b"));
  CHECK_FALSE(parse_bare_jid("x@.a"));
  CHECK(parse_bare_jid("x@a.b."));  // a trailing dot is dropped (RFC 6122)
  // Found by the JID fuzzer: only one trailing dot is dropped; two leave an empty part, and the
  // parse must not accept a form that then reads differently ("example.o." -> "example.o").
  CHECK_FALSE(parse_jid("example.o.."));
  CHECK_FALSE(parse_bare_jid("x@a.b.."));
}

TEST_CASE("a bare_jid is made only from a parsed JID: its prepared bare form") {
  auto parsed = parse_bare_jid("Alice@EXAMPLE.org");
  REQUIRE(parsed);
  auto bare = parsed.bare();
  CHECK(bare.str() == "alice@example.org");
  CHECK_FALSE(bare.empty());
  CHECK(bare == bare_jid{jid{"alice", "example.org", ""}});
  CHECK(bare_jid{}.empty());  // only a default-made one (a message type must be) is empty
  // A full JID's bare form drops the resource.
  auto full = parse_jid("alice@example.org/phone");
  REQUIRE(full);
  CHECK(full.bare().str() == "alice@example.org");
}
