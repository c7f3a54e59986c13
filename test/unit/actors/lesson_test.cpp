// The lesson's states table, transition by transition, and the effects each one asks for.
#include "actors/contract/timeouts.hpp"
#include "actors/rules/lesson.hpp"
#include "test/unit/actors/lesson_effects.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace otrbot;
using namespace otrbot::lesson;
using i18n::msg;

namespace {

using testing::has;
using testing::lines;
using testing::zeros;

lesson::lesson make(bool may_start_smp = false) {
  return lesson::lesson{{may_start_smp, "XXXX-XXXX"}, zeros};
}

/// An event by its OTR name (the plan's names are part of what is tested).
event ev(std::string_view name) { return testing::event_of(otr_plan(), name); }

/// A lesson moved to `step` along the happy path.
lesson::lesson at(step target, bool may_start_smp = false) {
  auto l = make(may_start_smp);
  l.start();
  if (target == step::awaiting_encryption)
    return l;
  l.handle(ev("otr_enabled"));
  if (target == step::encrypted)
    return l;
  l.set_has_secret(true);
  l.handle(ev("secret_received"));
  if (target == step::secret_known)
    return l;
  if (!may_start_smp)
    l.handle(ev("smp_started"));
  if (target == step::checking)
    return l;
  l.handle(ev("correct_secret_received"));
  if (target == step::verified)
    return l;
  l.handle(ev("code_accepted"));
  REQUIRE(l.at() == step::completed);
  return l;
}

} // namespace

TEST_CASE("the lesson table is valid") {
  auto l = make();
  CHECK(l.at() == step::awaiting_encryption);
}

TEST_CASE("start: greeting, then how to start OTR") {
  auto l = make();
  CHECK(lines(l.start()) == std::vector<msg>{msg::greeting, msg::how_to_start_otr});
}

TEST_CASE("the message that starts the session gets the greeting and Step 1 once, not Step 1 twice") {
  auto l = make();
  auto first = lines(l.start());
  auto more = lines(l.handle(ev("message_received")));  // the same first message, handled as a line
  first.insert(first.end(), more.begin(), more.end());
  CHECK(first == std::vector<msg>{msg::greeting, msg::how_to_start_otr});
}

TEST_CASE("awaiting OTR: every later message gets the instructions (help too)") {
  auto l = at(step::awaiting_encryption);
  l.handle(ev("message_received"));  // the first message: answered by start()
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::how_to_start_otr});
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::how_to_start_otr});
  CHECK(l.at() == step::awaiting_encryption);
}

TEST_CASE("an encrypted message the bot cannot read: start OTR again (its start was lost)") {
  // Before OTR (the student's last message of the start was lost: their client thinks it runs).
  auto l = at(step::awaiting_encryption);
  CHECK(lines(l.handle(ev("unreadable"))) == std::vector<msg>{msg::otr_unreadable});
  CHECK(l.at() == step::awaiting_encryption);
  // With OTR on, the same answer, and the step stays.
  auto k = at(step::secret_known);
  CHECK(lines(k.handle(ev("unreadable"))) == std::vector<msg>{msg::otr_unreadable});
  CHECK(k.at() == step::secret_known);
}

TEST_CASE("awaiting OTR after OTR ended: the first message gets the instructions again") {
  auto l = at(step::encrypted);
  l.handle(ev("otr_disabled"));
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::how_to_start_otr});
}

TEST_CASE("awaiting OTR: a secret from the page is noted, a weak one refused with its reason") {
  auto l = at(step::awaiting_encryption);
  CHECK(lines(l.handle(ev("secret_received"))) == std::vector<msg>{msg::secret_noted_start_otr});
  auto fx = l.handle(ev("unsafe_secret_received"), "too short");
  REQUIRE(fx.size() == 1);
  CHECK(std::get<say>(fx[0]).id == msg::secret_refused);
  CHECK(std::get<say>(fx[0]).args.at("reason") == "too short");
  CHECK(l.at() == step::awaiting_encryption);
}

