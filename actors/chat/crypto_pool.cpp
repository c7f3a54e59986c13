// The crypto pool and its workers.
#include "actors/chat/crypto_pool.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/thread_priority.hpp"

#include <memory>
#include <utility>

namespace otrbot {
namespace {

using pool_ptr = crypto_pool_actor::stateful_pointer<crypto_pool_state>;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Sends waiting jobs to idle workers, lowest rank first.
void dispatch(pool_ptr self) {
  auto& st = self->state;
  auto& m = metrics::bot();
  while (!st.idle.empty() && !st.queue.empty()) {
    auto worker = std::move(st.idle.back());
    st.idle.pop_back();
    auto job = std::move(st.queue.begin()->second);
    st.queue.erase(st.queue.begin());
    m.crypto_seconds.with({"queued"}).observe(seconds_since(job.since));
    auto started = std::chrono::steady_clock::now();
    auto done = job.done;
    self->request(worker, caf::infinite, std::move(job.job))
      .then(
        [self, worker, done, started](bool) mutable {
          metrics::bot().crypto_seconds.with({"run"}).observe(seconds_since(started));
          done.deliver(true);
          self->state.idle.push_back(worker);
          dispatch(self);
        },
        [self, worker, done](caf::error& err) mutable {
          done.deliver(std::move(err));
          self->state.idle.push_back(worker);
          dispatch(self);
        });
  }
  m.crypto_waiting.get().set(static_cast<std::int64_t>(st.queue.size()));
}

} // namespace

crypto_worker_actor::behavior_type crypto_worker(crypto_worker_actor::pointer, int nice) {
  auto lowered = std::make_shared<bool>(false);
  return {
    [nice, lowered](crypto_job& job) -> bool {
      if (!std::exchange(*lowered, true) && !lower_this_thread(nice))  // the worker's own thread
        logging::get("otr")->debug("crypto pool: priority unchanged (setpriority failed)");
      job.run();
      return true;
    },
  };
}

crypto_pool_actor::behavior_type crypto_pool(pool_ptr self, crypto_pool_config cfg) {
  auto& st = self->state;
  for (std::size_t i = 0; i < std::max<std::size_t>(cfg.threads, 1); ++i)
    // Linked: a worker that dies takes the pool down (runclient watches it).
    st.idle.push_back(cfg.detached ? self->spawn<caf::detached + caf::linked>(crypto_worker, cfg.nice)
                                   : self->spawn<caf::linked>(crypto_worker, cfg.nice));
  logging::get("otr")->info("crypto pool: the sessions' public-key arithmetic on {} thread(s) "
                            "at nice {}", st.idle.size(), cfg.nice);
  return {
    [self](crypto_job& job) -> caf::result<bool> {
      auto done = self->make_response_promise<bool>();
      auto& s = self->state;
      auto key = std::make_pair(job.rank, s.arrivals++);
      s.queue.emplace(key, crypto_pool_state::waiting_job{std::move(job), done,
                                                           std::chrono::steady_clock::now()});
      dispatch(self);
      return done;
    },
  };
}

} // namespace otrbot
