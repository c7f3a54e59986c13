// The seam for a second lesson: a made-up protocol ("mirror") behind e2e::conversation, with a
// lesson plan of its own, run by the real session and session manager from the first message to
// the code. Neither of them, nor the pages' step line, knows the protocol: they learn its steps
// from its plan. libotr is never touched (otr::initialize is not even called).
#define CAF_SUITE seam
#include "actors/chat/crypto_pool.hpp"
#include "actors/chat/session_manager.hpp"
#include "actors/contract/messages.hpp"
#include "actors/rules/lesson_plan.hpp"
#include "lti/pages/pages.hpp"
#include "test/actor/fakes.hpp"

#include <caf/test/dsl.hpp>
#include <caf/test/unit_test_impl.hpp>

#include <algorithm>
#include <memory>
#include <regex>

using namespace otrbot;

namespace {

const xmpp::bare_jid alice = xmpp::parse_bare_jid("alice@x.org").bare();

std::string reversed(std::string text) {
  std::reverse(text.begin(), text.end());
  return text;
}

/// The mirror protocol, a test double: "~M:hello" begins it; then words travel reversed after
/// "~M:"; "~M?<secret>" asks the bot to check a secret (answered "~M=ok" or "~M=no"); "~M."
/// ends it. It needs no key from the key pool.
class mirror final : public e2e::conversation {
public:
  /// `costly`: its traffic and its checks are costly, as OTR's are (the crypto pool runs them).
  explicit mirror(bool costly = false) : costly_(costly) {}
  std::string_view protocol_name() const noexcept override { return "Mirror"; }
  bool is_traffic(const e2e::wire& m) const override { return m.body.starts_with("~M"); }
  bool costly(const e2e::wire& m) const override { return costly_ && is_traffic(m); }
  bool costly_checks() const noexcept override { return costly_; }
  bool needs_key() const noexcept override { return false; }
  bool install_key(const std::string&) override { return false; }
  std::string fingerprint() const override { return "MIRROR-1"; }

