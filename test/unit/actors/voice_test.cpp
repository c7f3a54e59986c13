// A session's voice: what waits to be typed, and the echo guard.
#include "actors/rules/voice.hpp"

#include <catch2/catch.hpp>

using otrbot::voice;

TEST_CASE("voice: lines wait in order; the same line is not queued twice; the queue is bounded") {
  voice v;
  CHECK(v.say("Step 1"));
  CHECK(v.say("Step 2"));
  CHECK_FALSE(v.say("Step 1"));  // waiting already: twenty messages get one reminder
  for (int i = 0; i < 40; ++i)
    v.say("line " + std::to_string(i));
  int n = 0;
  std::string first;
  while (auto line = v.next()) {
    if (n++ == 0)
      first = line->text;
    CHECK_FALSE(line->is_private);
  }
  CHECK(first == "Step 1");
  CHECK(n == static_cast<int>(voice::max_waiting));
  CHECK_FALSE(v.waiting());
  CHECK(v.say("Step 1"));  // typed since: it may be said again
}

TEST_CASE("voice: a person's typing time, at least 200 ms") {
  voice v;
  v.say(std::string(100, 'x'));
  CHECK(v.typing_time(50) == std::chrono::milliseconds{2000});
  CHECK(v.typing_time(100000) == std::chrono::milliseconds{200});
}

TEST_CASE("voice: the third echo in a row is recognised, the answers waiting go, the code stays") {
  voice v;
  v.say("Hello! I am the tutor.");
  v.next();
  CHECK(v.hear("Hello! I am the tutor.") == voice::heard::words);  // once: perhaps pasted
  v.say("Step 1: start OTR.");
  v.say_private("Here is your code", "session-1");
  CHECK(v.hear("Step 1: start OTR.") == voice::heard::words);
  v.say("Step 1 again");
  CHECK(v.hear("Hello! I am the tutor.") == voice::heard::echo_now);
  auto left = v.next();
  REQUIRE(left);
  CHECK(left->is_private);
  CHECK(left->session_id == "session-1");
  CHECK_FALSE(v.next());
  CHECK(v.hear("Step 1: start OTR.") == voice::heard::echo);
  CHECK(v.hear("hi, it is me") == voice::heard::words_again);
  CHECK(v.hear("and again") == voice::heard::words);
}

TEST_CASE("voice: dropping the waiting lines drops the code too (its conversation ended)") {
  voice v;
  v.say("a line");
  v.say_private("the code", "s");
  v.drop_waiting();
  CHECK_FALSE(v.waiting());
}
