// LTI 1.3's id_token checks, login redirect, grade keys, AGS documents and dynamic registration.
#include "lti/lti13/ags.hpp"
#include "lti/lti13/lti13.hpp"
#include "lti/lti13/registration.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;
using nlohmann::json;

namespace {

constexpr std::int64_t now = 1'800'000'000;
const std::string prefix = lti13::claim_prefix;

const jose::key& platform_key() {
  static const auto k = jose::generate_rsa(2048);
  return k;
}

lti13::platform test_platform() {
  lti13::platform p;
  p.issuer = "https://lms.example.org";
  p.client_id = "client-1";
  p.auth_login_url = "https://lms.example.org/auth?x=1";
  p.auth_token_url = "https://lms.example.org/token";
  p.key_set_url = "https://lms.example.org/jwks";
  p.deployment_ids = {"d1"};
  return p;
}

json claims() {
  return {{"iss", "https://lms.example.org"},
          {"aud", "client-1"},
          {"sub", "user-7"},
          {"nonce", "n-1"},
          {"iat", now},
          {"exp", now + 300},
          {"given_name", "Ada"},
          {"family_name", "L"},
          {prefix + "deployment_id", "d1"},
          {prefix + "message_type", "LtiResourceLinkRequest"},
          {prefix + "version", "1.3.0"},
          {prefix + "roles", {"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"}},
          {prefix + "resource_link", {{"id", "rl-1"}}},
          {prefix + "context", {{"title", "Privacy"}}},
          {prefix + "launch_presentation", {{"locale", "de-DE"}}},
          {lti13::ags_endpoint_claim,
           {{"scope", {lti13::score_scope}}, {"lineitem", "https://lms.example.org/li/1"}}}};
}

lti13::launch_check check(const json& c, const lti13::platform& p = test_platform(),
                          const std::string& kid = "pk") {
  auto token = jose::sign_rs256(platform_key(), {{"kid", kid}}, c);
  std::string why;
  auto t = jose::parse(token, why);
  REQUIRE(t);
  json jwks{{"keys", {jose::public_jwk(platform_key(), "pk")}}};
  return lti13::validate_id_token(*t, p, jwks, "n-1", now);
}

std::string refusal(json c) {
  auto r = check(c);
  REQUIRE(r.error);
  return r.error->message;
}

} // namespace

TEST_CASE("a valid id_token becomes a launch with the AGS line item as its grade URL") {
  auto r = check(claims());
  REQUIRE(r.value);
  const auto& l = r.value->launch;
  CHECK(l.user_id == "user-7");
  CHECK(l.person_name == "Ada L");
  CHECK(l.learner);
  CHECK_FALSE(l.instructor);
  CHECK(l.locale == "de-DE");
  CHECK(l.context_title == "Privacy");
  CHECK(l.consumer_key == "lti13 https://lms.example.org client-1");
  CHECK(l.outcome_url == "https://lms.example.org/li/1");
  CHECK(l.result_sourcedid == "user-7");
  CHECK(l.gradable());
  CHECK_FALSE(r.value->new_deployment);
  CHECK(r.value->target_link_uri.empty());  // not said: the web side checks it only when said
  auto c = claims();
  c[prefix + "target_link_uri"] = "https://bot.example.org/lti13/launch";
  CHECK(check(c).value->target_link_uri == "https://bot.example.org/lti13/launch");
}

