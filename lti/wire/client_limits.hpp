// How much one client address may ask of the web server: open connections at once, and requests
// per minute (pure; thread-safe, as both of Pistache's threads ask it). Behind a reverse proxy
// every client has the proxy's address: set the limits there and turn these off (0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace otrbot::lti {

class client_limits {
public:
  /// 0 turns a limit off.
  client_limits(std::size_t max_connections, std::size_t max_requests_per_minute)
      : max_connections_(max_connections), max_requests_(max_requests_per_minute) {}

  /// A connection from `address` opens: false (and not counted) when it has too many already.
  bool open(const std::string& address);
  /// A counted connection from `address` has closed.
  void close(const std::string& address);
  /// A request from `address` begins at `now` (Unix seconds): false when it has made its
  /// requests for this minute.
  bool request(const std::string& address, std::int64_t now);

  std::size_t connections(const std::string& address) const;

private:
  struct per_minute {
    std::int64_t minute = 0;
    std::size_t count = 0;
  };
  std::size_t max_connections_;
  std::size_t max_requests_;
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> open_;
  std::map<std::string, per_minute> requests_;
  std::int64_t pruned_minute_ = 0;
};

} // namespace otrbot::lti
