// LTI 1.3 logins kept by nobody (sealed states), registration invites, and what a registration
// may add: the checks that stop a login flood and a platform's takeover.
#include "lti/lti13/lti13_invite.hpp"
#include "lti/lti13/lti13_login.hpp"
#include "lti/lti13/registration.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace otrbot;
using nlohmann::json;

namespace {

constexpr std::int64_t now = 1'800'000'000;
const std::string key(32, 'k');

lti13::platform moodle() {
  lti13::platform p;
  p.issuer = "https://moodle.school.edu";
  p.client_id = "c-1";
  p.auth_login_url = "https://moodle.school.edu/mod/lti/auth.php";
  p.auth_token_url = "https://moodle.school.edu/mod/lti/token.php";
  p.key_set_url = "https://moodle.school.edu/mod/lti/certs.php";
  p.source = "registered";
  p.configuration_host = "moodle.school.edu";
  return p;
}

lti13::login_request request(std::size_t hint_size = 40) {
  lti13::login_request r;
  r.iss = "https://moodle.school.edu";
  r.login_hint = std::string(hint_size, 'h');
  r.lti_message_hint = "{\"cmid\":7}";
  r.target_link_uri = "https://bot.example.org/lti13/launch";
  r.client_id = "c-1";
  r.lti_deployment_id = "d-1";
  r.lti_storage_target = "_parent";
  return r;
}

} // namespace

