#include "lti/pages/web_session_codec.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::lti;

TEST_CASE("a web session comes back from the store as it went in") {
  web_session s;
  s.id = "0123abcd";
  s.csrf = "c5rf";
  s.jid = "alice@x.org";
  s.locale = "nl_NL";
  s.wrong_codes = 2;
  s.expires = 1234567890;
  s.lms.consumer_key = "key";
  s.lms.user_id = "user \"7\"\n<script>";
  s.lms.outcome_url = "https://lms.example/outcomes?x=1&y=2";
  s.lms.result_sourcedid = "sid<&>";
  s.lms.roles = {"Learner", "Mentor"};
  s.lms.learner = true;
  auto back = decode_session(encode_session(s));
  REQUIRE(back);
  CHECK(back->id == s.id);
  CHECK(back->csrf == s.csrf);
  CHECK(back->jid == s.jid);
  CHECK(back->locale == s.locale);
  CHECK(back->wrong_codes == 2);
  CHECK(back->expires == s.expires);
  CHECK(back->lms.user_id == s.lms.user_id);
  CHECK(back->lms.outcome_url == s.lms.outcome_url);
  CHECK(back->lms.result_sourcedid == s.lms.result_sourcedid);
  CHECK(back->lms.roles == s.lms.roles);
  CHECK(back->lms.learner);
  CHECK_FALSE(back->lms.instructor);
  CHECK(back->lms.gradable());
}

TEST_CASE("what is not a stored web session is dropped, not half read") {
  CHECK_FALSE(decode_session(""));
  CHECK_FALSE(decode_session("[]"));
  CHECK_FALSE(decode_session("{\"v\": 2}"));
  CHECK_FALSE(decode_session("{\"v\": 1, \"id\": 5}"));
  CHECK_FALSE(decode_session("{\"v\": 1, \"id\": \"a\"}"));
}

TEST_CASE("a visit's claim on a JID, waiting for its word, comes back from the store too") {
  web_session s;
  s.id = "0123abcd";
  s.csrf = "c5rf";
  s.locale = "en_GB";
  s.expires = 1234567890;
  s.claim_jid = "dave@x.org";
  s.claim_word = "K7PQ2M";
  s.claim_expires = 1234560000;
  auto back = decode_session(encode_session(s));
  REQUIRE(back);
  CHECK(back->jid.empty());
  CHECK(back->claim_jid == "dave@x.org");
  CHECK(back->claim_word == "K7PQ2M");
  CHECK(back->claim_expires == 1234560000);
  // A claim whose expiry is no integer is no claim the bot wrote.
  auto text = encode_session(s);
  auto at = text.find("1234560000");
  REQUIRE(at != std::string::npos);
  CHECK_FALSE(decode_session(text.replace(at, 10, "-1e300")));
}