  e2e::outcome receive(const e2e::wire& m) override {
    const std::string& body = m.body;
    e2e::outcome out;
    if (body == "~M:hello") {
      on_ = true;
      ++channel_;
      out.to_send.push_back({"~M:welcome", {}});
      out.events.push_back(e2e::event::started);
    } else if (body.starts_with("~M?")) {
      asked_ = body.substr(3);
      out.events.push_back(e2e::event::check_started);
    } else if (body == "~M.") {
      on_ = false;
      out.events.push_back(e2e::event::ended);
    } else if (body.starts_with("~M:")) {
      out.text = reversed(body.substr(3));
    } else {
      out.text = body;
      out.plaintext_during_encryption = on_;
    }
    return out;
  }
  e2e::outcome send(const std::string& text) override {
    return {{{on_ ? "~M:" + reversed(text) : text, {}}}, {}, {}, false};
  }
  e2e::outcome send_private(const std::string& text, const std::string& channel_id,
                            bool& sent) override {
    sent = on_ && channel_id == channel();
    return sent ? send(text) : e2e::outcome{};
  }
  e2e::outcome start_check(const std::string&) override { return {}; }  // its plan never does
  e2e::outcome answer_check(const std::string& secret) override {
    // (A double compares in the open; a real protocol never sees the other side's secret.)
    bool same = asked_ == secret;
    asked_.clear();
    return {{{same ? "~M=ok" : "~M=no", {}}}, {same ? e2e::event::check_passed : e2e::event::check_failed},
            {}, false};
  }
  e2e::outcome abort_check() override {
    asked_.clear();
    return {{{"~M=abort", {}}}, {e2e::event::check_aborted}, {}, false};
  }
  e2e::outcome end(bool tell_peer) override {
    e2e::outcome out;
    if (on_ && tell_peer)
      out.to_send.push_back({"~M.", {}});
    if (on_)
      out.events.push_back(e2e::event::ended);
    on_ = false;
    return out;
  }
  e2e::outcome poll() override { return {}; }
  unsigned poll_interval() const noexcept override { return 0; }
  bool encrypted() const override { return on_; }
  std::string channel() const override { return on_ ? "mirror-" + std::to_string(channel_) : ""; }

private:
  bool costly_ = false;
  bool on_ = false;
  int channel_ = 0;
  std::string asked_;
};

/// The mirror lesson: three steps on the pages; its names are its own. Its actions are the
/// lesson's (their words are the OTR lesson's: what is tested here is the way through).
const lesson::plan& mirror_plan() {
  using enum lesson::event;
  using lesson::step;
  static const lesson::table t{
    {step::awaiting_encryption,
     {.transitions = {{started, step::encrypted}, {code_accepted, step::completed}},
      .on_enter = {"explain_otr_start"}, .on_leave = {}, .allowed_actions = {},
      .handles = {{message_received, "remind_otr"}, {secret_received, "secret_before_otr"},
                  {ended, "nothing"}}}},
    {step::encrypted,
     {.transitions = {{secret_received, step::secret_known}, {ended, step::awaiting_encryption}},
      .on_enter = {"explain_encryption"}, .on_leave = {}, .allowed_actions = {},
      .handles = {{message_received, "remind_secret"}}}},
    {step::secret_known,
     {.transitions = {{check_started, step::checking}, {ended, step::awaiting_encryption}},
      .on_enter = {"ask_to_authenticate"}, .on_leave = {}, .allowed_actions = {},
      .handles = {{message_received, "remind_authenticate"}}}},
    {step::checking,
     {.transitions = {{check_passed, step::verified}, {check_failed, step::secret_known}},
      .on_enter = {"smp_begun"}, .on_leave = {}, .allowed_actions = {},
      .handles = {{message_received, "remind_smp"}}}},
    {step::verified,
     {.transitions = {{code_accepted, step::completed}},
      .on_enter = {"send_code"}, .on_leave = {}, .allowed_actions = {},
      .handles = {{message_received, "remind_code"}}}},
    {step::completed,
     {.transitions = {},
      .on_enter = {"congratulate"}, .on_leave = {}, .allowed_actions = {},
      .handles = {{message_received, "remind_done"}, {code_accepted, "nothing"}}}},
  };
  static const lesson::plan p{
    .id = "mirror",
    .states = &t,
    .first = step::awaiting_encryption,
    .step_names = {"no_mirror", "mirrored", "mirror_secret", "mirror_check", "mirror_verified",
                   "mirror_done"},
    .event_names = {"mirror_on", "mirror_off", "mirror_again", "check_asked", "check_question",
                    "check_aborted", "check_ok", "check_wrong", "bot_checks", "words", "secret",
                    "weak_secret", "leak", "code_ok", "start"},
    .steps_shown = 3,
    .pages = {{{"Mirror 1 of 3: say hello in mirror.", 1, "", "Mirror first."},
               {"Mirror 2 of 3: give the secret.", 2, "/ask_for_secret", "Give the secret."},
               {"Mirror 3 of 3: check the bot.", 3, "/enter_bot_secret", "Check the bot."},
               {"Mirror 3 of 3: check the bot.", 3, "/enter_bot_secret", "Check the bot."},
               {"Mirror 3 of 3: type the code.", 3, "/enter_bot_secret", "Type the code."},
               {"Mirror: done.", 3, "/enter_bot_secret", "Done."}}},
    .live = {"Mirrored.", "Your mirror shows it.", {}, "Checking.", "Checked.", "Wrong.", "Stopped."},
  };
  return p;
}

struct fixture : fakes::manager_fixture {
  fakes::sent_log sent = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<int> opened = std::make_shared<int>(0);  ///< mirror conversations opened

