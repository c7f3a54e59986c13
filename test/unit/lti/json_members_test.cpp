// Integers, strings and booleans read from JSON the bot did not write: never out of range, never
// an exception; and every reader that takes integers from outside refuses what does not fit.
#include "lti/lti13/ags.hpp"
#include "lti/lti13/lti13.hpp"
#include "lti/pages/web_session_codec.hpp"
#include "lti/wire/json_members.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;
using json_members::boolean_member;
using json_members::integer_member;
using json_members::string_member;
using nlohmann::json;

TEST_CASE("an integer member is a number inside its range, else nothing") {
  auto j = json::parse(R"({"i": 42, "neg": -7, "f": 1700000000.75, "huge": -1666666666666666666666666666666,
                           "big": 18446744073709551615, "max": 9223372036854775807, "s": "5",
                           "t": true, "n": null, "a": [1]})");
  CHECK(integer_member(j, "i") == 42);
  CHECK(integer_member(j, "neg") == -7);
  CHECK(integer_member(j, "f") == 1700000000);  // JWT's NumericDate may have a fraction
  CHECK(integer_member(j, "max") == std::numeric_limits<std::int64_t>::max());
  for (const char* refused : {"huge", "big", "s", "t", "n", "a", "absent"}) {
    CAPTURE(refused);
    CHECK_FALSE(integer_member(j, refused));
  }
  CHECK(integer_member(j, "i", 0, 10) == std::nullopt);
  CHECK(integer_member(j, "neg", 0) == std::nullopt);
  CHECK(integer_member(json::array(), "i") == std::nullopt);
}

TEST_CASE("string and boolean members are of their type, else nothing") {
  auto j = json::parse(R"({"s": "x", "n": 5, "b": false, "bs": "true"})");
  CHECK(string_member(j, "s") == "x");
  CHECK(string_member(j, "n").empty());
  CHECK(boolean_member(j, "b") == false);
  CHECK_FALSE(boolean_member(j, "bs"));
  CHECK_FALSE(boolean_member(json(5), "b"));
}

TEST_CASE("a stored web session with an integer out of range is refused, not converted") {
  lti::web_session s;
  s.id = "i";
  s.expires = 1800000000;
  auto good = json::parse(lti::encode_session(s));
  REQUIRE(lti::decode_session(good.dump()));
  // The fuzzer's input (test/fuzz/regressions/web_token/), and its siblings.
  CHECK_FALSE(lti::decode_session(R"({"v":-1666666666666666666666666666666})"));
  for (auto [key, value] : {std::pair{"v", json(1.0e30)}, std::pair{"wrong_codes", json(-1)},
                            std::pair{"wrong_codes", json(1.0e30)}, std::pair{"wrong_codes", json(4294967296LL)},
                            std::pair{"expires", json(-1.0e30)}, std::pair{"expires", json("soon")}}) {
    auto bad = good;
    bad[key] = value;
    CAPTURE(bad.dump());
    CHECK_FALSE(lti::decode_session(bad.dump()));
  }
}

TEST_CASE("a token answer's expires_in out of range gives the default lifetime") {
  std::string why;
  auto at = [&](const std::string& expires) {
    auto t = ags::read_token_response(R"({"access_token":"t","token_type":"Bearer","expires_in":)" +
                                        expires + "}", 1000, why);
    REQUIRE(t);
    return t->expires_at;
  };
  CHECK(at("600") == 1000 + 540);
  CHECK(at("1e300") == 1000 + 3600 - 60);
  CHECK(at("-1e300") == 1000 + 3600 - 60);
  CHECK(at("9223372036854775807") == 1000 + 3600 - 60);
}

TEST_CASE("a stored platform whose flag is not a boolean loads without it") {
  auto p = lti13::decode_platform(R"({"issuer":"https://p","client_id":"c","auth_login_url":"https://p/a",
                                      "key_set_url":"https://p/k","fixed_deployments":"yes"})");
  REQUIRE(p);
  CHECK_FALSE(p->fixed_deployments);
}
