// The lesson's states table, transition by transition, and the effects each one asks for.
#include "actors/contract/timeouts.hpp"
#include "actors/rules/lesson.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;
using namespace otrbot::lesson;
using i18n::msg;

namespace {

void zeros(std::uint8_t* out, std::size_t n) { std::fill(out, out + n, 0); }

lesson::lesson make(bool may_start_smp = false) {
  return lesson::lesson{{may_start_smp, "XXXX-XXXX"}, zeros};
}

std::vector<msg> lines(const std::vector<effect>& effects) {
  std::vector<msg> out;
  for (const auto& e : effects)
    if (auto* s = std::get_if<say>(&e))
      out.push_back(s->id);
  return out;
}

template <class T>
bool has(const std::vector<effect>& effects) {
  return std::any_of(effects.begin(), effects.end(),
                     [](const effect& e) { return std::holds_alternative<T>(e); });
}

/// A lesson moved to `step` along the happy path.
lesson::lesson at(const std::string& step, bool may_start_smp = false) {
  auto l = make(may_start_smp);
  l.start();
  if (step == steps::awaiting_otr)
    return l;
  l.handle("otr_enabled");
  if (step == steps::encrypted)
    return l;
  l.set_has_secret(true);
  l.handle("secret_received");
  if (step == steps::secret_known)
    return l;
  if (!may_start_smp)
    l.handle("smp_started");
  if (step == steps::smp_in_progress)
    return l;
  l.handle("correct_secret_received");
  if (step == steps::verified)
    return l;
  l.handle("code_accepted");
  REQUIRE(l.step() == steps::completed);
  return l;
}

} // namespace

TEST_CASE("the lesson table is valid") {
  auto l = make();
  CHECK(l.step() == steps::awaiting_otr);
}

TEST_CASE("start: greeting, then how to start OTR") {
  auto l = make();
  CHECK(lines(l.start()) == std::vector<msg>{msg::greeting, msg::how_to_start_otr});
}

TEST_CASE("the message that starts the session gets the greeting and Step 1 once, not Step 1 twice") {
  auto l = make();
  auto first = lines(l.start());
  auto more = lines(l.handle("message_received"));  // the same first message, handled as a line
  first.insert(first.end(), more.begin(), more.end());
  CHECK(first == std::vector<msg>{msg::greeting, msg::how_to_start_otr});
}

TEST_CASE("awaiting OTR: every later message gets the instructions (help too)") {
  auto l = at(steps::awaiting_otr);
  l.handle("message_received");  // the first message: answered by start()
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::how_to_start_otr});
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::how_to_start_otr});
  CHECK(l.step() == steps::awaiting_otr);
}

TEST_CASE("awaiting OTR after OTR ended: the first message gets the instructions again") {
  auto l = at(steps::encrypted);
  l.handle("otr_disabled");
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::how_to_start_otr});
}

TEST_CASE("awaiting OTR: a secret from the page is noted, a weak one refused with its reason") {
  auto l = at(steps::awaiting_otr);
  CHECK(lines(l.handle("secret_received")) == std::vector<msg>{msg::secret_noted_start_otr});
  auto fx = l.handle("unsafe_secret_received", "too short");
  REQUIRE(fx.size() == 1);
  CHECK(std::get<say>(fx[0]).id == msg::secret_refused);
  CHECK(std::get<say>(fx[0]).args.at("reason") == "too short");
  CHECK(l.step() == steps::awaiting_otr);
}

TEST_CASE("otr_enabled without a secret: why encryption is not enough, and a request for the secret") {
  auto l = at(steps::awaiting_otr);
  auto fx = l.handle("otr_enabled");
  CHECK(l.step() == steps::encrypted);
  CHECK(lines(fx) == std::vector<msg>{msg::encryption_on, msg::not_enough, msg::ask_for_secret});
}

TEST_CASE("otr_already_setup also counts as OTR on") {
  auto l = at(steps::awaiting_otr);
  l.handle("otr_already_setup");
  CHECK(l.step() == steps::encrypted);
}

TEST_CASE("otr_enabled with a secret already known skips asking for it") {
  auto l = at(steps::awaiting_otr);
  l.set_has_secret(true);
  auto fx = l.handle("otr_enabled");
  CHECK(l.step() == steps::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::encryption_on, msg::not_enough, msg::secret_known,
                                      msg::how_to_authenticate});
}

TEST_CASE("encrypted: messages get the secret reminder; SMP before the secret is aborted") {
  auto l = at(steps::encrypted);
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::ask_for_secret});
  auto fx = l.handle("smp_started");
  CHECK(has<abort_smp>(fx));
  CHECK(lines(fx) == std::vector<msg>{msg::smp_needs_secret});
  CHECK(l.step() == steps::encrypted);
  CHECK(has<abort_smp>(l.handle("smp_question_used")));
}