  explicit fixture(bool with_crypto_pool = false) {
    session_manager_config mc;
    if (with_crypto_pool)  // two workers on the test's scheduler: no threads of their own
      mc.session_defaults.crypto = sys.spawn(crypto_pool, crypto_pool_config{2, 0, false});
    mc.whitelist = {{"alice@x.org", "en_GB"}};
    mc.session_defaults.account = "bot@x.org";
    mc.session_defaults.format_strings = {{"bot_title", "Tutor"}, {"project_name", "CS101"}};
    mc.choose_lesson = [opened = opened, with_crypto_pool](const std::string&, const std::string&,
                                                           bool) {
      return lesson_choice{&mirror_plan(), [opened, with_crypto_pool](const std::string&,
                                                                      const std::string&) {
                             ++*opened;
                             return std::make_unique<mirror>(with_crypto_pool);
                           }};
    };
    auto gateway = sys.spawn(fakes::recording_gateway, sent, false);
    manager = sys.spawn(session_manager, std::move(mc));
    self->send(manager, atoms::gateway_v, gateway);
    run();
  }

  void from(const std::string& body) {
    self->send(manager, xmpp::inbound_message{"alice@x.org/phone", body});
    run();
  }

  template <class T, class... Ts>
  T ask(Ts&&... xs) {
    self->send(manager, std::forward<Ts>(xs)...);
    run();
    T out{};
    self->receive([&](T& x) { out = std::move(x); },
                  [&](caf::error& e) { CAF_FAIL("the manager answered " << caf::to_string(e)); },
                  caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("no answer"); });
    return out;
  }

  lti::step_view step() { return ask<lti::step_view>(atoms::step_v, alice); }

  /// What the bot sent last, as the student's mirror client reads it.
  std::string last_read() {
    CAF_REQUIRE(!sent->empty());
    auto body = sent->back().substr(sent->back().find(": ") + 2);
    return body.starts_with("~M:") ? reversed(body.substr(3)) : body;
  }
};

} // namespace

/// The whole mirror lesson, from hello to the code, with every check the seam promises.
static void whole_lesson(fixture& f) {
  auto& sent = f.sent;
  auto step = [&f] { return f.step(); };
  auto from = [&f](const std::string& body) { f.from(body); };
  auto& opened = f.opened;
  // Before any session: the mirror lesson's first step, unnamed (no session runs).
  CAF_CHECK_EQUAL(step().line, "Mirror 1 of 3: say hello in mirror.");
  CAF_CHECK_EQUAL(step().name, "");
  from("hello");
  CAF_CHECK_EQUAL(*opened, 1);
  CAF_CHECK_EQUAL(step().name, "no_mirror");
  CAF_CHECK(sent->size() >= 2);  // the greeting and Step 1, in plaintext

  from("~M:hello");  // protocol traffic: no key wait, this protocol needs none
  CAF_CHECK_EQUAL(step().name, "mirrored");
  auto live = f.ask<live_progress>(atoms::live_v, alice);
  CAF_CHECK(live.encrypted);
  CAF_CHECK_EQUAL(live.fingerprint, "MIRROR-1");
  CAF_CHECK(sent->back().find("~M:") != std::string::npos);  // the lesson's lines go mirrored

  CAF_CHECK(f.ask<bool>(atoms::set_secret_v, alice,
                      std::string{"purple tractor seven"}));
  CAF_CHECK_EQUAL(step().name, "mirror_secret");

  from("~M?purple tractor seven");
  CAF_CHECK_EQUAL(step().name, "mirror_verified");
  CAF_CHECK_EQUAL(f.ask<live_progress>(atoms::live_v, alice).check, "succeeded");
  // The code went out over the verified mirror conversation only.
  std::smatch code;
  std::string said;
  for (const auto& line : *sent)
    if (auto body = line.substr(line.find(": ") + 2); body.starts_with("~M:"))
      said += reversed(body.substr(3)) + "\n";
  CAF_REQUIRE(std::regex_search(said, code, std::regex{"[A-Z0-9]{4}-[A-Z0-9]{4}"}));
  CAF_CHECK(std::none_of(sent->begin(), sent->end(), [&](const std::string& line) {
    return line.find(code.str()) != std::string::npos;  // never in plaintext
  }));

  CAF_CHECK(f.ask<bool>(atoms::check_code_v, alice, code.str()));
  auto done = step();
  CAF_CHECK_EQUAL(done.name, "mirror_done");
  CAF_CHECK(done.done);
  CAF_CHECK(f.last_read().find("Congratulations") != std::string::npos);

  // The teacher view and the pages describe it by the plan's words, knowing no protocol.
  auto rows = f.ask<std::vector<session_info>>(atoms::class_status_v,
                                             std::vector<xmpp::bare_jid>{alice});
  CAF_REQUIRE_EQUAL(rows.size(), 1u);
  CAF_CHECK_EQUAL(rows[0].step.name, "mirror_done");
  CAF_CHECK_EQUAL(rows[0].step.lesson, "mirror");  // the teacher view says which lesson
  lti::page_view page;
  lti::describe_step(rows[0].step, true, page);
  CAF_CHECK_EQUAL(page.step, "Mirror: done.");
  CAF_CHECK_EQUAL(page.step_of, 3);
  CAF_CHECK_EQUAL(*opened, 1);
}

