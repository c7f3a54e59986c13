// The key pool: fresh OTR keys made ahead, on every core, below the priority of serving students.
#pragma once

#include "actors/chat/key_stock.hpp"
#include "actors/contract/interfaces.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace otrbot {

struct key_pool_config {
  std::string account;         ///< the bot's bare JID: whose keys these are
  std::size_t capacity = 0;    ///< keys kept ready; 0: each key is made when a session asks
  std::size_t makers = 1;      ///< key makers (threads)
  int nice = 10;               ///< the makers' scheduling priority (nice), above 0: below serving
  /// Where the keys ready are kept, shared with the sessions (null: the pool makes its own).
  std::shared_ptr<key_stock> stock;
  bool detached_makers = true;  ///< each maker on a thread of its own (false: tests)
  /// Called by a maker before each key (empty: nothing). Tests hold key generation there
  /// (runclient sets it only for OTRBOT_TEST_KEYGEN_GATE).
  std::function<void()> before_key;
};

struct key_pool_state {
  static constexpr const char* name = "key_pool";
  key_pool_config cfg;  ///< cfg.stock: the keys ready
  std::deque<caf::typed_response_promise<otr_key>> waiting;  ///< first come, first served
  std::vector<key_maker_actor> idle;
  std::size_t making = 0;     ///< keys being made now
  bool drawn = false;         ///< a key was taken since the pool was last full
  bool retry_armed = false;
};

/// Spawns cfg.makers key makers (detached, linked to the pool) and keeps
/// cfg.capacity keys ready in cfg.stock. A session takes one from the stock and says so
/// (key_taken), or asks (take_key); one that asks when none is ready gets the next key made;
/// keys for waiting sessions are made before the pool refills.
key_pool_actor::behavior_type key_pool(key_pool_actor::stateful_pointer<key_pool_state> self,
                                       key_pool_config cfg);

/// One key maker: makes a key per request, on its own thread.
key_maker_actor::behavior_type key_maker(key_maker_actor::pointer self, key_pool_config cfg);

} // namespace otrbot
