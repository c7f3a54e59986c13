// The key pool and its key makers.
#include "actors/chat/key_pool.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/thread_priority.hpp"
#include "transport/otr/otr_session.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

namespace otrbot {
namespace {

using pool_ptr = key_pool_actor::stateful_pointer<key_pool_state>;

std::shared_ptr<spdlog::logger> log() { return logging::get("otr"); }

void make_more(pool_ptr self);

void delivered(pool_ptr self, key_maker_actor maker, otr_key key) {
  auto& st = self->state;
  --st.making;
  st.idle.push_back(std::move(maker));
  if (!st.waiting.empty()) {
    st.waiting.front().deliver(std::move(key));
    st.waiting.pop_front();
  } else {
    st.cfg.stock->put(std::move(key));
    if (auto ready = st.cfg.stock->size(); st.drawn && ready >= st.cfg.capacity) {
      st.drawn = false;
      log()->info("key pool full: {} keys ready", ready);
    }
  }
  make_more(self);
}

void failed(pool_ptr self, key_maker_actor maker, const caf::error& err) {
  auto& st = self->state;
  --st.making;
  st.idle.push_back(std::move(maker));
  log()->error("an OTR key could not be made: {}", caf::to_string(err));
  // The session that waited longest learns it now; the others wait for the
  // next attempt, a second later (a failing libgcrypt is not asked in a loop).
  if (!st.waiting.empty()) {
    st.waiting.front().deliver(caf::make_error(caf::sec::runtime_error, "no OTR key"));
    st.waiting.pop_front();
  }
  if (!st.retry_armed) {
    st.retry_armed = true;
    self->delayed_send(self, std::chrono::seconds{1}, atoms::refill_v);
  }
}

/// Sends idle makers to work while fewer keys are ready or being made than
/// the pool holds plus the sessions waiting.
void make_more(pool_ptr self) {
  auto& st = self->state;
  // (a session may take a key meanwhile: it says so, and this runs again)
  const auto ready = st.cfg.stock->size();
  metrics::bot().key_pool_keys.get().set(static_cast<std::int64_t>(ready));
  metrics::bot().key_pool_waiters.get().set(static_cast<std::int64_t>(st.waiting.size()));
  if (st.retry_armed)
    return;
  while (!st.idle.empty() && ready + st.making < st.cfg.capacity + st.waiting.size()) {
    auto maker = std::move(st.idle.back());
    st.idle.pop_back();
    ++st.making;
    self->request(maker, caf::infinite, atoms::make_key_v)
      .then([self, maker](otr_key& key) { delivered(self, maker, std::move(key)); },
            [self, maker](caf::error& err) { failed(self, maker, err); });
  }
}

/// Keys a maker makes in one DSA domain before it makes a new domain.
constexpr int keys_per_domain = 256;

} // namespace

key_maker_actor::behavior_type key_maker(key_maker_actor::pointer, key_pool_config cfg) {
  struct maker_state {
    bool lowered = false;
    std::optional<otr::key_domain> domain;
    int used = 0;  ///< keys made in the domain
  };
  return {
    [cfg, st = std::make_shared<maker_state>()](atoms::make_key) -> caf::result<otr_key> {
      if (cfg.detached_makers && !std::exchange(st->lowered, true))
        if (!lower_this_thread(cfg.nice))  // here: this is the maker's own thread
          log()->debug("key maker: priority unchanged (setpriority failed)");
      if (cfg.before_key)
        cfg.before_key();
      if (!st->domain || st->used >= keys_per_domain) {
        st->domain = otr::key_domain::make();  // the prime search, once per keys_per_domain
        st->used = 0;
      }
      auto key = st->domain ? otr::make_key(cfg.account, &*st->domain) : std::nullopt;
      ++st->used;
      if (!key)
        return caf::make_error(caf::sec::runtime_error, "libgcrypt could not make a key");
      return otr_key{std::make_shared<const otr::private_key>(std::move(*key))};
    },
  };
}

key_pool_actor::behavior_type key_pool(pool_ptr self, key_pool_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (!st.cfg.stock)
    st.cfg.stock = std::make_shared<key_stock>();
  for (std::size_t i = 0; i < std::max<std::size_t>(st.cfg.makers, 1); ++i) {
    // Linked: a maker that dies takes the pool down (runclient watches it),
    // and the pool's end ends its makers.
    st.idle.push_back(st.cfg.detached_makers
                        ? self->spawn<caf::detached + caf::linked>(key_maker, st.cfg)
                        : self->spawn<caf::linked>(key_maker, st.cfg));
  }
  if (st.cfg.capacity > 0)
    log()->info("key pool: making {} OTR keys ahead on {} thread(s)", st.cfg.capacity,
                st.idle.size());
  st.drawn = st.cfg.capacity > 0;  // the first fill is worth a line too
  make_more(self);
  return {
    [self](atoms::take_key) -> caf::result<otr_key> {
      auto& s = self->state;
      s.drawn = true;
      if (auto key = s.cfg.stock->take()) {
        make_more(self);
        return std::move(*key);
      }
      auto promise = self->make_response_promise<otr_key>();
      s.waiting.push_back(promise);
      make_more(self);
      return promise;
    },
    [self](atoms::key_taken) {
      self->state.drawn = true;
      make_more(self);
    },
    [self](atoms::refill) {
      self->state.retry_armed = false;
      make_more(self);
    },
  };
}

} // namespace otrbot
