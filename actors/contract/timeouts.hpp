// Inactivity rules of a session (pure): warn, then end.
#pragma once

#include <chrono>

namespace otrbot {

enum class timeout_action { none, warn, end };

/// What to do for a session idle for `idle`: end it after `session_timeout`,
/// warn once after `warning_timeout` (unless already warned).
constexpr timeout_action check_timeout(std::chrono::seconds idle, bool warned,
                                       std::chrono::seconds warning_timeout,
                                       std::chrono::seconds session_timeout) {
  if (idle >= session_timeout)
    return timeout_action::end;
  if (idle >= warning_timeout && !warned)
    return timeout_action::warn;
  return timeout_action::none;
}

/// Seconds left before the end (at least 1).
constexpr long seconds_left(std::chrono::seconds idle, std::chrono::seconds session_timeout) {
  auto left = (session_timeout - idle).count();
  return left < 1 ? 1 : static_cast<long>(left);
}

/// How the warning says the time left: in seconds under a minute and a half, else in whole
/// minutes rounded to the nearest, so that "in 1 minute" never stands for 40 seconds.
struct time_words {
  bool in_seconds;
  long value;
  friend bool operator==(const time_words&, const time_words&) = default;
};
constexpr time_words words_for(long seconds) {
  if (seconds < 90)
    return {true, seconds < 1 ? 1 : seconds};
  return {false, (seconds + 30) / 60};
}

} // namespace otrbot
