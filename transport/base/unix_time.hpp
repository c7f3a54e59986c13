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

} // namespace otrbot
