#include "lti/wire/client_limits.hpp"

#include <iterator>

namespace otrbot::lti {

bool client_limits::open(const std::string& address) {
  std::lock_guard lock{mutex_};
  auto& n = open_[address];
  if (max_connections_ != 0 && n >= max_connections_) {
    if (n == 0)
      open_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void client_limits::close(const std::string& address) {
  std::lock_guard lock{mutex_};
  auto it = open_.find(address);
  if (it == open_.end())
    return;
  if (--it->second == 0)
    open_.erase(it);
}

bool client_limits::request(const std::string& address, std::int64_t now) {
  if (max_requests_ == 0)
    return true;
  const std::int64_t minute = now / 60;
  std::lock_guard lock{mutex_};
  if (minute != pruned_minute_) {
    // Forget the addresses of past minutes: the table holds only this minute's clients.
    for (auto it = requests_.begin(); it != requests_.end();)
      it = it->second.minute < minute ? requests_.erase(it) : std::next(it);
    pruned_minute_ = minute;
  }
  auto& r = requests_[address];
  if (r.minute != minute)
    r = {minute, 0};
  if (r.count >= max_requests_)
    return false;
  ++r.count;
  return true;
}

std::size_t client_limits::connections(const std::string& address) const {
  std::lock_guard lock{mutex_};
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

} // namespace otrbot::lti
