// OTR happenings by name, and which message bodies are OTR traffic.
#include "actors/rules/lesson.hpp"
#include "transport/otr/otr_events.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;

TEST_CASE("otr events: queries, protocol and data messages and the whitespace tag are OTR traffic") {
  CHECK(otr::is_otr_traffic("?OTRv23?"));
  CHECK(otr::is_otr_traffic("?OTR:AAMDabc=."));
  CHECK(otr::is_otr_traffic("?OTR Error: the message could not be read"));
  CHECK(otr::is_otr_traffic("hello \x20\x09\x20\x20\x09\x09\x09\x09  \x09\x09  \x09\x09"));
  CHECK_FALSE(otr::is_otr_traffic("hello"));
  CHECK_FALSE(otr::is_otr_traffic("what is OTR?"));
  CHECK_FALSE(otr::is_otr_traffic(""));
}

TEST_CASE("otr events: the lesson hears the facade's events, named by the OTR plan") {
  lesson::lesson l{{false, "XXXX-XXXX"}, [](std::uint8_t* o, std::size_t n) { std::fill(o, o + n, 0); }};
  l.start();
  l.handle(otr::event::started);
  CHECK(l.at() == lesson::step::encrypted);
  l.handle(otr::event::ended);
  CHECK(l.at() == lesson::step::awaiting_encryption);
  const auto& plan = lesson::otr_plan();
  CHECK(plan.name(lesson::of(otr::event::started)) == "otr_enabled");
  CHECK(plan.name(lesson::of(otr::event::ended)) == "otr_disabled");
  CHECK(plan.name(lesson::of(otr::event::refreshed)) == "otr_already_setup");
  CHECK(plan.name(lesson::of(otr::event::check_started)) == "smp_started");
  CHECK(plan.name(lesson::of(otr::event::check_question)) == "smp_question_used");
  CHECK(plan.name(lesson::of(otr::event::check_aborted)) == "smp_aborted");
  CHECK(plan.name(lesson::of(otr::event::check_passed)) == "correct_secret_received");
  CHECK(plan.name(lesson::of(otr::event::check_failed)) == "incorrect_secret_received");
}