CAF_TEST_FIXTURE_SCOPE(seam_tests, fixture)

CAF_TEST(a student whose lesson is another protocol goes from hello to the code through the seam) {
  whole_lesson(*this);
}

CAF_TEST(a failed check leads back through the plan and says nothing in plaintext) {
  from("hello");
  from("~M:hello");
  CAF_CHECK(ask<bool>(atoms::set_secret_v, alice,
                      std::string{"purple tractor seven"}));
  from("~M?green tractor nine");
  CAF_CHECK_EQUAL(step().name, "mirror_secret");
  CAF_CHECK_EQUAL(ask<live_progress>(atoms::live_v, alice).check, "failed");
  from("~M.");  // the student ends the mirror conversation
  CAF_CHECK_EQUAL(step().name, "no_mirror");
  CAF_CHECK(!ask<live_progress>(atoms::live_v, alice).encrypted);
}

CAF_TEST_FIXTURE_SCOPE_END()

struct crypto_fixture : fixture {
  crypto_fixture() : fixture(true) {}
};

CAF_TEST_FIXTURE_SCOPE(seam_crypto_tests, crypto_fixture)

CAF_TEST(with its costly calls on the crypto pool the lesson goes the same way and in the same order) {
  // Each message of the protocol and each check runs on the pool while the session waits; the
  // lines the lesson says meanwhile go out after what the call sent, as they do without a pool.
  whole_lesson(*this);
  auto welcome = std::find_if(sent->begin(), sent->end(), [](const std::string& line) {
    return line.ends_with(": ~M:welcome");
  });
  CAF_REQUIRE(welcome != sent->end());
  auto ok = std::find_if(sent->begin(), sent->end(), [](const std::string& line) {
    return line.ends_with(": ~M=ok");
  });
  CAF_REQUIRE(ok != sent->end());
  CAF_CHECK(welcome < ok);
  // The line after the check's answer is the lesson's, mirrored: the code came after the answer.
  CAF_REQUIRE(ok + 1 != sent->end());
  CAF_CHECK((ok + 1)->find("~M:") != std::string::npos);
}

CAF_TEST(the crypto pool runs the call of the oldest session first when its threads are busy) {
  auto pool = sys.spawn(crypto_pool, crypto_pool_config{1, 0, false});
  run();
  auto order = std::make_shared<std::vector<int>>();
  auto job = [order](int rank) {
    return crypto_job{[order, rank] { order->push_back(rank); }, rank};
  };
  // The first takes the one worker; the other two wait, and go by rank, not by arrival.
  for (int rank : {9, 5, 1})
    self->send(pool, job(rank));
  run();
  CAF_CHECK_EQUAL(*order, (std::vector<int>{9, 1, 5}));
  int answered = 0;
  for (int i = 0; i < 3; ++i)
    self->receive([&](bool done) { answered += done; },
                  caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("a job was not answered"); });
  CAF_CHECK_EQUAL(answered, 3);
}

CAF_TEST_FIXTURE_SCOPE_END()