TEST_CASE("every claim that does not hold refuses the launch") {
  auto with = [](const std::string& name, json v) {
    auto c = claims();
    c[name] = std::move(v);
    return c;
  };
  auto without = [](const std::string& name) {
    auto c = claims();
    c.erase(name);
    return c;
  };
  CHECK(refusal(with("iss", "https://other.example")) == "the token comes from another platform (iss)");
  CHECK(refusal(with("aud", "client-2")) == "the token is meant for another tool (aud)");
  CHECK(refusal(with("aud", {"client-1", "client-2"})) == "the token is meant for another tool (aud)");
  auto azp = with("aud", {"client-1", "client-2"});
  azp["azp"] = "client-1";
  CHECK(check(azp).value);
  CHECK(refusal(with("azp", "client-2")) == "the token is meant for another tool (aud)");
  CHECK(refusal(with("exp", now - lti13::leeway - 1)) == "the token has expired");
  CHECK(check(with("exp", now - lti13::leeway + 1)).value);  // within the leeway
  CHECK(refusal(with("iat", now + lti13::leeway + 1)) == "the token was issued in the future (check the clocks)");
  CHECK(refusal(without("exp")) == "the token has no exp or iat");
  // A time beyond any integer is no time (it once converted, undefined, to whatever).
  CHECK(refusal(with("exp", 1.0e30)) == "the token has no exp or iat");
  CHECK(refusal(with("iat", -1.0e30)) == "the token has no exp or iat");
  // nbf in the future beyond the leeway, a lifetime of years, and any crit are refused.
  CHECK(refusal(with("nbf", now + lti13::leeway + 1)) == "the token is not valid yet (nbf)");
  CHECK(refusal(with("nbf", "soon")) == "the token is not valid yet (nbf)");
  CHECK(check(with("nbf", now - 10)).value);
  CHECK(refusal(with("exp", now + 10 * 365 * 24 * 3600LL)) ==
        "the token is valid for too long (exp minus iat is over a day)");
  CHECK(refusal(with("nonce", "n-2")) == "the token's nonce is not this login's");
  CHECK(refusal(with(prefix + "deployment_id", "")) == "the token has no deployment_id");
  CHECK(refusal(with(prefix + "message_type", "LtiDeepLinkingRequest")) ==
        "the token is not a resource link launch (message_type)");
  CHECK(refusal(with(prefix + "version", "1.3")) == "the token is not LTI version 1.3.0");
  CHECK(refusal(without(prefix + "roles")) == "the token has no roles");
  CHECK(refusal(with(prefix + "resource_link", {{"title", "x"}})) == "the token has no resource_link id");
  CHECK(refusal(without("sub")) == "the token names no user (sub)");
}

TEST_CASE("deployments: fixed ones refuse others, open ones accept and mark them new") {
  auto c = claims();
  c[prefix + "deployment_id"] = "d9";
  auto open = check(c);
  REQUIRE(open.value);
  CHECK(open.value->new_deployment);
  auto p = test_platform();
  p.fixed_deployments = true;
  auto fixed = check(c, p);
  REQUIRE(fixed.error);
  CHECK(fixed.error->status == 403);
}

TEST_CASE("the signature and the key: other keys, unknown kids and other algorithms are refused") {
  auto unknown = check(claims(), test_platform(), "rotated");
  REQUIRE(unknown.error);
  CHECK(unknown.unknown_key);
  std::string why;
  auto other = jose::generate_rsa(2048);
  auto t = jose::parse(jose::sign_rs256(other, {{"kid", "pk"}}, claims()), why);
  json jwks{{"keys", {jose::public_jwk(platform_key(), "pk")}}};
  auto r = lti13::validate_id_token(*t, test_platform(), jwks, "n-1", now);
  REQUIRE(r.error);
  CHECK(r.error->message == std::string{"the token's signature is wrong"});
  auto none = jose::parse(jose::base64url_encode(R"({"alg":"none"})") + "." +
                            jose::base64url_encode(claims().dump()) + ".", why);
  REQUIRE(none);
  CHECK_FALSE(lti13::signing_key_id(*none, why));
  r = lti13::validate_id_token(*none, test_platform(), jwks, "n-1", now);
  REQUIRE(r.error);
  CHECK(r.error->message == std::string{"the token is not signed with RS256"});
}

TEST_CASE("an instructor's launch and one without a line item are not graded") {
  auto c = claims();
  c[prefix + "roles"] = {"http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"};
  auto r = check(c);
  REQUIRE(r.value);
  CHECK(r.value->launch.instructor);
  CHECK_FALSE(r.value->launch.gradable());
  c = claims();
  c[lti13::ags_endpoint_claim]["scope"] = {"https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"};
  r = check(c);
  REQUIRE(r.value);
  CHECK_FALSE(r.value->launch.gradable());
}

TEST_CASE("the login's redirect carries the OIDC request; platforms are found by issuer and client") {
  std::string why;
  CHECK_FALSE(lti13::read_login({{"iss", "x"}}, why));
  auto login = lti13::read_login({{"iss", "https://lms.example.org"}, {"login_hint", "h 1"},
                                  {"target_link_uri", "https://bot/lti13/launch"},
                                  {"lti_message_hint", "m&2"}}, why);
  REQUIRE(login);
  auto url = lti13::auth_redirect(test_platform(), *login, "https://bot/lti13/launch", "st", "no");
  CHECK(url == "https://lms.example.org/auth?x=1&scope=openid&response_type=id_token"
               "&response_mode=form_post&prompt=none&client_id=client-1"
               "&redirect_uri=https%3A%2F%2Fbot%2Flti13%2Flaunch&login_hint=h%201&state=st&nonce=no"
               "&lti_message_hint=m%262");
  lti13::platforms all{{{"https://lms.example.org", "client-1"}, test_platform()}};
  CHECK(lti13::find_platform(all, "https://lms.example.org", "") != nullptr);
  CHECK(lti13::find_platform(all, "https://lms.example.org", "client-2") == nullptr);
  auto second = test_platform();
  second.client_id = "client-2";
  all[{second.issuer, second.client_id}] = second;
  CHECK(lti13::find_platform(all, "https://lms.example.org", "") == nullptr);  // which one?
  CHECK(lti13::find_platform(all, "https://lms.example.org", "client-2")->client_id == "client-2");
}

