// The OTR keys made ahead and not yet handed out, shared by the key pool, which fills it, and
// the sessions, which take their key from it in their first turn: a session's start needs no
// message to another thread and back while a key is ready. Thread-safe; a key is taken once.
#pragma once

#include "actors/contract/messages.hpp"

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace otrbot {

class key_stock {
public:
  /// The oldest key ready, or nothing (then the session asks the pool, which makes one).
  std::optional<otr_key> take() {
    std::lock_guard lock{mutex_};
    if (keys_.empty())
      return std::nullopt;
    auto key = std::move(keys_.front());
    keys_.pop_front();
    return key;
  }
  void put(otr_key key) {
    std::lock_guard lock{mutex_};
    keys_.push_back(std::move(key));
  }
  std::size_t size() const {
    std::lock_guard lock{mutex_};
    return keys_.size();
  }

private:
  mutable std::mutex mutex_;
  std::deque<otr_key> keys_;
};

} // namespace otrbot
