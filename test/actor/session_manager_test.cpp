// The session manager with deterministic scheduling: whitelist, lazy sessions, failure isolation.
#define CAF_SUITE session_manager
#include "actors/chat/session_manager.hpp"
#include "actors/lms/grade_keeper.hpp"
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/store/store_db.hpp"

#include "transport/base/bot_metrics.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/otr/otr_session.hpp"
#include "test/actor/fakes.hpp"

#include <caf/test/dsl.hpp>
#include <caf/test/unit_test_impl.hpp>

#include <algorithm>
#include <memory>

using namespace otrbot;

namespace {

const bool otr_ready = otr::initialize();
using fakes::recording_gateway;
using fakes::sent_log;

/// A JID as the web side hands it over: parsed.
xmpp::bare_jid bare(const std::string& jid) {
  auto parsed = xmpp::parse_bare_jid(jid);
  return parsed ? parsed.bare() : xmpp::bare_jid{};
}

/// Stands in for the grade sender: writes down every grade it is asked to send.
outcomes_actor::behavior_type recording_outcomes(outcomes_actor::pointer, sent_log log) {
  return {[log](atoms::grade, store::grade& job) {
             auto c = lti::columns_of(job.target);
             log->push_back("grade " + c.sourcedid + " to " + c.url);
           },
           [](atoms::retry, store::grade&) {}, [](atoms::lti13_platform, const lti13::platform&) {}};
}

/// A session that fails on its first message, as a bug would make it.
session_actor::behavior_type failing_session(session_actor::pointer self, std::string jid) {
  return {
    [self, jid](xmpp::inbound_message&) {
      CAF_MESSAGE("the session of " << jid << " fails");
      self->quit(caf::sec::runtime_error);
    },
    [](xmpp::inbound_software&) {},
    [](xmpp::inbound_pep&) {},
    [](atoms::set_secret, std::string&) { return false; },
    [](atoms::warn, std::int64_t) {},
    [](atoms::code_accepted) {},
    [](atoms::sign_out, bool) { return true; },
    [](atoms::offline, std::string&) {},
    [](atoms::type_next) {},
    [](atoms::otr_poll) {},
  };
}

struct fixture : fakes::manager_fixture {
  sent_log sent = std::make_shared<std::vector<std::string>>();
  xmpp_gateway_actor gateway;
  outcomes_actor outcomes;
  grade_keeper_actor grades;

  bool directed = false;                 ///< set before start(): record directed presences
  std::string code_key;                  ///< set before start(): codes are kept as HMACs
  std::vector<store::student> restored;  ///< set before start(): what a store had
  std::vector<jid_claim> restored_claims;  ///< set before start(): the stored visits' claims

  std::chrono::seconds stuck_after{600};

  void start(session_factory factory = {}, bool typed = false) {
    session_manager_config mc;
    mc.code_key = code_key;
    mc.restored = restored;
    mc.restored_claims = restored_claims;
    mc.session_defaults.scheduled_msg_say = typed;
    mc.session_defaults.type_speed = 50;
    mc.whitelist = {{"alice@x.org", "en_GB"}, {"bob@x.org", "nl_NL"}};
    mc.session_defaults.format_strings = {
      {"bot_title", "Tutor"}, {"bot_description", "a tutor bot"}, {"project_name", "CS101"}};
    mc.session_defaults.account = "bot@x.org";
    mc.warning_timeout = std::chrono::seconds{100};
    mc.session_timeout = std::chrono::seconds{200};
    mc.check_interval = std::chrono::seconds{10};
    mc.stuck_after = stuck_after;
    mc.spawn_session = std::move(factory);
    outcomes = sys.spawn(recording_outcomes, sent);
    mc.grades = grades = sys.spawn(grade_keeper, grade_keeper_config{{}, outcomes, {}});
    gateway = sys.spawn(recording_gateway, sent, directed);
    manager = sys.spawn(session_manager, std::move(mc));
    self->send(manager, atoms::gateway_v, gateway);
    run();
  }

  std::vector<std::string> sessions() {
    self->send(manager, atoms::sessions_v);
    run();
    std::vector<std::string> out;
    self->receive([&](std::vector<std::string>& v) { out = std::move(v); },
                  caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("no answer"); });
    return out;
  }

