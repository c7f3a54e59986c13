// Background threads below the serving ones: the nice value of the calling thread only.
#include "transport/base/thread_priority.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <utility>

using otrbot::lower_this_thread;

namespace {

int this_threads_nice() {
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

/// Lowers a new thread to `nice`; what the kernel then holds for that thread.
std::pair<bool, int> on_a_thread(int nice) {
  std::pair<bool, int> seen{false, -100};
  std::thread([&] {
    seen.first = lower_this_thread(nice);
    seen.second = this_threads_nice();
  }).join();
  return seen;
}

} // namespace

TEST_CASE("a nice value lowers only the calling thread") {
  const int before = this_threads_nice();
  auto [ok, nice] = on_a_thread(before + 5);
  CHECK(ok);
  CHECK(nice == before + 5);
  CHECK(this_threads_nice() == before);  // the thread that asked for it is untouched
}

TEST_CASE("nice 0 or below changes nothing") {
  const int before = this_threads_nice();
  CHECK(on_a_thread(0) == std::pair{true, before});
  CHECK(on_a_thread(-3) == std::pair{true, before});
}
