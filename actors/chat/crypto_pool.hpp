// The crypto pool: the sessions' public-key arithmetic (OTR's AKE and SMP) on threads of its
// own, below the priority of the threads that serve students, so that a first reply, a
// plaintext answer or a page never waits behind a lecture hall's cryptography.
#pragma once

#include "actors/contract/interfaces.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace otrbot {

struct crypto_pool_config {
  std::size_t threads = 1;  ///< cryptography threads (one per core)
  int nice = 5;             ///< their priority (nice): below serving (0), above key making (10)
  bool detached = true;     ///< each on a thread of its own (tests: on the test's scheduler)
};

struct crypto_pool_state {
  static constexpr const char* name = "crypto_pool";
  struct waiting_job {
    crypto_job job;
    caf::typed_response_promise<bool> done;
    std::chrono::steady_clock::time_point since;
  };
  /// By (rank, arrival): the oldest session's call first, each session's calls in order.
  std::map<std::pair<std::int64_t, std::uint64_t>, waiting_job> queue;
  std::uint64_t arrivals = 0;
  std::vector<crypto_worker_actor> idle;
};

/// Spawns cfg.threads workers (linked to the pool) and hands each idle one the waiting job of
/// the lowest rank (the oldest session), then the earliest.
crypto_pool_actor::behavior_type crypto_pool(crypto_pool_actor::stateful_pointer<crypto_pool_state> self,
                                             crypto_pool_config cfg);

/// One worker: runs a job per request, at cfg.nice.
crypto_worker_actor::behavior_type crypto_worker(crypto_worker_actor::pointer self, int nice);

} // namespace otrbot