TEST_CASE("otr_enabled without a secret: why encryption is not enough, and a request for the secret") {
  auto l = at(step::awaiting_encryption);
  auto fx = l.handle(ev("otr_enabled"));
  CHECK(l.at() == step::encrypted);
  CHECK(lines(fx) == std::vector<msg>{msg::encryption_on, msg::not_enough, msg::ask_for_secret});
}

TEST_CASE("otr_already_setup also counts as OTR on") {
  auto l = at(step::awaiting_encryption);
  l.handle(ev("otr_already_setup"));
  CHECK(l.at() == step::encrypted);
}

TEST_CASE("otr_enabled with a secret already known skips asking for it") {
  auto l = at(step::awaiting_encryption);
  l.set_has_secret(true);
  auto fx = l.handle(ev("otr_enabled"));
  CHECK(l.at() == step::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::encryption_on, msg::not_enough, msg::secret_known,
                                      msg::how_to_authenticate});
}

TEST_CASE("encrypted: messages get the secret reminder; SMP before the secret is aborted") {
  auto l = at(step::encrypted);
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::ask_for_secret});
  auto fx = l.handle(ev("smp_started"));
  CHECK(has<abort_check>(fx));
  CHECK(lines(fx) == std::vector<msg>{msg::smp_needs_secret});
  CHECK(l.at() == step::encrypted);
  CHECK(has<abort_check>(l.handle(ev("smp_question_used"))));
}

TEST_CASE("encrypted: the secret arrives, the student is asked to authenticate") {
  auto l = at(step::encrypted);
  l.set_has_secret(true);
  auto fx = l.handle(ev("secret_received"));
  CHECK(l.at() == step::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::secret_known, msg::how_to_authenticate});
  CHECK_FALSE(has<start_check>(fx));
}

TEST_CASE("with may_start_smp the bot starts SMP itself once it knows the secret") {
  auto l = at(step::encrypted, true);
  l.set_has_secret(true);
  auto fx = l.handle(ev("secret_received"));
  CHECK(has<start_check>(fx));
  CHECK(l.at() == step::checking);
  // Only the bot's own instruction: no "start it yourself" before it (that would contradict it).
  CHECK(lines(fx) == std::vector<msg>{msg::secret_known, msg::bot_started_smp});
  CHECK_FALSE(has<answer_check>(fx));
}

TEST_CASE("the student starts SMP: the bot answers with the secret") {
  auto l = at(step::secret_known);
  auto fx = l.handle(ev("smp_started"));
  CHECK(l.at() == step::checking);
  CHECK(has<answer_check>(fx));
  CHECK(lines(fx).empty());
}

TEST_CASE("SMP with a question: answered, and the one-way check explained") {
  auto l = at(step::secret_known);
  auto fx = l.handle(ev("smp_question_used"));
  CHECK(l.at() == step::checking);
  CHECK(has<answer_check>(fx));
  CHECK(lines(fx) == std::vector<msg>{msg::question_mode});
}

TEST_CASE("SMP fails: explained, back to asking for authentication") {
  auto l = at(step::checking);
  auto fx = l.handle(ev("incorrect_secret_received"));
  CHECK(l.at() == step::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::smp_failed, msg::how_to_authenticate});
}

TEST_CASE("SMP fails when the bot started it: explained, and the bot tries again") {
  auto l = at(step::checking, true);
  auto fx = l.handle(ev("incorrect_secret_received"));
  CHECK(has<start_check>(fx));
  CHECK(l.at() == step::checking);
}

TEST_CASE("SMP aborted: explained; the bot does not restart it by itself") {
  auto l = at(step::checking, true);
  auto fx = l.handle(ev("smp_aborted"));
  CHECK(l.at() == step::secret_known);
  CHECK(lines(fx) == std::vector<msg>{msg::smp_aborted, msg::how_to_authenticate});
  CHECK_FALSE(has<start_check>(fx));
}