TEST_CASE("encrypted: the secret arrives, the student is asked to authenticate") {
  auto l = at(steps::encrypted);
  l.set_has_secret(true);
  auto fx = l.handle("secret_received");
  CHECK(l.step() == steps::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::secret_known, msg::how_to_authenticate});
  CHECK_FALSE(has<start_smp>(fx));
}

TEST_CASE("with may_start_smp the bot starts SMP itself once it knows the secret") {
  auto l = at(steps::encrypted, true);
  l.set_has_secret(true);
  auto fx = l.handle("secret_received");
  CHECK(has<start_smp>(fx));
  CHECK(l.step() == steps::smp_in_progress);
  // Only the bot's own instruction: no "start it yourself" before it (that would contradict it).
  CHECK(lines(fx) == std::vector<msg>{msg::secret_known, msg::bot_started_smp});
  CHECK_FALSE(has<respond_smp>(fx));
}

TEST_CASE("the student starts SMP: the bot answers with the secret") {
  auto l = at(steps::secret_known);
  auto fx = l.handle("smp_started");
  CHECK(l.step() == steps::smp_in_progress);
  CHECK(has<respond_smp>(fx));
  CHECK(lines(fx).empty());
}

TEST_CASE("SMP with a question: answered, and the one-way check explained") {
  auto l = at(steps::secret_known);
  auto fx = l.handle("smp_question_used");
  CHECK(l.step() == steps::smp_in_progress);
  CHECK(has<respond_smp>(fx));
  CHECK(lines(fx) == std::vector<msg>{msg::question_mode});
}

TEST_CASE("SMP fails: explained, back to asking for authentication") {
  auto l = at(steps::smp_in_progress);
  auto fx = l.handle("incorrect_secret_received");
  CHECK(l.step() == steps::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::smp_failed, msg::how_to_authenticate});
}

TEST_CASE("SMP fails when the bot started it: explained, and the bot tries again") {
  auto l = at(steps::smp_in_progress, true);
  auto fx = l.handle("incorrect_secret_received");
  CHECK(has<start_smp>(fx));
  CHECK(l.step() == steps::smp_in_progress);
}

TEST_CASE("SMP aborted: explained; the bot does not restart it by itself") {
  auto l = at(steps::smp_in_progress, true);
  auto fx = l.handle("smp_aborted");
  CHECK(l.step() == steps::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::smp_aborted, msg::how_to_authenticate});
  CHECK_FALSE(has<start_smp>(fx));
}

TEST_CASE("SMP succeeds: the code is sent, then where to type it") {
  auto l = at(steps::smp_in_progress);
  auto fx = l.handle("correct_secret_received");
  CHECK(l.step() == steps::verified);
  REQUIRE(fx.size() == 4);
  CHECK(std::get<status>(fx[0]) ==
        status{steps::smp_in_progress, steps::verified, "correct_secret_received"});
  CHECK(std::get<say>(fx[1]).id == msg::verified);
  CHECK(std::get<send_code>(fx[2]).code == "AAAA-AAAA");
  CHECK(std::get<say>(fx[3]).id == msg::enter_code);
}

TEST_CASE("the lesson reports each change of step as its first effect, and no status without one") {
  auto l = make();
  l.start();
  auto fx = l.handle("otr_enabled");
  REQUIRE_FALSE(fx.empty());
  CHECK(std::get<status>(fx[0]) == status{steps::awaiting_otr, steps::encrypted, "otr_enabled"});
  CHECK_FALSE(has<status>(l.handle("message_received")));  // a reminder: the step stays
}

TEST_CASE("a student's SMP after verification is still answered") {
  auto l = at(steps::verified);
  CHECK(has<respond_smp>(l.handle("smp_started")));
  CHECK(l.step() == steps::verified);
}

// Whether a typed code is the one sent is the session manager's decision (it keeps the code's
// HMAC, across sessions and restarts); the lesson is told "code_accepted".
TEST_CASE("an accepted code completes the lesson with the congratulation") {
  auto l = at(steps::verified);
  auto fx = l.handle("code_accepted");
  CHECK(l.step() == steps::completed);
  CHECK(lines(fx) == std::vector<msg>{msg::completed});
  CHECK(has<completed>(fx));
}

TEST_CASE("a code accepted while a new OTR conversation is under way completes the lesson") {
  // The manager accepts only a code that went out; the student may have restarted OTR since.
  for (const auto& step : {steps::encrypted, steps::secret_known, steps::smp_in_progress}) {
    CAPTURE(step);
    auto l = at(step);
    CHECK(lines(l.handle("code_accepted")) == std::vector<msg>{msg::completed});
    CHECK(l.step() == steps::completed);
  }
}

