// Reconnect delays: 1 s doubling to 60 s, jitter in [0.5, 1] of the nominal delay.
#include "transport/net/backoff.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::net;
using namespace std::chrono_literals;

TEST_CASE("without jitter the delays double from 1 s and stop at 60 s") {
  backoff b;
  std::vector<long> got;
  for (int i = 0; i < 9; ++i)
    got.push_back(static_cast<long>(b.next(1.0).count()));
  CHECK(got == std::vector<long>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000});
  CHECK(b.attempts() == 9);
}

TEST_CASE("jitter scales each delay into [0.5, 1] of its nominal value") {
  backoff low, high;
  for (int i = 0; i < 8; ++i) {
    auto l = low.next(0.0);
    auto h = high.next(0.999);
    CHECK(l * 2 >= h - 2ms);
    CHECK(l <= h);
  }
  CHECK(backoff{}.next(0.0) == 500ms);
  CHECK(backoff{}.next(-5.0) == 500ms);  // out-of-range randomness is clamped
}

TEST_CASE("reset starts over at the first delay") {
  backoff b;
  b.next(1.0);
  b.next(1.0);
  b.reset();
  CHECK(b.attempts() == 0);
  CHECK(b.next(1.0) == 1s);
}
