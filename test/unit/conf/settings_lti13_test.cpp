// The [lti13] table: defaults, platforms, and every refusal naming its key.
#include "conf/settings.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::conf;

namespace {

const std::string minimal = R"([xmpp]
default_account = "bot@example.org"
[xmpp.accounts."bot@example.org"]
password = "pw"
)";

load_result load(const std::string& tail) {
  secret_sources none{[](const std::string& n) -> std::optional<std::string> {
                        return n == "INVITE" ? std::optional<std::string>{"an-invite-from-the-env"} : std::nullopt;
                      },
                      [](const std::string&) -> std::optional<std::string> { return std::nullopt; }};
  return parse_settings(minimal + tail, "test.toml", none);
}

std::string error_key(const std::string& tail) {
  auto r = load(tail);
  REQUIRE_FALSE(r);
  return r.error->key;
}

const std::string platform = R"(
[lti13.platforms."https://lms.example.org"]
client_id = "c1"
auth_login_url = "https://lms.example.org/auth"
auth_token_url = "https://lms.example.org/token"
key_set_url = "https://lms.example.org/jwks"
)";

} // namespace

TEST_CASE("LTI 1.3 is off without [lti13], and on with its defaults with it") {
  auto off = load("");
  REQUIRE(off);
  CHECK_FALSE(off.value->lti13.enabled);
  auto on = load("[lti13]\n");
  REQUIRE(on);
  CHECK(on.value->lti13.enabled);
  CHECK(on.value->lti13.key_id == "otrbot-1");
  CHECK(on.value->lti13.private_key_file.empty());
  CHECK_FALSE(on.value->lti13.allow_private_urls);
}

TEST_CASE("platforms are read by issuer, with their deployments") {
  auto r = load("[lti13]\n" + platform + "deployment_ids = [\"1\", \"2\"]\ngrade_hosts = [\"School.Instructure.com\"]\n");
  REQUIRE(r);
  const auto& p = r.value->lti13.platforms.at("https://lms.example.org");
  CHECK(p.client_id == "c1");
  CHECK(p.key_set_url == "https://lms.example.org/jwks");
  CHECK(p.deployment_ids == std::vector<std::string>{"1", "2"});
  CHECK(p.grade_hosts == std::vector<std::string>{"school.instructure.com"});
}

TEST_CASE("bad [lti13] settings are refused with their key") {
  CHECK(error_key("[lti13]\nkey_id = \"\"\n") == "lti13.key_id");
  // The one reusable invite is gone: said so, with what to do instead.
  CHECK(error_key("[lti13]\nregistration_invite = \"a-long-enough-invite\"\n") == "lti13.registration_invite");
  CHECK(error_key("[lti13]\nregistration_invite_env = \"INVITE\"\n") == "lti13.registration_invite_env");
  CHECK(error_key("[lti13]\n" + platform + "grade_hosts = [\"https://x.example\"]\n") ==
        "lti13.platforms.\"https://lms.example.org\".grade_hosts");
  CHECK(error_key("[lti13]\nunknown = 1\n") == "lti13.unknown");
  CHECK(error_key("[lti13]\n[lti13.platforms.\"https://lms.example.org\"]\nclient_id = \"\"\n") ==
        "lti13.platforms.\"https://lms.example.org\".client_id");
  auto http = platform;
  http.replace(http.find("https://lms.example.org/jwks"), 5, "http");
  CHECK(error_key("[lti13]\n" + http) == "lti13.platforms.\"https://lms.example.org\".key_set_url");
  auto loopback = platform;
  loopback.replace(loopback.find("https://lms.example.org/jwks"), 28, "http://127.0.0.1:8080/jwks");
  CHECK(load("[lti13]\n" + loopback));  // http only to this machine
  CHECK(error_key("[lti13]\n" + platform + "deployment_ids = [\"\"]\n") ==
        "lti13.platforms.\"https://lms.example.org\".deployment_ids");
  CHECK(error_key("[lti13]\n" + platform + "extra = true\n") ==
        "lti13.platforms.\"https://lms.example.org\".extra");
}
