// LTI launch validation with an injected clock and nonce store.
#include "lti/lti11/launch.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::lti;

namespace {

const std::map<std::string, std::string> consumers{{"course-key", "course-secret"}};
const std::string url = "https://bot.example.org/";
constexpr std::int64_t now = 1'800'000'000;

params signed_launch(params extra = {}, std::int64_t ts = now, const std::string& nonce = "n1",
                     const std::string& secret = "course-secret") {
  params all{{"oauth_consumer_key", "course-key"},
             {"oauth_signature_method", "HMAC-SHA1"},
             {"oauth_timestamp", std::to_string(ts)},
             {"oauth_nonce", nonce},
             {"oauth_version", "1.0"},
             {"lti_message_type", "basic-lti-launch-request"},
             {"lti_version", "LTI-1p0"},
             {"resource_link_id", "res-1"},
             {"user_id", "u-42"},
             {"roles", "Learner"},
             {"lis_outcome_service_url", "https://lms.example.org/outcomes"},
             {"lis_result_sourcedid", "src-1"},
             {"launch_presentation_locale", "nl-BE"}};
  for (auto& p : extra) {
    auto it = std::find_if(all.begin(), all.end(), [&](auto& q) { return q.first == p.first; });
    if (it != all.end())
      it->second = p.second;
    else
      all.push_back(p);
  }
  all.emplace_back("oauth_signature", hmac_sha1(signature_base_string("POST", url, all), secret));
  return all;
}

} // namespace

TEST_CASE("a well-signed learner launch is accepted with its fields") {
  nonce_store nonces;
  auto r = validate_launch(url, signed_launch(), consumers, now, nonces);
  REQUIRE(r.value);
  CHECK(r.value->user_id == "u-42");
  CHECK(r.value->locale == "nl-BE");
  CHECK(r.value->learner);
  CHECK_FALSE(r.value->instructor);
  CHECK(r.value->gradable());
}

TEST_CASE("a replayed nonce is refused") {
  nonce_store nonces;
  CHECK(validate_launch(url, signed_launch(), consumers, now, nonces).value);
  auto again = validate_launch(url, signed_launch(), consumers, now + 1, nonces);
  REQUIRE(again.error);
  CHECK(again.error->status == 401);
  CHECK(again.error->message.find("replayed") != std::string::npos);
}

TEST_CASE("old nonces are forgotten after twice the window") {
  nonce_store nonces{300};
  CHECK(nonces.first_use("k", "n", 0));
  CHECK_FALSE(nonces.first_use("k", "n", 600));
  CHECK(nonces.first_use("other", "n", 600));
  CHECK(nonces.first_use("k", "n", 601));
}

TEST_CASE("timestamps outside five minutes either way are refused") {
  nonce_store nonces;
  CHECK(validate_launch(url, signed_launch({}, now - 301, "a"), consumers, now, nonces).error->status == 401);
  CHECK(validate_launch(url, signed_launch({}, now + 301, "b"), consumers, now, nonces).error->status == 401);
  CHECK(validate_launch(url, signed_launch({}, now - 300, "c"), consumers, now, nonces).value);
  CHECK(validate_launch(url, signed_launch({{"oauth_timestamp", "soon"}}, now, "d"), consumers, now, nonces)
          .error->status == 400);
}

TEST_CASE("a bad signature, an unknown key or the wrong URL is refused with 401") {
  nonce_store nonces;
  CHECK(validate_launch(url, signed_launch({}, now, "a", "wrong"), consumers, now, nonces).error->status == 401);
  CHECK(validate_launch("http://bot.example.org/", signed_launch({}, now, "b"), consumers, now, nonces)
          .error->status == 401);
  auto unknown = signed_launch({{"oauth_consumer_key", "nobody"}}, now, "c");
  auto r = validate_launch(url, unknown, consumers, now, nonces);
  CHECK(r.error->status == 401);
  CHECK(r.error->message.find("unknown consumer key") != std::string::npos);
  // A forged launch does not use up the nonce.
  CHECK(validate_launch(url, signed_launch({}, now, "a"), consumers, now, nonces).value);
}