  /// "" when whitelisted, else the ec and its detail. The JID is parsed here, as the pages and
  /// the admin API parse it at their edge: what reaches the manager is a parsed bare JID.
  std::string add(const std::string& jid) {
    auto parsed = xmpp::parse_bare_jid(jid);
    CAF_REQUIRE(parsed);
    return add(parsed.bare());
  }
  std::string add(const xmpp::bare_jid& jid) {
    self->send(manager, atoms::add_jid_v,
               store::whitelist_request{jid, "en_GB", store::whitelist_source::admin, "a test"});
    run();
    std::string out = "no answer";
    self->receive([&](bool) { out = ""; },
                  [&](caf::error& err) {
                    out = is(err, ec::invalid_jid) ? "invalid_jid: " + detail_of(err) : "other";
                  },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }

  void from(const std::string& jid, const std::string& body) {
    self->send(manager, xmpp::inbound_message{jid, body});
    run();
  }

  /// The page's answer to a typed code: "right", "wrong" or "no session".
  std::string code(const std::string& jid, const std::string& typed) {
    self->send(manager, atoms::check_code_v, bare(jid), typed);
    run();
    std::string r = "no answer";
    self->receive([&](bool ok) { r = ok ? "right" : "wrong"; },
                  [&](caf::error& e) { r = is(e, ec::no_session) ? "no session" : "other"; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    return r;
  }

  bool said(const std::string& words) {
    return std::any_of(sent->begin(), sent->end(),
                       [&](const std::string& line) { return line.find(words) != std::string::npos; });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_manager_tests, fixture)

CAF_TEST(a whitelisted student gets a session on the first message and a greeting) {
  CAF_REQUIRE(otr_ready);
  start();
  CAF_CHECK(sessions().empty());
  from("alice@x.org/phone", "hello");
  // The greeting and Step 1 answer "hello": Step 1 once, not twice.
  CAF_REQUIRE_EQUAL(sent->size(), 2u);
  CAF_CHECK(sent->at(0).rfind("message alice@x.org/phone: Hello! I am Tutor", 0) == 0);
  CAF_CHECK(sent->at(1).find("Step 1: start an encrypted OTR conversation") != std::string::npos);
  CAF_CHECK_EQUAL(sessions(), std::vector<std::string>{"alice@x.org"});
  from("Alice@X.org/laptop", "again");  // the same student from another resource
  CAF_CHECK_EQUAL(sessions(), std::vector<std::string>{"alice@x.org"});
  CAF_REQUIRE_EQUAL(sent->size(), 3u);
  CAF_CHECK(sent->at(2).find("Step 1:") != std::string::npos);  // the reply to "again"
  CAF_CHECK(sent->back().rfind("message Alice@X.org/laptop: ", 0) == 0);
}

CAF_TEST(a stranger gets no answer and no session) {
  start();
  from("mallory@evil.org/x", "let me in");
  self->send(manager, xmpp::inbound_presence{"mallory@evil.org/x", "subscribe"});
  run();
  CAF_CHECK(sent->empty());
  CAF_CHECK(sessions().empty());
}

CAF_TEST(the bot appears online to each resource of a student once by a directed presence) {
  directed = true;
  start();
  self->send(manager, xmpp::inbound_presence{"alice@x.org/phone", "available"});
  self->send(manager, xmpp::inbound_presence{"alice@x.org/phone", "available"});  // a status change
  run();
  CAF_CHECK_EQUAL(*sent, (std::vector<std::string>{"presence alice@x.org/phone available"}));
  sent->clear();
  from("alice@x.org/phone", "hi");  // seen online already: no second presence
  from("alice@x.org/laptop", "hi");  // a resource that never showed its presence (no subscription)
  CAF_CHECK_EQUAL(std::count(sent->begin(), sent->end(), "presence alice@x.org/laptop available"), 1);
  CAF_CHECK_EQUAL(std::count(sent->begin(), sent->end(), "presence alice@x.org/phone available"), 0);
  sent->clear();
  self->send(manager, xmpp::inbound_presence{"alice@x.org/phone", "unavailable"});
  self->send(manager, xmpp::inbound_presence{"alice@x.org/phone", "available"});  // back online
  self->send(manager, xmpp::inbound_presence{"mallory@evil.org/x", "available"});  // a stranger
  run();
  CAF_CHECK_EQUAL(*sent, (std::vector<std::string>{"presence alice@x.org/phone available"}));
}

CAF_TEST(a whitelisted subscription request is approved and returned) {
  start();
  self->send(manager, xmpp::inbound_presence{"bob@x.org/pc", "subscribe"});
  run();
  CAF_CHECK_EQUAL(*sent, (std::vector<std::string>{"presence bob@x.org subscribed",
                                                   "presence bob@x.org subscribe"}));
}

CAF_TEST(the roster after login is synced with the whitelist) {
  start();
  self->send(manager, roster_snapshot{{{"alice@x.org", "both", false}, {"old@x.org", "both", false}}});
  run();
  CAF_CHECK_EQUAL(*sent, (std::vector<std::string>{
                           "presence * available", "presence bob@x.org subscribed",
                           "presence bob@x.org subscribe", "presence bob@x.org available",
                           "roster remove old@x.org"}));
}

CAF_TEST(a failing session is removed and neither the manager nor other sessions go down) {
  start([](caf::actor_system& system, session_config sc) -> session_actor {
    if (sc.jid == "alice@x.org")
      return system.spawn(failing_session, sc.jid);
    return system.spawn(session, std::move(sc));
  });
  from("bob@x.org/r", "hi");
  from("alice@x.org/r", "boom");
  CAF_CHECK_EQUAL(sessions(), std::vector<std::string>{"bob@x.org"});
  sent->clear();
  from("bob@x.org/r", "still there?");
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  CAF_CHECK(sent->at(0).rfind("message bob@x.org/r: Step 1", 0) == 0);
  // Alice's next message starts a new session (which fails again here).
  from("alice@x.org/r", "again");
  CAF_CHECK_EQUAL(sessions(), std::vector<std::string>{"bob@x.org"});
}

CAF_TEST(whitelisting at run time invites the student; bad JIDs are refused) {
  start();
  CAF_CHECK_EQUAL(add("carol@x.org"), "");
  CAF_CHECK_EQUAL(*sent, (std::vector<std::string>{"presence carol@x.org subscribed",
                                                   "presence carol@x.org subscribe",
                                                   "presence carol@x.org available"}));
  sent->clear();
  CAF_CHECK_EQUAL(add("carol@x.org"), "");  // already there: nothing sent again
  CAF_CHECK(sent->empty());
  // Text that is not a JID cannot become a bare_jid; the one that reaches the manager
  // unparsed is the empty one a default-made message holds.
  CAF_CHECK_EQUAL(add(xmpp::bare_jid{}), "invalid_jid: the JID is empty");
  from("carol@x.org/r", "hi");
  CAF_CHECK_EQUAL(sessions(), std::vector<std::string>{"carol@x.org"});
}

CAF_TEST(removing a JID ends its session and says goodbye) {
  start();
  from("alice@x.org/r", "hi");
  sent->clear();
  self->send(manager, atoms::remove_jid_v, bare("alice@x.org"));
  run();
  bool removed = false;
  self->receive([&](bool b) { removed = b; }, caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(removed);
  CAF_CHECK(sessions().empty());
  CAF_REQUIRE_EQUAL(sent->size(), 3u);
  CAF_CHECK(sent->at(0).rfind("message alice@x.org/r: Your session has ended", 0) == 0);
  CAF_CHECK(sent->at(1).rfind("presence alice@x.org unavailable (Your session has ended", 0) == 0);
  CAF_CHECK_EQUAL(sent->at(2), "roster remove alice@x.org");
  sent->clear();
  from("alice@x.org/r", "hello?");
  CAF_CHECK(sent->empty());
}

CAF_TEST(a student idle for stuck_after before completing is counted as stuck until they write) {
  stuck_after = std::chrono::seconds{50};
  start();
  auto& stuck = metrics::bot().students_stuck.get();
  auto& abandoned = metrics::bot().lessons_abandoned;
  from("alice@x.org/r", "hi");
  advance_time(std::chrono::seconds{40});
  run();
  CAF_CHECK_EQUAL(stuck.value(), 0);
  advance_time(std::chrono::seconds{20});
  run();
  CAF_CHECK_EQUAL(stuck.value(), 1);
  from("alice@x.org/r", "sorry, I was away");
  advance_time(std::chrono::seconds{10});
  run();
  CAF_CHECK_EQUAL(stuck.value(), 0);
  // Ended by the timeout before completing: abandoned at its step.
  auto before = abandoned.with({"otr", "awaiting_otr"}).value();
  for (int i = 0; i < 21; ++i) {
    advance_time(std::chrono::seconds{10});
    run();
  }
  CAF_CHECK(sessions().empty());
  CAF_CHECK_EQUAL(abandoned.with({"otr", "awaiting_otr"}).value(), before + 1);
}

CAF_TEST(an idle session is warned then refreshed by activity then ended after the timeout) {
  start();
  from("alice@x.org/r", "hi");
  sent->clear();
  advance_time(std::chrono::seconds{110});  // past the warning
  run();
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  CAF_CHECK(sent->at(0).find("Are you still there?") != std::string::npos);
  CAF_CHECK(sent->at(0).find("in 2 minutes") != std::string::npos);
  sent->clear();
  from("alice@x.org/r", "yes");  // activity after the warning is acknowledged, first
  CAF_REQUIRE_EQUAL(sent->size(), 2u);
  CAF_CHECK(sent->at(0).find("you are still there") != std::string::npos);
  CAF_CHECK(sent->at(1).find("Step 1") != std::string::npos);
  sent->clear();
  for (int i = 0; i < 21; ++i) {  // 210 s of silence, checked every 10 s
    advance_time(std::chrono::seconds{10});
    run();
  }
  CAF_CHECK(sessions().empty());
  CAF_REQUIRE(sent->size() >= 3u);
  CAF_CHECK(sent->at(sent->size() - 3).find("Your session has ended") != std::string::npos);
  CAF_CHECK(sent->at(sent->size() - 2).rfind("presence alice@x.org unavailable (", 0) == 0);
  CAF_CHECK_EQUAL(sent->back(), "roster remove alice@x.org");
  self->send(manager, atoms::whitelist_v);
  run();
  std::vector<whitelist_entry> wl;
  self->receive([&](std::vector<whitelist_entry>& v) { wl = v; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK_EQUAL(wl.size(), 1u);  // only bob is left
}

CAF_TEST(the shared secret from the page is refused for an unknown JID or when weak) {
  start();
  auto secret = [&](const std::string& jid, const std::string& value) {
    self->send(manager, atoms::set_secret_v, bare(jid), value);
    run();
    std::string out = "no answer";
    self->receive([&](bool) { out = ""; },
                  [&](caf::error& e) {
                    out = is(e, ec::unknown_jid) ? "unknown JID"
                          : is(e, ec::weak_secret) ? detail_of(e) : "other";
                  },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  };
  CAF_CHECK_EQUAL(secret("mallory@evil.org", "purple tractor"), "unknown JID");
  CAF_CHECK_EQUAL(secret("alice@x.org", "short"), "a secret needs at least 8 characters");
  CAF_CHECK(sent->back().find("was refused: a secret needs at least 8 characters") !=
            std::string::npos);
  CAF_CHECK_EQUAL(secret("alice@x.org", "  purple tractor "), "");
  CAF_CHECK(sent->back().find("I have received your secret") != std::string::npos);
}

CAF_TEST(a code for a JID without a session is not known and a wrong code is not correct) {
  start();
  self->send(manager, atoms::check_code_v, bare("alice@x.org"), std::string{"ABCD-EFGH"});
  run();
  std::string r = "no answer";
  self->receive([&](bool ok) { r = ok ? "right" : "wrong"; },
                [&](caf::error& e) { r = is(e, ec::no_session) ? "no session" : "other"; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK_EQUAL(r, "no session");
  from("alice@x.org/r", "hi");
  self->send(manager, atoms::check_code_v, bare("alice@x.org"), std::string{"ABCD-EFGH"});
  run();
  self->receive([&](bool ok) { r = ok ? "right" : "wrong"; },
                [&](caf::error&) { r = "other"; }, caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK_EQUAL(r, "wrong");
}

CAF_TEST(with scheduled_msg_say the lines are typed one after another at type_speed) {
  // (type_speed is 50 characters per second in this fixture)
  start({}, true);
  from("alice@x.org/r", "hello");
  CAF_CHECK(sent->empty());  // nothing appears at once
  // The greeting is 136 characters here: at 50 characters per second, 2.72 s.
  advance_time(std::chrono::seconds{2});
  run();
  CAF_CHECK(sent->empty());
  advance_time(std::chrono::seconds{1});
  run();
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  CAF_CHECK(sent->at(0).find("Hello! I am Tutor") != std::string::npos);
  for (int i = 0; i < 30; ++i) {  // long enough for every line there is to be typed
    advance_time(std::chrono::seconds{1});
    run();
  }
  CAF_REQUIRE_EQUAL(sent->size(), 2u);  // the greeting and Step 1, once
  CAF_CHECK(sent->at(1).find("Step 1:") != std::string::npos);
}

CAF_TEST(with scheduled_msg_say twenty messages in a row get one reminder and not twenty) {
  start({}, true);
  for (int i = 0; i < 20; ++i)
    from("alice@x.org/r", "hello " + std::to_string(i));
  for (int i = 0; i < 60; ++i) {  // long enough for every line there is to be typed
    advance_time(std::chrono::seconds{1});
    run();
  }
  // The greeting and Step 1: the reminder (Step 1 again) that the other
  // nineteen messages asked for was still waiting to be typed each time.
  CAF_REQUIRE_EQUAL(sent->size(), 2u);
  CAF_CHECK(sent->at(1).find("Step 1:") != std::string::npos);
  from("alice@x.org/r", "and now?");  // once it is typed, a reminder is due again
  for (int i = 0; i < 10; ++i) {
    advance_time(std::chrono::seconds{1});
    run();
  }
  CAF_REQUIRE_EQUAL(sent->size(), 3u);
  CAF_CHECK(sent->at(2).find("Step 1:") != std::string::npos);
}

CAF_TEST(at shutdown the manager ends every session at once whether typing or not) {
  start({}, true);
  from("alice@x.org/r", "hello");
  from("bob@x.org/r", "hello");
  CAF_CHECK_EQUAL(sessions().size(), 2u);
  self->send(manager, atoms::stop_v);
  run();
  CAF_CHECK(sent->empty());  // what was waiting to be typed is dropped
  // Nothing is left running: the manager has ended (and its sessions with it).
  self->send(manager, atoms::sessions_v);
  run();
  bool answered = false;
  self->receive([&](std::vector<std::string>&) { answered = true; },
                [&](caf::error&) {}, caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(!answered);
  manager = nullptr;
}

CAF_TEST(a student whitelisted again after removal gets a fresh session) {
  start();
  from("alice@x.org/r", "hi");
  auto first = sessions();
  self->send(manager, atoms::remove_jid_v, bare("alice@x.org"));
  run();
  self->receive([](bool) {}, caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(sessions().empty());
  CAF_CHECK_EQUAL(add("alice@x.org"), "");
  sent->clear();
  from("alice@x.org/r", "hi again");
  CAF_CHECK_EQUAL(sessions(), first);
  CAF_REQUIRE(!sent->empty());
  CAF_CHECK(sent->at(0).find("Hello! I am Tutor") != std::string::npos);  // greeted anew
}



CAF_TEST(the grade registered for a student goes out once when their lesson completes) {
  start();
  // The web side registers the graded launch with the grade keeper; the manager tells it of
  // each completion.
  self->send(grades, atoms::grade_when_done_v, std::string{"alice@x.org"},
             grade_job{lti::lti11_outcome{"https://lms.example/outcomes", "sid-1", "key"}, 1.0});
  self->send(manager, atoms::completed_v, std::string{"bob@x.org"});  // bob has no graded launch
  run();
  CAF_CHECK(sent->empty());
  self->send(manager, atoms::completed_v, std::string{"alice@x.org"});
  run();
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  CAF_CHECK_EQUAL(sent->at(0), "grade sid-1 to https://lms.example/outcomes");
  self->send(manager, atoms::completed_v, std::string{"alice@x.org"});  // no second grade
  run();
  CAF_CHECK_EQUAL(sent->size(), 1u);
}

CAF_TEST(a code accepted from its stored HMAC is told to the session and the student is congratulated) {
  code_key = "a store key";
  start();
  from("alice@x.org/r", "hi");
  // As the session reports it once the code went out over the verified channel.
  self->send(manager, atoms::code_sent_v, std::string{"alice@x.org"}, std::string{"ABCD-EFGH"});
  run();
  sent->clear();
  CAF_CHECK_EQUAL(code("alice@x.org", "abcd efgh"), "right");
  CAF_CHECK(said("message alice@x.org/r: You entered the right code: the exercise is complete. "
                 "Congratulations!"));
  sent->clear();
  from("alice@x.org/r", "what now?");  // done: no Step 4, no code again
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  CAF_CHECK(sent->at(0).find("You have completed the exercise") != std::string::npos);
  sent->clear();
  for (int i = 0; i < 21; ++i) {  // past the warning and the session timeout
    advance_time(std::chrono::seconds{10});
    run();
  }
  CAF_CHECK(!said("Are you still there?"));
  // Ended without a goodbye in the chat (the lesson was over); the presence's status still
  // says how to start again.
  CAF_CHECK(!said("message alice@x.org/r: Your session has ended"));
  CAF_CHECK(said("presence alice@x.org unavailable (Your session has ended"));
  CAF_CHECK(sessions().empty());
}

CAF_TEST(the manager alone decides a code and a newer one replaces the older in any case and spacing) {
  start();  // no store: the codes' HMACs are kept for the run
  from("alice@x.org/r", "hi");
  CAF_CHECK_EQUAL(code("alice@x.org", "ABCD-EFGH"), "wrong");  // nothing sent yet
  self->send(manager, atoms::code_sent_v, std::string{"alice@x.org"}, std::string{"ABCD-EFGH"});
  self->send(manager, atoms::code_sent_v, std::string{"alice@x.org"}, std::string{"JKLM-NPQR"});
  run();
  CAF_CHECK_EQUAL(code("alice@x.org", "ABCD-EFGH"), "wrong");
  CAF_CHECK_EQUAL(code("alice@x.org", "jklm npqr"), "right");
}

CAF_TEST(a code typed after a restart congratulates the student in their language) {
  code_key = "a store key";
  store::student bob;
  bob.jid = "bob@x.org";
  bob.locale = "nl_NL";
  bob.source = store::whitelist_source::pages;
  bob.step = "verified";
  bob.code_mac = store::code_mac(code_key, "WXYZ-2345");
  restored = {bob};
  start();
  CAF_CHECK(sessions().empty());  // bob has not written since the restart
  CAF_CHECK_EQUAL(code("bob@x.org", "WXYZ-2345"), "right");
  // A session starts to say it (English here: the test has the source catalog only), to the
  // bare JID: the server delivers it to bob's clients, or keeps it until he is back.
  CAF_CHECK(said("message bob@x.org: You entered the right code: the exercise is complete."));
  CAF_CHECK(!said("Hello! I am Tutor"));
  CAF_CHECK(!said("I was restarted"));  // nothing to start again: he is done
  sent->clear();
  from("bob@x.org/r", "hi");  // no greeting, no Step 1: he is done
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  CAF_CHECK(sent->at(0).find("You have completed the exercise") != std::string::npos);
  CAF_CHECK_EQUAL(code("bob@x.org", "WXYZ-2345"), "right");  // still right, told once
  CAF_CHECK_EQUAL(sent->size(), 1u);
}

CAF_TEST(a visit whose proof was stored in the whitelist but not on its page is bound after a restart) {
  // bob proved his JID through the pages (the whitelist records it), and the bot was killed
  // before his page's session stored the binding: his visit comes back with its old claim.
  store::student bob;
  bob.jid = "bob@x.org";
  bob.locale = "nl_NL";
  bob.source = store::whitelist_source::pages;
  bob.added_by = "LMS user u1 (key)";
  restored = {bob};
  auto claim_of = [](std::string visit, std::string by) {
    jid_claim c;
    c.jid = xmpp::parse_bare_jid("bob@x.org").bare();
    c.visit = std::move(visit);
    c.word = "WORD" + c.visit;
    c.by = std::move(by);
    c.expires = otrbot::unix_now() + 3600;
    return c;
  };
  restored_claims = {claim_of("v1", "LMS user u1 (key)")};
  start();
  self->send(manager, atoms::claim_jid_v, claim_of("v1", "LMS user u1 (key)"));
  run();
  expect((claim_state), from(manager).to(self).with(claim_state::bound));
  // Someone else's visit on his JID still has to bring the word from his account.
  self->send(manager, atoms::claim_jid_v, claim_of("v2", "LMS user u2 (key)"));
  run();
  expect((claim_state), from(manager).to(self).with(claim_state::pending));
}

CAF_TEST_FIXTURE_SCOPE_END()