TEST_CASE("SMP succeeds: the code is sent, then where to type it") {
  auto l = at(step::checking);
  auto fx = l.handle(ev("correct_secret_received"));
  CHECK(l.at() == step::verified);
  REQUIRE(fx.size() == 4);
  CHECK(std::get<status>(fx[0]) ==
        status{step::checking, step::verified, ev("correct_secret_received")});
  CHECK(std::get<say>(fx[1]).id == msg::verified);
  CHECK(std::get<send_code>(fx[2]).code == "AAAA-AAAA");
  CHECK(std::get<say>(fx[3]).id == msg::enter_code);
}

TEST_CASE("the lesson reports each change of step as its first effect, and no status without one") {
  auto l = make();
  l.start();
  auto fx = l.handle(ev("otr_enabled"));
  REQUIRE_FALSE(fx.empty());
  CHECK(std::get<status>(fx[0]) == status{step::awaiting_encryption, step::encrypted, ev("otr_enabled")});
  CHECK_FALSE(has<status>(l.handle(ev("message_received"))));  // a reminder: the step stays
}

TEST_CASE("a student's SMP after verification is still answered") {
  auto l = at(step::verified);
  CHECK(has<answer_check>(l.handle(ev("smp_started"))));
  CHECK(l.at() == step::verified);
}

// Whether a typed code is the one sent is the session manager's decision (it keeps the code's
// HMAC, across sessions and restarts); the lesson is told "code_accepted".
TEST_CASE("an accepted code completes the lesson with the congratulation") {
  auto l = at(step::verified);
  auto fx = l.handle(ev("code_accepted"));
  CHECK(l.at() == step::completed);
  CHECK(lines(fx) == std::vector<msg>{msg::completed});
  CHECK(has<completed>(fx));
}

TEST_CASE("a code accepted while a new OTR conversation is under way completes the lesson") {
  // The manager accepts only a code that went out; the student may have restarted OTR since.
  for (auto target : {step::encrypted, step::secret_known, step::checking}) {
    CAPTURE(to_string(target));
    auto l = at(target);
    CHECK(lines(l.handle(ev("code_accepted"))) == std::vector<msg>{msg::completed});
    CHECK(l.at() == step::completed);
  }
}

TEST_CASE("a code that was sent stays valid after OTR ends, and only once") {
  auto l = at(step::verified);
  l.handle(ev("otr_disabled"));
  CHECK(l.at() == step::awaiting_encryption);
  CHECK(lines(l.handle(ev("code_accepted"))) == std::vector<msg>{msg::completed});
  CHECK(l.at() == step::completed);
  CHECK(l.handle(ev("code_accepted")).empty());  // congratulated once
}

TEST_CASE("ending OTR before completion returns to awaiting OTR, with an explanation") {
  for (auto target : {step::encrypted, step::secret_known, step::checking}) {
    CAPTURE(to_string(target));
    auto l = at(target);
    auto fx = l.handle(ev("otr_disabled"));
    CHECK(l.at() == step::awaiting_encryption);
    CHECK(lines(fx) == std::vector<msg>{msg::otr_ended_early, msg::start_otr_again});
  }
}

TEST_CASE("after OTR ended early the student is given their own program's command to start it") {
  for (auto [id, command] : {std::pair{clients::client::profanity, "/otr start"},
                             std::pair{clients::client::mcabber, "/otr start ."}}) {
    auto l = at(step::encrypted);
    l.client_known({id, "a program"});
    auto fx = l.handle(ev("otr_disabled"));
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
  l.handle(ev("otr_enabled"));
  CHECK(l.at() == step::encrypted);
}

TEST_CASE("ending OTR after the code was sent says the code is still valid, not Step 1") {
  auto l = at(step::verified);
  auto fx = l.handle(ev("otr_disabled"));
  CHECK(l.at() == step::awaiting_encryption);
  CHECK(lines(fx) == std::vector<msg>{msg::otr_ended_code_valid});
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::otr_ended_code_valid});
  l.handle(ev("code_accepted"));
  CHECK(l.at() == step::completed);
}

TEST_CASE("ending OTR after completion changes nothing, and the reminder knows it ended") {
  auto l = at(step::completed);
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::done});  // OTR still on
  CHECK(l.handle(ev("otr_disabled")).empty());
  CHECK(l.at() == step::completed);
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::done_otr_ended});
}

