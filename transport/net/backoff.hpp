// Reconnect delays: 1 s doubling to 60 s, with jitter (pure; randomness injected).
#pragma once

#include <chrono>

namespace otrbot::net {

/// Exponential backoff for reconnecting. Attempt n waits base * 2^n, capped,
/// then multiplied by a jitter factor in [0.5, 1.0] so that many bots
/// restarted together do not reconnect in lockstep.
class backoff {
public:
  using duration = std::chrono::milliseconds;

  explicit backoff(duration base = std::chrono::seconds{1},
                   duration cap = std::chrono::seconds{60}) noexcept
    : base_(base), cap_(cap) {}

  /// The delay before the next attempt; `unit` is a uniform random number in
  /// [0, 1). Each call moves on to the next attempt.
  duration next(double unit) noexcept;

  /// Back to the first delay (after a successful connection).
  void reset() noexcept { attempt_ = 0; }

  /// How many delays were handed out since the last reset.
  int attempts() const noexcept { return attempt_; }

private:
  duration base_;
  duration cap_;
  int attempt_ = 0;
};

} // namespace otrbot::net