TEST_CASE("required LTI fields are checked") {
  nonce_store nonces;
  CHECK(validate_launch(url, signed_launch({{"lti_message_type", "ContentItemSelectionRequest"}}, now, "a"),
                        consumers, now, nonces).error->status == 400);
  CHECK(validate_launch(url, signed_launch({{"lti_version", "LTI-2p0"}}, now, "b"), consumers, now, nonces)
          .error->status == 400);
  CHECK(validate_launch(url, signed_launch({{"resource_link_id", ""}}, now, "c"), consumers, now, nonces)
          .error->status == 400);
  CHECK(validate_launch(url, signed_launch({{"oauth_signature_method", "PLAINTEXT"}}, now, "d"), consumers,
                        now, nonces).error->status == 400);
  auto twice = signed_launch({}, now, "e");
  twice.emplace_back("oauth_nonce", "f");
  CHECK(validate_launch(url, twice, consumers, now, nonces).error->status == 400);
}

TEST_CASE("roles: short names, URNs and LIS v2 URIs") {
  CHECK(parse_roles("Learner") == std::set<std::string>{"Learner"});
  CHECK(parse_roles("urn:lti:role:ims/lis/Instructor, urn:lti:instrole:ims/lis/Student") ==
        std::set<std::string>{"Instructor", "institution:Student"});
  CHECK(parse_roles("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant,"
                    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor,"
                    "urn:lti:sysrole:ims/lis/Administrator") ==
        std::set<std::string>{"TeachingAssistant", "institution:Instructor", "system:Administrator"});
  CHECK(parse_roles("urn:lti:role:ims/lis/TeachingAssistant/Grader") ==
        std::set<std::string>{"TeachingAssistant"});
  CHECK(parse_roles("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner") ==
        std::set<std::string>{"Learner"});
  CHECK(parse_roles("").empty());
}

TEST_CASE("only the course's instructors and teaching assistants are instructors") {
  auto with = [](const char* roles) {
    launch l;
    set_roles(l, roles);
    return l.instructor;
  };
  CHECK(with("Instructor"));
  CHECK(with("urn:lti:role:ims/lis/TeachingAssistant/Grader"));
  CHECK(with("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"));
  CHECK(with("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"));
  for (const char* not_teaching :
       {"Mentor", "urn:lti:role:ims/lis/Mentor", "ContentDeveloper", "urn:lti:instrole:ims/lis/Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Staff",
        "urn:lti:sysrole:ims/lis/Administrator", "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
        "http://example.org/roles#Instructor"}) {
    CAPTURE(not_teaching);
    CHECK_FALSE(with(not_teaching));
  }
}

TEST_CASE("an instructor launch, or one without outcome fields, gets no grade") {
  nonce_store nonces;
  auto teacher = validate_launch(url, signed_launch({{"roles", "Instructor"}}, now, "a"), consumers, now, nonces);
  CHECK(teacher.value->instructor);
  CHECK_FALSE(teacher.value->gradable());
  auto no_outcome =
    validate_launch(url, signed_launch({{"lis_result_sourcedid", ""}}, now, "b"), consumers, now, nonces);
  CHECK_FALSE(no_outcome.value->gradable());
}

TEST_CASE("the custom parameter lesson chooses the lesson; any other value is refused") {
  nonce_store nonces;
  CHECK(validate_launch(url, signed_launch(), consumers, now, nonces).value->lesson.empty());
  auto omemo = validate_launch(url, signed_launch({{"custom_lesson", "omemo"}}, now, "l1"),
                               consumers, now, nonces);
  REQUIRE(omemo.value);
  CHECK(omemo.value->lesson == "omemo");
  auto otr = validate_launch(url, signed_launch({{"custom_lesson", "otr"}}, now, "l2"), consumers,
                             now, nonces);
  CHECK(otr.value->lesson == "otr");
  auto automatic = validate_launch(url, signed_launch({{"custom_lesson", "auto"}}, now, "l3"),
                                   consumers, now, nonces);
  CHECK(automatic.value->lesson.empty());
  auto bad = validate_launch(url, signed_launch({{"custom_lesson", "OMEMO!"}}, now, "l4"),
                             consumers, now, nonces);
  REQUIRE(bad.error);
  CHECK(bad.error->status == 400);
  CHECK(bad.error->message == "the custom parameter lesson must be otr, omemo or auto");
}