TEST_CASE("help at Step 4 repeats the code itself (the step is only ever encrypted)") {
  auto l = at(step::verified);
  auto fx = l.handle(ev("message_received"));
  REQUIRE(fx.size() == 1);
  auto* s = std::get_if<say>(&fx.front());
  REQUIRE(s);
  CHECK(s->id == msg::code_reminder);
  CHECK(s->args.at("code") == "AAAA-AAAA");
}

TEST_CASE("a failed SMP after the verification explains why the client now distrusts the bot") {
  auto l = at(step::verified);
  l.handle(ev("smp_started"));
  auto fx = l.handle(ev("incorrect_secret_received"));
  CHECK(lines(fx) == std::vector<msg>{msg::verification_lost});
  CHECK(l.at() == step::verified);  // the code stays valid
}

TEST_CASE("the shared secret typed into the chat: why not, and a new one asked for") {
  for (auto target : {step::secret_known, step::checking}) {
    CAPTURE(to_string(target));
    auto l = at(target);
    l.set_has_secret(false);  // the session forgets it
    auto fx = l.handle(ev("secret_leaked"));
    CHECK(l.at() == step::encrypted);
    CHECK(lines(fx) == std::vector<msg>{msg::secret_typed_in_chat, msg::ask_for_new_secret});
    CHECK(has<abort_check>(fx) == (target == step::checking));  // that check used it
  }
  auto before = at(step::awaiting_encryption);
  CHECK(lines(before.handle(ev("secret_leaked"))) ==
        std::vector<msg>{msg::secret_typed_in_chat, msg::ask_for_new_secret});
  CHECK(before.at() == step::awaiting_encryption);
  auto after = at(step::verified);  // too late to matter for the lesson; still worth saying
  CHECK(lines(after.handle(ev("secret_leaked"))) == std::vector<msg>{msg::secret_typed_in_chat});
  CHECK(after.at() == step::verified);
}

TEST_CASE("a new verification after OTR restarts sends a new code") {
  std::uint8_t next = 0;
  lesson::lesson l{{false, "XXXX"}, [&](std::uint8_t* o, std::size_t n) {
                     for (std::size_t i = 0; i < n; ++i)
                       o[i] = next++;
                   }};
  l.start();
  l.set_has_secret(true);
  l.handle(ev("otr_enabled"));
  l.handle(ev("smp_started"));
  auto first = l.handle(ev("correct_secret_received"));
  l.handle(ev("otr_disabled"));
  l.handle(ev("otr_enabled"));
  l.handle(ev("smp_started"));
  auto second = l.handle(ev("correct_secret_received"));
  CHECK(std::get<send_code>(first[2]).code != std::get<send_code>(second[2]).code);
  // (which of the two the page accepts: the session manager's test "a newer code replaces")
}

TEST_CASE("events a step does not expect change nothing") {
  auto l = at(step::awaiting_encryption);
  CHECK(l.handle(ev("correct_secret_received")).empty());
  CHECK(l.handle(ev("bot_started_smp")).empty());
  CHECK(l.at() == step::awaiting_encryption);
}

TEST_CASE("the OTR plan names every step and event once, and describes every step for the pages") {
  const auto& p = otr_plan();
  std::set<std::string_view> steps, events;
  for (std::size_t i = 0; i < step_count; ++i) {
    auto s = static_cast<step>(i);
    CHECK(steps.insert(p.name(s)).second);
    CHECK(p.step_named(p.name(s)) == s);
    auto view = p.describe(s);
    CHECK(view.name == p.name(s));
    CHECK_FALSE(view.line.empty());
    CHECK_FALSE(view.code_intro.empty());
    CHECK(view.number >= 1);
    CHECK(view.number <= p.steps_shown);
    CHECK(view.done == (s == step::completed));
  }
  for (std::size_t i = 0; i < event_count; ++i)
    CHECK(events.insert(p.name(static_cast<event>(i))).second);
  CHECK_FALSE(p.step_named("no_such_step"));
  CHECK_FALSE(p.event_named("no_such_event"));
  // No session yet: the first step's words, without a name (the page's data-step stays "").
  CHECK(p.describe(std::nullopt).name.empty());
  CHECK(p.describe(std::nullopt).line == p.describe(p.first).line);
  // The conversation's events are the lesson's, one for one.
  CHECK(of(e2e::event::check_passed) == event::check_passed);
  CHECK(of(e2e::event::check_failed) == event::check_failed);
}

