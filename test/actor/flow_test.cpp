// The flow between actors, hop by hop, under CAF's deterministic scheduler: one student
// message, and one launch + JID + secret + code through the web actor.
#define CAF_SUITE flow
#include "actors/chat/session_manager.hpp"
#include "actors/lms/grade_keeper.hpp"
#include "actors/contract/interfaces.hpp"
#include "actors/web/web.hpp"
#include "lti/wire/oauth1.hpp"
#include "transport/otr/otr_session.hpp"

#include <caf/test/dsl.hpp>
#include <caf/test/unit_test_impl.hpp>

#include <regex>

using namespace otrbot;

namespace {

const bool otr_ready = otr::initialize();

// (Each stand-in takes an argument: CAF 0.17 spawning a function without
// arguments dereferences a null pointer, which UBSan reports.)
xmpp_gateway_actor::behavior_type quiet_gateway(xmpp_gateway_actor::pointer, std::string) {
  return {
    [](atoms::start) {},
    [](atoms::stop) {},
    [](xmpp::outbound_message&) {},
    [](xmpp::outbound_presence&) {},
    [](xmpp::roster_change&) {},
    [](xmpp::software_query&) {},
    [](xmpp::pep_item&) {},
    [](xmpp::pep_query&) {},
  };
}

outcomes_actor::behavior_type quiet_outcomes(outcomes_actor::pointer, std::string) {
  return {[](atoms::grade, store::grade&) {}, [](atoms::retry, store::grade&) {},
          [](atoms::lti13_platform, const lti13::platform&) {}};
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string form(const lti::params& fields) {
  std::string out;
  for (const auto& [k, v] : fields)
    out += (out.empty() ? "" : "&") + lti::percent_encode(k) + "=" + lti::percent_encode(v);
  return out;
}

/// An LTI 1.1 launch of a graded learner, signed as an LMS signs it.
lti::web_request launch_request() {
  lti::params p{{"lti_message_type", "basic-lti-launch-request"},
                {"lti_version", "LTI-1p0"},
                {"resource_link_id", "r1"},
                {"user_id", "u1"},
                {"roles", "Learner"},
                {"lis_outcome_service_url", "https://lms.example/outcomes"},
                {"lis_result_sourcedid", "sid-1"},
                {"oauth_consumer_key", "key"},
                {"oauth_nonce", "nonce-" + std::to_string(now())},
                {"oauth_timestamp", std::to_string(now())},
                {"oauth_signature_method", "HMAC-SHA1"},
                {"oauth_version", "1.0"}};
  p.emplace_back("oauth_signature",
                 lti::hmac_sha1(lti::signature_base_string("POST", "http://127.0.0.1:5000/", p), "secret"));
  lti::web_request r;
  r.method = "POST";
  r.path = "/";
  r.host = "127.0.0.1:5000";
  r.body = form(p);
  return r;
}

struct fixture : test_coordinator_fixture<> {
  bool trigger_timeout() override { return false; }

  ~fixture() override {
    self->send_exit(web, caf::exit_reason::kill);
    self->send_exit(manager, caf::exit_reason::kill);
    run();
  }

  xmpp_gateway_actor gateway = sys.spawn(quiet_gateway, std::string{"gateway"});
  outcomes_actor outcomes = sys.spawn(quiet_outcomes, std::string{"outcomes"});
  grade_keeper_actor grades = sys.spawn(grade_keeper, grade_keeper_config{{}, outcomes, {}});
  session_manager_actor manager;
  web_actor web;
  std::string token, csrf;

  fixture() {
    session_manager_config mc;
    mc.whitelist = {{"alice@x.org", "en_GB"}};
    mc.session_defaults.account = "bot@x.org";
    mc.grades = grades;
    manager = sys.spawn(session_manager, std::move(mc));
    self->send(manager, atoms::gateway_v, gateway);
    web_config wc;
    wc.pages.lti.listen = "127.0.0.1:5000";
    wc.pages.lti.consumers = {{"key", "secret"}};
    wc.pages.catalogs = std::make_shared<const i18n::catalogs>(i18n::source_only());
    wc.pages.token_key = "test-key";
    wc.manager = manager;
    web = sys.spawn(otrbot::web, std::move(wc));
    run();
  }

  session_actor session_of(const std::string& jid) {
    return deref<session_manager_actor::stateful_base<session_manager_state>>(manager)
      .state.sessions.at(jid)
      .actor;
  }

  /// The web actor's answer to the request sent last; remembers the page's token and CSRF token.
  lti::web_response answer() {
    lti::web_response out;
    self->receive([&](lti::web_response& r) { out = std::move(r); },
                  caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("no web_response"); });
    std::smatch m;
    if (std::regex_search(out.body, m, std::regex{"name=\"csrf\" value=\"([0-9a-f]+)\""}))
      csrf = m[1];
    if (std::regex_search(out.body, m, std::regex{"\\?s=([^\"&]+)\""})) {
      bool ok = true;
      token = lti::percent_decode(m[1].str(), false, ok);
    }
    return out;
  }

  lti::web_request post(const std::string& path, lti::params fields) {
    fields.emplace_back("s", token);
    fields.emplace_back("csrf", csrf);
    lti::web_request r;
    r.method = "POST";
    r.path = path;
    r.body = form(fields);
    return r;
  }

  lti::web_request get(const std::string& path) {
    lti::web_request r;
    r.method = "GET";
    r.path = path;
    r.query = {{"s", token}};
    return r;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(flow_tests, fixture)

CAF_TEST(one student message goes manager then session then two lines to the gateway and activity back) {
  CAF_REQUIRE(otr_ready);
  self->send(manager, xmpp::inbound_message{"alice@x.org/phone", "hello"});
  expect((xmpp::inbound_message), from(self).to(manager));
  // The first words of a program the bot cannot name yet: does its account publish an OMEMO
  // device list (then its lesson is OMEMO's)?
  expect((xmpp::pep_query), from(manager).to(gateway)
                              .with(xmpp::pep_query{"alice@x.org", "eu.siacs.conversations.axolotl.devicelist"}));
  // A resource the bot had not seen online: it learns that the bot is online (directed presence).
  expect((xmpp::outbound_presence), from(manager).to(gateway)
                                      .with(xmpp::outbound_presence{"alice@x.org/phone", "available", ""}));
  auto session = session_of("alice@x.org");
  expect((xmpp::inbound_message), from(manager).to(session));
  // The lesson's first step, told by the session as it starts.
  expect((atoms::step_reached, std::string, lti::step_view), from(session).to(manager).with(_, _, lesson::otr_plan().describe(lesson::step::awaiting_encryption)));
  // Its key is ready (made inline here): the fingerprint the student's page shows.
  expect((atoms::live_changed, std::string, live_progress), from(session).to(manager));
  // Which program the student's resource is (XEP-0092): asked once, the steps then use its words.
  expect((xmpp::software_query), from(session).to(gateway).with(xmpp::software_query{"alice@x.org/phone"}));
  expect((xmpp::outbound_message), from(session).to(gateway));  // the greeting
  expect((xmpp::outbound_message), from(session).to(gateway));  // Step 1 (once)
  expect((atoms::activity, std::string), from(session).to(manager).with(_, "alice@x.org"));
  run();
}

CAF_TEST(one launch then JID then secret then code go through web and manager and session hop by hop) {
  CAF_REQUIRE(otr_ready);
  // The launch: answered by the web actor alone.
  self->send(web, launch_request());
  expect((lti::web_request), from(self).to(web));
  auto page = answer();
  CAF_CHECK_EQUAL(page.status, 200);
  CAF_CHECK(page.body.find("Step 0 of 4") != std::string::npos);
  self->send(web, get("/enter_jid"));
  expect((lti::web_request), from(self).to(web));
  CAF_CHECK_EQUAL(answer().status, 200);

  // The JID: only claimed; the page shows the word that must come from it.
  self->send(web, post("/enter_jid", {{"jid", "Carol@X.org"}}));
  expect((lti::web_request), from(self).to(web));
  expect((atoms::claim_jid, jid_claim), from(web).to(manager));
  expect((claim_state), from(manager).to(web).with(claim_state::pending));
  CAF_CHECK_EQUAL(answer().status, 303);
  self->send(web, get("/jid_entered"));
  expect((lti::web_request), from(self).to(web));
  expect((atoms::claim_jid, jid_claim), from(web).to(manager));
  expect((claim_state), from(manager).to(web).with(claim_state::pending));
  auto proof_page = answer();
  auto at = proof_page.body.find("id=\"jid_proof\">");
  CAF_REQUIRE(at != std::string::npos);
  auto word = proof_page.body.substr(at + 15, 6);

  // Words from the JID without the word: nothing is answered, nobody is whitelisted.
  self->send(manager, xmpp::inbound_message{"carol@x.org/phone", "hello"});
  expect((xmpp::inbound_message), from(self).to(manager));
  disallow((xmpp::outbound_presence), from(manager).to(gateway));
  // The word from the JID: whitelisted for that visit (with its grade); the message is the
  // student's first words to the bot.
  self->send(manager, xmpp::inbound_message{"carol@x.org/phone", "my word is " + word});
  expect((xmpp::inbound_message), from(self).to(manager));
  expect((xmpp::outbound_presence), from(manager).to(gateway));
  // The visit's graded launch goes to the LMS side's grade keeper, which sends the grade when
  // the manager says carol completed.
  expect((atoms::grade_when_done, std::string, grade_job), from(manager).to(grades));
  run();
  CAF_CHECK_EQUAL(session_of("carol@x.org") != nullptr, true);
  self->send(web, get("/jid_entered"));
  expect((lti::web_request), from(self).to(web));
  expect((atoms::claim_jid, jid_claim), from(web).to(manager));
  expect((claim_state), from(manager).to(web).with(claim_state::bound));
  expect((atoms::step, xmpp::bare_jid), from(web).to(manager));
  expect((lti::step_view), from(manager).to(web));
  auto bound_page = answer();
  CAF_CHECK_EQUAL(bound_page.status, 200);
  CAF_CHECK(bound_page.body.find("jid_proof") == std::string::npos);

  // The secret: the manager hands it to the student's session, which tells
  // the student too; the manager notes that a secret was given and answers.
  self->send(web, post("/ask_for_secret", {{"secret", "purple tractor 42"}}));
  expect((lti::web_request), from(self).to(web));
  expect((atoms::set_secret, xmpp::bare_jid, std::string), from(web).to(manager));
  auto session = session_of("carol@x.org");
  expect((atoms::set_secret, std::string), from(manager).to(session));
  expect((xmpp::outbound_message), from(session).to(gateway));
  expect((bool), from(session).to(manager).with(true));
  expect((bool), from(manager).to(web).with(true));
  CAF_CHECK_EQUAL(answer().status, 303);

  // A code of the right form but not the right one: the step, then the check.
  self->send(web, post("/enter_bot_secret", {{"bot_secret", "zzzz zzzz"}}));
  expect((lti::web_request), from(self).to(web));
  expect((atoms::step, xmpp::bare_jid), from(web).to(manager));
  expect((lti::step_view), from(manager).to(web));
  expect((atoms::check_code, xmpp::bare_jid, std::string), from(web).to(manager));
  expect((bool), from(manager).to(web).with(false));
  auto refused = answer();
  CAF_CHECK_EQUAL(refused.status, 400);
  CAF_CHECK(refused.body.find("That is not the code the bot sent you") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