TEST_CASE("grade keys and platforms round-trip") {
  // A grade target is kept in text columns; an AGS line item under "lti13 <issuer> <client>".
  lti::grade_target ags = lti::ags_line_item{"https://lms.example.org/li/1", "u-7",
                                             "https://lms.example.org", "client 1"};
  CHECK(lti::columns_of(ags).consumer_key == "lti13 https://lms.example.org client 1");
  CHECK(lti::target_of(lti::columns_of(ags)) == ags);
  lti::grade_target outcome = lti::lti11_outcome{"https://lms.example.org/o", "s-1", "course-key"};
  CHECK(lti::target_of(lti::columns_of(outcome)) == outcome);
  // A key that only looks like an LTI 1.3 one is an LTI 1.1 consumer's.
  CHECK(std::holds_alternative<lti::lti11_outcome>(
    lti::target_of({"https://x.org/o", "s", "lti13 https://lms.example.org"})));
  CHECK(lti::same_result(ags, lti::ags_line_item{"https://lms.example.org/li/2", "u-7",
                                                  "https://lms.example.org", "client 1"}));
  CHECK_FALSE(lti::same_result(ags, outcome));
  auto p = test_platform();
  p.source = "registered";
  auto back = lti13::decode_platform(lti13::encode_platform(p));
  REQUIRE(back);
  CHECK(back->deployment_ids == p.deployment_ids);
  CHECK(back->key_set_url == p.key_set_url);
  CHECK(back->source == "registered");
  CHECK_FALSE(lti13::decode_platform("{}"));
}

TEST_CASE("AGS: the client assertion, the token answer, the scores URL and the score") {
  auto assertion = ags::client_assertion(platform_key(), "tool-1", "client-1",
                                         "https://lms.example.org/token", "jti-1", now);
  std::string why;
  auto t = jose::parse(assertion, why);
  REQUIRE(t);
  CHECK(t->header["kid"] == "tool-1");
  CHECK(t->claims["iss"] == "client-1");
  CHECK(t->claims["sub"] == "client-1");
  CHECK(t->claims["aud"] == "https://lms.example.org/token");
  CHECK(t->claims["exp"].get<std::int64_t>() - now == 300);
  CHECK(jose::verify_rs256(*t, jose::key_from_jwk(jose::public_jwk(platform_key(), "tool-1"), why)));
  auto body = ags::token_request(assertion, lti13::score_scope);
  CHECK(body.starts_with("grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams"));
  auto token = ags::read_token_response(R"({"access_token":"abc","token_type":"Bearer","expires_in":600})", now, why);
  REQUIRE(token);
  CHECK(token->value == "abc");
  CHECK(token->expires_at == now + 540);
  CHECK_FALSE(ags::read_token_response(R"({"error":"invalid_client"})", now, why));
  CHECK(why.find("invalid_client") != std::string::npos);
  CHECK_FALSE(ags::read_token_response(R"({"access_token":"a","token_type":"mac"})", now, why));
  CHECK(ags::scores_url("https://lms/li/1") == "https://lms/li/1/scores");
  CHECK(ags::scores_url("https://lms/li/1/?type=2") == "https://lms/li/1/scores?type=2");
  auto score = json::parse(ags::score_body("user-7", 1.0, 1'800'000'000'042));
  CHECK(score["userId"] == "user-7");
  CHECK(score["scoreGiven"] == 1.0);
  CHECK(score["scoreMaximum"] == 1);
  CHECK(score["activityProgress"] == "Completed");
  CHECK(score["gradingProgress"] == "FullyGraded");
  CHECK(score["timestamp"] == "2027-01-15T08:00:00.042Z");
}

