// The calling thread's scheduling priority (pure OS call, no CAF): the bot's background work
// (key making, the students' cryptography) runs below the threads that serve students.
#pragma once

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace otrbot {

/// Lowers the calling thread's priority to `nice` (Linux: nice is per thread); false when the
/// system refused. Nothing happens for `nice` <= 0.
inline bool lower_this_thread(int nice) {
  if (nice <= 0)
    return true;
  auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  return ::setpriority(PRIO_PROCESS, tid, nice) == 0;
}

} // namespace otrbot