TEST_CASE("a code that was sent stays valid after OTR ends, and only once") {
  auto l = at(steps::verified);
  l.handle("otr_disabled");
  CHECK(l.step() == steps::awaiting_otr);
  CHECK(lines(l.handle("code_accepted")) == std::vector<msg>{msg::completed});
  CHECK(l.step() == steps::completed);
  CHECK(l.handle("code_accepted").empty());  // congratulated once
}

TEST_CASE("ending OTR before completion returns to awaiting OTR, with an explanation") {
  for (const auto& step : {steps::encrypted, steps::secret_known, steps::smp_in_progress}) {
    CAPTURE(step);
    auto l = at(step);
    auto fx = l.handle("otr_disabled");
    CHECK(l.step() == steps::awaiting_otr);
    CHECK(lines(fx) == std::vector<msg>{msg::otr_ended_early, msg::start_otr_again});
  }
}

TEST_CASE("after OTR ended early the student is given their own program's command to start it") {
  for (auto [id, command] : {std::pair{clients::client::profanity, "/otr start"},
                             std::pair{clients::client::mcabber, "/otr start ."}}) {
    auto l = at(steps::encrypted);
    l.client_known({id, "a program"});
    auto fx = l.handle("otr_disabled");
    REQUIRE(lines(fx) == std::vector<msg>{msg::otr_ended_early, msg::start_otr_again_command});
    CHECK(std::get<say>(fx.back()).args.at("command") == command);
  }
}

TEST_CASE("after a restart the session starts without a second greeting") {
  auto l = make();
  CHECK(lines(l.start({true, false})) == std::vector<msg>{msg::how_to_start_otr});
}

TEST_CASE("a first message that is OTR gets the greeting only: the lesson follows OTR") {
  auto l = make();
  CHECK(lines(l.start({false, true})) == std::vector<msg>{msg::greeting});
  l.handle("otr_enabled");
  CHECK(l.step() == steps::encrypted);
}

TEST_CASE("ending OTR after the code was sent says the code is still valid, not Step 1") {
  auto l = at(steps::verified);
  auto fx = l.handle("otr_disabled");
  CHECK(l.step() == steps::awaiting_otr);
  CHECK(lines(fx) == std::vector<msg>{msg::otr_ended_code_valid});
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::otr_ended_code_valid});
  l.handle("code_accepted");
  CHECK(l.step() == steps::completed);
}

TEST_CASE("ending OTR after completion changes nothing, and the reminder knows it ended") {
  auto l = at(steps::completed);
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::done});  // OTR still on
  CHECK(l.handle("otr_disabled").empty());
  CHECK(l.step() == steps::completed);
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::done_otr_ended});
}

TEST_CASE("help at Step 4 repeats the code itself (the step is only ever encrypted)") {
  auto l = at(steps::verified);
  auto fx = l.handle("message_received");
  REQUIRE(fx.size() == 1);
  auto* s = std::get_if<say>(&fx.front());
  REQUIRE(s);
  CHECK(s->id == msg::code_reminder);
  CHECK(s->args.at("code") == "AAAA-AAAA");
}

TEST_CASE("a failed SMP after the verification explains why the client now distrusts the bot") {
  auto l = at(steps::verified);
  l.handle("smp_started");
  auto fx = l.handle("incorrect_secret_received");
  CHECK(lines(fx) == std::vector<msg>{msg::verification_lost});
  CHECK(l.step() == steps::verified);  // the code stays valid
}

TEST_CASE("the shared secret typed into the chat: why not, and a new one asked for") {
  for (const auto& step : {steps::secret_known, steps::smp_in_progress}) {
    CAPTURE(step);
    auto l = at(step);
    l.set_has_secret(false);  // the session forgets it
    auto fx = l.handle("secret_leaked");
    CHECK(l.step() == steps::encrypted);
    CHECK(lines(fx) == std::vector<msg>{msg::secret_typed_in_chat, msg::ask_for_new_secret});
    CHECK(has<abort_smp>(fx) == (step == steps::smp_in_progress));  // that check used it
  }
  auto before = at(steps::awaiting_otr);
  CHECK(lines(before.handle("secret_leaked")) ==
        std::vector<msg>{msg::secret_typed_in_chat, msg::ask_for_new_secret});
  CHECK(before.step() == steps::awaiting_otr);
  auto after = at(steps::verified);  // too late to matter for the lesson; still worth saying
  CHECK(lines(after.handle("secret_leaked")) == std::vector<msg>{msg::secret_typed_in_chat});
  CHECK(after.step() == steps::verified);
}