TEST_CASE("dynamic registration: the configuration is checked, the request names the tool") {
  json config{{"issuer", "https://lms.example.org"},
              {"authorization_endpoint", "https://lms.example.org/auth"},
              {"token_endpoint", "https://lms.example.org/token"},
              {"jwks_uri", "https://lms.example.org/jwks"},
              {"registration_endpoint", "https://lms.example.org/register"},
              {"id_token_signing_alg_values_supported", {"RS256"}}};
  std::string why;
  auto c = registration::read_configuration(config.dump(), "https://lms.example.org/.well-known/x", why);
  REQUIRE(c);
  CHECK_FALSE(registration::read_configuration(config.dump(), "https://evil.example/.well-known/x", why));
  CHECK(why.find("not on the host") != std::string::npos);
  // Canvas: one issuer for every instance, the endpoints on the host that serves the configuration.
  auto canvas = config;
  canvas["issuer"] = "https://canvas.instructure.com";
  for (const char* k : {"authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"})
    canvas[k] = "https://sso.canvaslms.com/" + std::string{k};
  CHECK(registration::read_configuration(canvas.dump(), "https://sso.canvaslms.com/api/lti/x", why));
  CHECK_FALSE(registration::read_configuration(canvas.dump(), "https://evil.example/x", why));
  // Another issuer with every endpoint on the configuration's host: not Canvas, refused.
  auto not_canvas = canvas;
  not_canvas["issuer"] = "https://lms.example.org";
  CHECK_FALSE(registration::read_configuration(not_canvas.dump(), "https://sso.canvaslms.com/api/lti/x", why));
  auto no_rs256 = config;
  no_rs256["id_token_signing_alg_values_supported"] = {"ES256"};
  CHECK_FALSE(registration::read_configuration(no_rs256.dump(), "https://lms.example.org/c", why));
  auto no_token = config;
  no_token.erase("token_endpoint");
  CHECK_FALSE(registration::read_configuration(no_token.dump(), "https://lms.example.org/c", why));
  auto request = json::parse(registration::registration_request({"https://bot.example.org", "OTR Bot", "d", ""}));
  CHECK(request["initiate_login_uri"] == "https://bot.example.org/lti13/login");
  CHECK(request["redirect_uris"] == json{"https://bot.example.org/lti13/launch"});
  CHECK(request["jwks_uri"] == "https://bot.example.org/lti13/jwks");
  CHECK(request["scope"] == lti13::score_scope);
  CHECK(request["https://purl.imsglobal.org/spec/lti-tool-configuration"]["domain"] == "bot.example.org");
  auto p = registration::registered_platform(
    *c, R"({"client_id":"c-9","https://purl.imsglobal.org/spec/lti-tool-configuration":{"deployment_id":"7"}})", why);
  REQUIRE(p);
  CHECK(p->client_id == "c-9");
  CHECK(p->deployment_ids == std::set<std::string>{"7"});
  CHECK_FALSE(p->fixed_deployments);
  CHECK_FALSE(registration::registered_platform(*c, "{}", why));
  // A forged log line or a terminal escape in what the platform calls itself is refused.
  CHECK_FALSE(registration::registered_platform(*c, R"({"client_id":"c-9\r\nINFO forged"})", why));
  auto crlf = config;
  crlf["issuer"] = "https://lms.example.org/\x1b[2J";
  CHECK_FALSE(registration::read_configuration(crlf.dump(), "https://lms.example.org/c", why));
  CHECK(registration::url_host("https://User@LMS.example.org:8443/x") == "lms.example.org");
}

TEST_CASE("a line item on a host that is not the platform's is refused: the tool's token goes there") {
  auto c = claims();
  c[lti13::ags_endpoint_claim]["lineitem"] = "https://evil.example/li/1";
  auto r = check(c);
  REQUIRE(r.error);
  CHECK(r.error->status == 400);
  CHECK(r.detail.find("grade_hosts") != std::string::npos);
  auto p = test_platform();
  p.grade_hosts = {"evil.example"};
  auto ok = check(c, p);
  REQUIRE(ok.value);
  CHECK(ok.value->launch.outcome_url == "https://evil.example/li/1");
}

TEST_CASE("an id_token that asks for extensions (crit) is refused, however well signed") {
  auto token = jose::sign_rs256(platform_key(), {{"kid", "pk"}, {"crit", {"exp"}}}, claims());
  std::string why;
  auto t = jose::parse(token, why);
  REQUIRE(t);
  json jwks{{"keys", {jose::public_jwk(platform_key(), "pk")}}};
  auto r = lti13::validate_id_token(*t, test_platform(), jwks, "n-1", now);
  REQUIRE(r.error);
  CHECK(r.error->message == std::string{"the token needs extensions the bot does not know (crit)"});
}