TEST_CASE("a login's state carries what its launch needs, sealed, and nothing else is kept") {
  auto s = lti13::new_login(moodle(), request(), now);
  CHECK(s.expires == now + lti13::login_lifetime);
  CHECK(s.carried);
  auto state = lti13::seal_login(s, key);
  auto back = lti13::open_login(state, key, now + 10);
  REQUIRE(back);
  CHECK(back->id == s.id);
  CHECK(back->platform == lti13::platform_id{"https://moodle.school.edu", "c-1"});
  CHECK(back->request.login_hint == request().login_hint);
  CHECK(back->request.lti_message_hint == request().lti_message_hint);
  CHECK(back->request.lti_storage_target == "_parent");
  CHECK(back->request.lti_deployment_id == "d-1");
  // Expired, another key, one character changed: no login.
  CHECK_FALSE(lti13::open_login(state, key, now + lti13::login_lifetime));
  CHECK_FALSE(lti13::open_login(state, std::string(32, 'x'), now));
  auto changed = state;
  changed[5] = changed[5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(lti13::open_login(changed, key, now));
  CHECK_FALSE(lti13::open_login("", key, now));
  CHECK_FALSE(lti13::open_login("x.y", key, now));
  // Two logins: two ids, two nonces; nonce and binding differ, and come only from the key.
  auto other = lti13::new_login(moodle(), request(), now);
  CHECK(other.id != s.id);
  CHECK(lti13::login_nonce(key, s.id) != lti13::login_nonce(key, other.id));
  CHECK(lti13::login_nonce(key, s.id) != lti13::login_bind(key, s.id));
  CHECK(lti13::login_bind(key, s.id) != lti13::login_bind(std::string(32, 'x'), s.id));
  // The binding is not in the state the platform sees.
  CHECK(state.find(lti13::login_bind(key, s.id)) == std::string::npos);
}

TEST_CASE("long hints are not carried in the state, and overlong login fields are refused") {
  auto s = lti13::new_login(moodle(), request(lti13::max_carried_hints), now);
  CHECK_FALSE(s.carried);
  auto back = lti13::open_login(lti13::seal_login(s, key), key, now);
  REQUIRE(back);
  CHECK_FALSE(back->carried);
  CHECK(back->request.login_hint.empty());
  CHECK(lti13::seal_login(s, key).size() < 1024);
  lti::params form{{"iss", "https://moodle.school.edu"}, {"login_hint", std::string(4097, 'h')},
                   {"target_link_uri", "https://bot.example.org/lti13/launch"}};
  std::string why;
  CHECK_FALSE(lti13::read_login(form, why));
  CHECK(why == "the login's login_hint is longer than 4096 bytes");
  form[1].second = std::string(4096, 'h');
  CHECK(lti13::read_login(form, why));
}

TEST_CASE("an invite is sealed, expires, may name a host, and is refused when altered") {
  auto text = lti13::make_invite(key, now + 3600, "Moodle.School.edu");
  CHECK(text.starts_with("otrbot-invite:"));
  auto inv = lti13::read_invite("  " + text + "\n", key, now);
  REQUIRE(inv);
  CHECK(inv->expires == now + 3600);
  CHECK(inv->host == "moodle.school.edu");
  CHECK(inv->id.size() == 24);
  CHECK_FALSE(lti13::read_invite(text, key, now + 3600));
  CHECK_FALSE(lti13::read_invite(text, std::string(32, 'x'), now));
  CHECK_FALSE(lti13::read_invite(text.substr(14), key, now));
  auto altered = text;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  CHECK_FALSE(lti13::read_invite(altered, key, now));
  auto any = lti13::read_invite(lti13::make_invite(key, now + 60, ""), key, now);
  REQUIRE(any);
  CHECK(any->host.empty());
  CHECK(any->id != inv->id);
  CHECK(lti13::valid_invite_host("moodle.school.edu"));
  CHECK_FALSE(lti13::valid_invite_host("https://moodle.school.edu"));
  CHECK_FALSE(lti13::valid_invite_host("moodle.school.edu:443"));
  CHECK_FALSE(lti13::valid_invite_host(""));
}

TEST_CASE("a registration never replaces a platform nor speaks for another's issuer") {
  lti13::platforms all;
  auto hand = moodle();
  hand.issuer = "https://canvas.school.edu";
  hand.source = "config";
  hand.configuration_host.clear();
  all[{hand.issuer, hand.client_id}] = hand;
  all[{moodle().issuer, moodle().client_id}] = moodle();
  // The same (issuer, client_id): never replaced.
  CHECK(registration::conflict(all, moodle()).find("registered already") != std::string::npos);
  // Another client of a registered issuer, from its configuration host: a second placement.
  auto second = moodle();
  second.client_id = "c-2";
  CHECK(registration::conflict(all, second).empty());
  // ... from another host: refused.
  second.configuration_host = "evil.example";
  CHECK(registration::conflict(all, second).find("was registered from moodle.school.edu") != std::string::npos);
  // An issuer set by hand: no registration joins it.
  auto taker = hand;
  taker.client_id = "attacker";
  taker.source = "registered";
  taker.configuration_host = "canvas.school.edu";
  CHECK(registration::conflict(all, taker).find("set by hand") != std::string::npos);
  // A new issuer: fine.
  auto fresh = moodle();
  fresh.issuer = "https://brightspace.school.edu";
  CHECK(registration::conflict(all, fresh).empty());
}

TEST_CASE("only Canvas's issuers are taken from a configuration on another host") {
  json attacker{{"issuer", "https://moodle.school.edu"},
                {"authorization_endpoint", "https://evil.example/auth"},
                {"token_endpoint", "https://evil.example/token"},
                {"jwks_uri", "https://evil.example/jwks"},
                {"registration_endpoint", "https://evil.example/register"}};
  std::string why;
  // Every endpoint on the configuration's host used to be enough: not for another's issuer.
  CHECK_FALSE(registration::read_configuration(attacker.dump(), "https://evil.example/config", why));
  CHECK(why.find("not on the host of its configuration URL") != std::string::npos);
  auto canvas = attacker;
  canvas["issuer"] = "https://canvas.instructure.com";
  auto c = registration::read_configuration(canvas.dump(), "https://evil.example/config", why);
  REQUIRE(c);
  CHECK(c->configuration_host == "evil.example");
  auto p = registration::registered_platform(*c, R"({"client_id":"c-9"})", why);
  REQUIRE(p);
  CHECK(p->configuration_host == "evil.example");
  // ... and one Canvas school's registration cannot then be joined from another school's host.
  lti13::platforms all{{{p->issuer, p->client_id}, *p}};
  auto other = *p;
  other.client_id = "c-10";
  other.configuration_host = "school.instructure.com";
  CHECK_FALSE(registration::conflict(all, other).empty());
}

TEST_CASE("a platform's hosts: its URLs', its configuration's, and grade hosts set for it") {
  auto p = moodle();
  CHECK(lti13::on_platform_host(p, "https://moodle.school.edu/mod/lti/services.php/2/lineitems/7"));
  CHECK(lti13::on_platform_host(p, "https://MOODLE.school.edu:443/x"));
  CHECK_FALSE(lti13::on_platform_host(p, "https://evil.example/lineitems/7"));
  CHECK_FALSE(lti13::on_platform_host(p, "https://moodle.school.edu.evil.example/x"));
  CHECK_FALSE(lti13::on_platform_host(p, "ftp://moodle.school.edu/x"));
  p.grade_hosts = {"grades.school.edu"};
  CHECK(lti13::on_platform_host(p, "https://grades.school.edu/li/1"));
  auto back = lti13::decode_platform(lti13::encode_platform(p));
  REQUIRE(back);
  CHECK(back->configuration_host == "moodle.school.edu");
}
