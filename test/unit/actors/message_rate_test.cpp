#include "actors/rules/message_rate.hpp"

#include <catch2/catch.hpp>

using otrbot::message_rate;
using namespace std::chrono_literals;
using v = message_rate::verdict;

TEST_CASE("a JID over the rate is ignored until it has been quiet for a minute") {
  message_rate r;
  std::chrono::nanoseconds t = 1h;
  for (int i = 0; i < 3; ++i)
    CHECK(r.count(t += 1s, 3) == v::answer);
  CHECK(r.count(t += 1s, 3) == v::cut_off);
  CHECK(r.count(t += 50s, 3) == v::ignored);  // not quiet: 50 s since the last one
  CHECK(r.count(t += 59s, 3) == v::ignored);
  CHECK(r.count(t += 60s, 3) == v::answer_again);
  CHECK(r.count(t += 1s, 3) == v::answer);
}

TEST_CASE("the count starts again each minute, and 0 is no limit") {
  message_rate r;
  std::chrono::nanoseconds t = 1h;
  for (int minute = 0; minute < 3; ++minute) {
    for (int i = 0; i < 3; ++i)
      CHECK(r.count(t + std::chrono::seconds{i}, 3) == v::answer);
    t += 61s;
  }
  message_rate unlimited;
  for (int i = 0; i < 1000; ++i)
    CHECK(unlimited.count(t, 0) == v::answer);
}
