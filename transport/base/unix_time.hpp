// Wall-clock time as the store, the admin API and the pages' tokens use it.
#pragma once

#include <chrono>
#include <cstdint>

namespace otrbot {

/// Seconds since the Unix epoch.
inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Milliseconds since the Unix epoch (AGS scores carry their time to the millisecond).
inline std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace otrbot
