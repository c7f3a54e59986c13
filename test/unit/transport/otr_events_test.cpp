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

TEST_CASE("otr events: the lesson hears the facade's events by their names") {
  lesson::lesson l{{false, "XXXX-XXXX"}, [](std::uint8_t* o, std::size_t n) { std::fill(o, o + n, 0); }};
  l.start();
  l.handle(otr::event::otr_enabled);
  CHECK(l.step() == lesson::steps::encrypted);
  l.handle(otr::event::otr_disabled);
  CHECK(l.step() == lesson::steps::awaiting_otr);
  for (auto e : {otr::event::otr_enabled, otr::event::otr_disabled, otr::event::otr_already_setup,
                 otr::event::smp_started, otr::event::smp_question_used, otr::event::smp_aborted,
                 otr::event::correct_secret_received, otr::event::incorrect_secret_received})
    CHECK_FALSE(otr::name(e).empty());
}
