// The OMEMO lesson's plan: its table step by step, by the OMEMO names of its events, and the
// words and effects of each step (the conversation's events are omemo_conversation.hpp's).
#include "actors/rules/lesson.hpp"
#include "test/unit/actors/lesson_effects.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;
using namespace otrbot::lesson;
using i18n::msg;

namespace {

using testing::has;
using testing::lines;

lesson::lesson make() { return lesson::lesson{omemo_plan(), {false, "XXXX-XXXX"}, testing::zeros}; }

event ev(std::string_view name) { return testing::event_of(omemo_plan(), name); }

} // namespace

TEST_CASE("the OMEMO plan is found by its id, names its steps, and the OTR plan stays the default") {
  CHECK(&plan_named("omemo") == &omemo_plan());
  CHECK(&plan_named("otr") == &otr_plan());
  CHECK(&plan_named("anything") == &otr_plan());
  CHECK(omemo_plan().name(step::awaiting_encryption) == "awaiting_omemo");
  CHECK(omemo_plan().step_named("device_known") == step::secret_known);
  auto view = omemo_plan().describe(step::encrypted);
  CHECK(view.lesson == "omemo");
  CHECK(view.number == 2);
  CHECK(view.of == 4);
  CHECK(view.page == "/ask_for_secret");
}

TEST_CASE("the whole OMEMO lesson: switch it on, verify the bot, type the fingerprint, the code") {
  auto l = make();
  CHECK(lines(l.start()) == std::vector<msg>{msg::greeting_omemo, msg::how_to_start_omemo});

  auto on = l.handle(ev("omemo_enabled"));
  CHECK(l.at() == step::encrypted);
  CHECK(lines(on) == std::vector<msg>{msg::omemo_on, msg::omemo_verify_bot, msg::omemo_type_fingerprint});
  CHECK_FALSE(has<start_check>(on));
  // The decoy trusted, as every blind-trusting program does at first: entering said it already.
  CHECK(l.handle(ev("decoy_trusted")).empty());
  CHECK(lines(l.handle(ev("message_received"))) ==
        std::vector<msg>{msg::omemo_verify_bot, msg::omemo_type_fingerprint});

  l.set_has_secret(true);
  auto typed = l.handle(ev("fingerprint_received"));
  CHECK(has<start_check>(typed));  // the session compares it with the devices that wrote

  SECTION("the fingerprint matches while the decoy is still trusted") {
    auto known = l.handle(ev("fingerprint_matched"));
    CHECK(l.at() == step::secret_known);
    CHECK(lines(known) == std::vector<msg>{msg::omemo_device_known, msg::omemo_decoy_trusted});
    CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::omemo_decoy_trusted});
    auto passed = l.handle(ev("devices_verified"));
    CHECK(l.at() == step::verified);
    CHECK(lines(passed) == std::vector<msg>{msg::omemo_verified, msg::enter_code});
    REQUIRE(has<send_code>(passed));
    // Never the code again in an ordinary line (it would reach every device that wrote).
    CHECK(lines(l.handle(ev("message_received"))) == std::vector<msg>{msg::enter_code});
    // Another device of the account wrote: read, warned about, nothing private for it.
    // A message that did not decrypt: the new session is announced, the step stays.
    CHECK(lines(l.handle(ev("session_repaired"))) == std::vector<msg>{msg::omemo_unreadable});
    CHECK(l.at() == step::verified);
    auto other = l.handle(ev("unverified_device"));
    CHECK(lines(other) == std::vector<msg>{msg::omemo_other_device});
    CHECK_FALSE(has<send_code>(other));
    CHECK(l.at() == step::verified);
    auto done = l.handle(ev("code_accepted"));
    CHECK(l.at() == step::completed);
    CHECK(has<completed>(done));
    CHECK(lines(l.handle(ev("unverified_device"))) == std::vector<msg>{msg::omemo_other_device});
  }
  SECTION("the fingerprint completes the check at once") {
    auto passed = l.handle(ev("devices_verified"));
    CHECK(l.at() == step::verified);
    CHECK(has<send_code>(passed));
  }
  SECTION("a fingerprint of no device that wrote: said, and the step stays") {
    CHECK(lines(l.handle(ev("fingerprint_mismatch"))) ==
          std::vector<msg>{msg::omemo_fingerprint_mismatch});
    CHECK(l.at() == step::encrypted);
  }
  SECTION("the device known, then its identity changes: back, with the reason") {
    l.handle(ev("fingerprint_matched"));
    CHECK(lines(l.handle(ev("fingerprint_mismatch"))) ==
          std::vector<msg>{msg::omemo_fingerprint_mismatch});
    CHECK(l.at() == step::encrypted);
  }
  SECTION("OMEMO switched off before the end: step 1 again") {
    auto off = l.handle(ev("omemo_disabled"));
    CHECK(l.at() == step::awaiting_encryption);
    CHECK(lines(off) == std::vector<msg>{msg::omemo_ended_early, msg::how_to_start_omemo});
  }
}

TEST_CASE("before OMEMO: a message the bot cannot read, and a fingerprint kept for later") {
  auto l = make();
  l.start();
  CHECK(lines(l.handle(ev("bot_device_not_trusted"))) == std::vector<msg>{msg::omemo_bot_untrusted});
  l.set_has_secret(true);
  CHECK(lines(l.handle(ev("fingerprint_received"))) == std::vector<msg>{msg::omemo_fingerprint_noted});
  CHECK(l.at() == step::awaiting_encryption);
  // Once OMEMO is on, the fingerprint given before is checked at once.
  CHECK(has<start_check>(l.handle(ev("omemo_enabled"))));
}

TEST_CASE("Profanity's students get Profanity's commands for step 1") {
  auto l = make();
  l.start();
  clients::profile profanity;
  profanity.id = clients::client::profanity;
  profanity.name = "Profanity";
  CHECK(lines(l.client_known(profanity)) == std::vector<msg>{msg::start_omemo_profanity});
}