TEST_CASE("a new verification after OTR restarts sends a new code") {
  std::uint8_t next = 0;
  lesson::lesson l{{false, "XXXX"}, [&](std::uint8_t* o, std::size_t n) {
                     for (std::size_t i = 0; i < n; ++i)
                       o[i] = next++;
                   }};
  l.start();
  l.set_has_secret(true);
  l.handle("otr_enabled");
  l.handle("smp_started");
  auto first = l.handle("correct_secret_received");
  l.handle("otr_disabled");
  l.handle("otr_enabled");
  l.handle("smp_started");
  auto second = l.handle("correct_secret_received");
  CHECK(std::get<send_code>(first[2]).code != std::get<send_code>(second[2]).code);
  // (which of the two the page accepts: the session manager's test "a newer code replaces")
}

TEST_CASE("events a step does not expect change nothing") {
  auto l = at(steps::awaiting_otr);
  CHECK(l.handle("correct_secret_received").empty());
  CHECK(l.handle("no_such_event").empty());
  CHECK(l.step() == steps::awaiting_otr);
}

TEST_CASE("the refresh list is the reference's") {
  for (const char* e : {"message_received", "otr_enabled", "smp_started", "smp_aborted",
                        "otr_disabled"})
    CHECK(refreshes_session(e));
  CHECK_FALSE(refreshes_session("secret_received"));
  CHECK_FALSE(refreshes_session("correct_secret_received"));
}

TEST_CASE("a new OTR conversation after the verification began starts the authentication again") {
  // otr_enabled while OTR is on: the student's client (or the server) restarted and a new
  // private conversation began; its keys are not verified. A refresh changes nothing.
  for (const auto& from : {steps::secret_known, steps::smp_in_progress, steps::verified}) {
    auto l = at(from);
    l.set_has_secret(true);
    CHECK(l.handle("otr_already_setup").empty());
    auto fx = l.handle("otr_enabled");
    CHECK(l.step() == steps::secret_known);
    REQUIRE(!fx.empty());
    if (from != steps::secret_known)  // from secret_known it comes back to where it was
      CHECK(std::get<status>(fx[0]) == status{from, steps::secret_known, "otr_enabled"});
    // It was said when the secret arrived: now it is "still" known.
    CHECK(lines(fx) == std::vector<msg>{msg::encryption_on, msg::not_enough,
                                        msg::secret_still_known, msg::how_to_authenticate});
  }
  auto done = at(steps::completed);
  CHECK(done.handle("otr_enabled").empty());
  CHECK(done.step() == steps::completed);
}

TEST_CASE("the timeout warning says seconds under a minute and a half, else rounded minutes") {
  CHECK(words_for(40) == time_words{true, 40});
  CHECK(words_for(1) == time_words{true, 1});
  CHECK(words_for(89) == time_words{true, 89});
  CHECK(words_for(90) == time_words{false, 2});
  CHECK(words_for(300) == time_words{false, 5});
  CHECK(words_for(329) == time_words{false, 5});
  CHECK(seconds_left(std::chrono::seconds{1760}, std::chrono::seconds{1800}) == 40);
  CHECK(seconds_left(std::chrono::seconds{1900}, std::chrono::seconds{1800}) == 1);
}

TEST_CASE("a known program gets Steps 1 and 3 in its own words") {
  auto l = make();
  CHECK(l.client_known({clients::client::profanity, "Profanity"}).empty());  // before the greeting
  CHECK(lines(l.start()) == std::vector<msg>{msg::greeting, msg::start_otr_profanity});
  l.handle("otr_enabled");
  l.set_has_secret(true);
  CHECK(lines(l.handle("secret_received")) ==
        std::vector<msg>{msg::secret_known, msg::authenticate_profanity});
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::authenticate_profanity});
}

TEST_CASE("a program learnt after the greeting gets the current step in its words, once") {
  auto l = make();
  l.start();
  auto fx = l.client_known({clients::client::psi, "Psi+"});
  REQUIRE(lines(fx) == std::vector<msg>{msg::start_otr_psi});
  CHECK(std::get<say>(fx.front()).args.at("client") == "Psi+");
  CHECK(l.client_known({clients::client::psi, "Psi+"}).empty());  // the same again: nothing
  l.handle("otr_enabled");
  CHECK(l.client_known({clients::client::pidgin, "Pidgin"}).empty());  // step 2: nothing to redo
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::ask_for_secret});
}

TEST_CASE("a program without OTR is told kindly, instead of Step 1") {
  auto l = make();
  l.client_known({clients::client::without_otr, "Gajim"});
  auto fx = l.start();
  CHECK(lines(fx) == std::vector<msg>{msg::greeting, msg::client_without_otr});
  CHECK(std::get<say>(fx.back()).args.at("client") == "Gajim");
  CHECK(l.handle("message_received").empty());  // the message the greeting answered
  CHECK(lines(l.handle("message_received")) == std::vector<msg>{msg::client_without_otr});
  // Back with another program (a new resource): its Step 1.
  CHECK(lines(l.client_known({clients::client::profanity, "Profanity"})) ==
        std::vector<msg>{msg::start_otr_profanity});
}
