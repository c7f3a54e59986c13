// The session manager's progress records: codes, completions, and what a restart changed.
#include "actors/rules/progress_book.hpp"

#include <catch2/catch.hpp>

using otrbot::progress_book;

TEST_CASE("progress book: only the last code sent matches; a student without one has none") {
  progress_book b;
  CHECK_FALSE(b.code_went_out("a@x.org"));
  CHECK_FALSE(b.code_matches("a@x.org", ""));
  b.code_sent("a@x.org", "mac-1");
  b.code_sent("a@x.org", "mac-2");
  CHECK(b.code_went_out("a@x.org"));
  CHECK_FALSE(b.code_matches("a@x.org", "mac-1"));
  CHECK(b.code_matches("a@x.org", "mac-2"));
  CHECK_FALSE(b.code_matches("b@x.org", "mac-2"));
}

TEST_CASE("progress book: a completion is kept, and known to be the first only once") {
  progress_book b;
  CHECK(b.complete("a@x.org"));
  CHECK_FALSE(b.complete("a@x.org"));
  CHECK(b.completed("a@x.org"));
  b.forget("a@x.org");
  CHECK_FALSE(b.completed("a@x.org"));
}

TEST_CASE("progress book: a restart mid-lesson is told once; a lesson done, never") {
  otrbot::store::student s;
  s.jid = "a@x.org";
  s.step = "smp_in_progress";
  s.had_secret = true;
  progress_book b;
  b.restore(s, otrbot::lesson::otr_plan());
  CHECK(b.had_secret("a@x.org"));
  auto notice = b.take_restart_notice("a@x.org", false);
  REQUIRE(notice);
  CHECK(notice->step == "smp_in_progress");
  CHECK(notice->had_secret);
  CHECK_FALSE(notice->code_valid);
  CHECK_FALSE(b.take_restart_notice("a@x.org", false));  // once

  s.jid = "b@x.org";
  s.step = "verified";
  s.code_mac = "mac";
  b.restore(s, otrbot::lesson::otr_plan());
  CHECK_FALSE(b.take_restart_notice("b@x.org", true));  // finishing: nothing to start again
  CHECK_FALSE(b.take_restart_notice("b@x.org", false));

  s.jid = "c@x.org";
  s.step = "awaiting_otr";  // nothing of the lesson was lost
  b.restore(s, otrbot::lesson::otr_plan());
  CHECK_FALSE(b.take_restart_notice("c@x.org", false));
}
