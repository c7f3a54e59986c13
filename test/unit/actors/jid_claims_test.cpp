#include "actors/rules/jid_claims.hpp"

#include <catch2/catch.hpp>

using otrbot::carries_word;
using otrbot::claim_lifetime;
using otrbot::claim_state;
using otrbot::jid_claim;
using otrbot::jid_claims;

namespace {

jid_claim claim(const std::string& visit, const std::string& word, std::int64_t now,
                const std::string& jid = "dave@example.org") {
  return {otrbot::xmpp::parse_bare_jid(jid).bare(), visit, word, "en_GB", "LMS user " + visit, false, {}, now + claim_lifetime};
}

} // namespace

TEST_CASE("a message carries the word when one of its words is it, in any case") {
  CHECK(carries_word("K7PQ2M", "K7PQ2M"));
  CHECK(carries_word("my word is k7pq2m.", "K7PQ2M"));
  CHECK(carries_word("hello\n\"K7pq2M\"!", "K7PQ2M"));
  CHECK_FALSE(carries_word("K7PQ2MX", "K7PQ2M"));     // part of a longer word
  CHECK_FALSE(carries_word("K7PQ2", "K7PQ2M"));
  CHECK_FALSE(carries_word("K7 PQ2M", "K7PQ2M"));
  CHECK_FALSE(carries_word("?OTR:AAMDK7PQ2M", "K7PQ2M"));  // inside OTR data: not a word of its own
  CHECK_FALSE(carries_word("", "K7PQ2M"));
  CHECK_FALSE(carries_word("anything", ""));
}

TEST_CASE("a claim binds only to the visit whose word comes from the JID") {
  jid_claims c;
  std::int64_t now = 1'000'000;
  CHECK(c.claim(claim("thief", "AAAAAA", now), now) == claim_state::pending);
  CHECK(c.claim(claim("owner", "BBBBBB", now), now) == claim_state::pending);
  CHECK(c.waiting("dave@example.org", now));
  CHECK_FALSE(c.prove("dave@example.org", "hello", now));
  CHECK_FALSE(c.prove("eve@example.org", "BBBBBB", now));  // another JID's message
  auto proved = c.prove("dave@example.org", "bbbbbb", now + 5);
  REQUIRE(proved);
  CHECK(proved->visit == "owner");
  // Every other claim on that JID ended; the owner's visit is told it is bound.
  CHECK_FALSE(c.waiting("dave@example.org", now + 5));
  CHECK_FALSE(c.prove("dave@example.org", "AAAAAA", now + 6));
  CHECK(c.claim(claim("owner", "BBBBBB", now), now + 7) == claim_state::bound);
  CHECK(c.claim(claim("thief", "AAAAAA", now), now + 7) == claim_state::pending);
  c.forget("dave@example.org");
  CHECK(c.claim(claim("owner", "BBBBBB", now + 8), now + 8) == claim_state::pending);
}

TEST_CASE("a claim never proved expires after an hour and frees the JID") {
  jid_claims c;
  std::int64_t now = 1'000'000;
  CHECK(c.claim(claim("v1", "AAAAAA", now), now) == claim_state::pending);
  CHECK(c.waiting("dave@example.org", now + claim_lifetime - 1));
  CHECK_FALSE(c.waiting("dave@example.org", now + claim_lifetime));
  CHECK_FALSE(c.prove("dave@example.org", "AAAAAA", now + claim_lifetime));
  CHECK(c.claim(claim("v2", "CCCCCC", now), now) == claim_state::pending);
  CHECK(c.size() == 1);
  c.sweep(now + claim_lifetime);
  CHECK(c.size() == 0);
}

TEST_CASE("a JID takes at most a few claims at once; a visit renews its own") {
  jid_claims c;
  std::int64_t now = 1'000'000;
  for (std::size_t i = 0; i < jid_claims::max_per_jid; ++i)
    CHECK(c.claim(claim("v" + std::to_string(i), "WORD" + std::to_string(i + 2), now), now) ==
          claim_state::pending);
  CHECK(c.claim(claim("late", "LATEWD", now), now) == claim_state::too_many);
  // A visit asking again renews its claim (and takes its new word), without a new place.
  CHECK(c.claim(claim("v0", "NEWWRD", now + 10), now + 10) == claim_state::pending);
  CHECK(c.size() == jid_claims::max_per_jid);
  CHECK_FALSE(c.prove("dave@example.org", "WORD2", now + 11));
  CHECK(c.prove("dave@example.org", "newwrd", now + 11)->visit == "v0");
  // Other JIDs are not limited by this one's claims.
  CHECK(c.claim(claim("late", "LATEWD", now, "erin@example.org"), now) == claim_state::pending);
}

TEST_CASE("a binding the store could not keep waits for the word again") {
  jid_claims c;
  std::int64_t now = 1'000'000;
  c.claim(claim("owner", "BBBBBB", now), now);
  auto proved = c.prove("dave@example.org", "BBBBBB", now);
  REQUIRE(proved);
  c.unbind(*proved);
  CHECK(c.claim(claim("owner", "BBBBBB", now), now) == claim_state::pending);
  CHECK(c.prove("dave@example.org", "BBBBBB", now)->visit == "owner");
}