TEST_CASE("the refresh list is the reference's") {
  for (const char* e : {"message_received", "otr_enabled", "smp_started", "smp_aborted",
                        "otr_disabled"})
    CHECK(refreshes_session(ev(e)));
  CHECK_FALSE(refreshes_session(ev("secret_received")));
  CHECK_FALSE(refreshes_session(ev("correct_secret_received")));
}

TEST_CASE("a new OTR conversation after the verification began starts the authentication again") {
  // otr_enabled while OTR is on: the student's client (or the server) restarted and a new
  // private conversation began; its keys are not verified. A refresh changes nothing.
  for (const auto& from : {step::secret_known, step::checking, step::verified}) {
    auto l = at(from);
    l.set_has_secret(true);
    CHECK(l.handle(ev("otr_already_setup")).empty());
    auto fx = l.handle(ev("otr_enabled"));
    CHECK(l.at() == step::secret_known);
    REQUIRE(!fx.empty());
    if (from != step::secret_known)  // from secret_known it comes back to where it was
      CHECK(std::get<status>(fx[0]) == status{from, step::secret_known, ev("otr_enabled")});
    // It was said when the secret arrived: now it is "still" known.
    CHECK(lines(fx) == std::vector<msg>{msg::encryption_on, msg::not_enough,
                                        msg::secret_still_known, msg::how_to_authenticate});
  }
  auto done = at(step::completed);
  CHECK(done.handle(ev("otr_enabled")).empty());
  CHECK(done.at() == step::completed);
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
  l.handle(ev("otr_enabled"));
  l.set_has_secret(true);
  CHECK(lines(l.handle(ev("secret_received"))) ==
        std::vector<msg>{msg::secret_known, msg::authenticate_profanity});
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::authenticate_profanity});
}

TEST_CASE("a program learnt after the greeting gets the current step in its words, once") {
  auto l = make();
  l.start();
  auto fx = l.client_known({clients::client::psi, "Psi+"});
  REQUIRE(lines(fx) == std::vector<msg>{msg::start_otr_psi});
  CHECK(std::get<say>(fx.front()).args.at("client") == "Psi+");
  CHECK(l.client_known({clients::client::psi, "Psi+"}).empty());  // the same again: nothing
  l.handle(ev("otr_enabled"));
  CHECK(l.client_known({clients::client::pidgin, "Pidgin"}).empty());  // step 2: nothing to redo
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::ask_for_secret});
}

TEST_CASE("a program without OTR is told kindly, instead of Step 1") {
  auto l = make();
  l.client_known({clients::client::without_otr, "Gajim"});
  auto fx = l.start();
  CHECK(lines(fx) == std::vector<msg>{msg::greeting, msg::client_without_otr});
  CHECK(std::get<say>(fx.back()).args.at("client") == "Gajim");
  CHECK(l.handle(ev("message_received")).empty());  // the message the greeting answered
  CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::client_without_otr});
  // Back with another program (a new resource): its Step 1.
  CHECK(lines(l.client_known({clients::client::profanity, "Profanity"})) ==
        std::vector<msg>{msg::start_otr_profanity});
}

TEST_CASE("the OTR plan says in its words where each program shows the bot's fingerprint") {
  const auto& words = otr_plan().live;
  CHECK(std::string{words.fingerprint_where("Profanity")} == "In Profanity, /otr theirfp shows it.");
  CHECK(std::string{words.fingerprint_where("Psi+")}.find("{client}") != std::string::npos);
  CHECK(words.fingerprint_where("Gajim") == words.fingerprint_anywhere);
  CHECK(words.fingerprint_where("") == words.fingerprint_anywhere);
  CHECK(&plan_named("otr") == &otr_plan());
  CHECK(otr_plan().describe(step::verified).lesson == "otr");
}
