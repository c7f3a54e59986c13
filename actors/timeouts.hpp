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

/// Whole minutes left before the end, rounded up (at least 1).
constexpr long minutes_left(std::chrono::seconds idle, std::chrono::seconds session_timeout) {
  auto left = (session_timeout - idle).count();
  return left <= 60 ? 1 : (left + 59) / 60;
}

} // namespace otrbot
