// The metrics' own HTTP server ([metrics] listen): GET /metrics in Prometheus's text format
// (transport/base/bot_metrics.hpp), on an address of its own so that it is never served with
// the pages. One Pistache thread; it reads atomics and touches no actor.
#pragma once

#include <memory>
#include <string>

namespace Pistache::Http {
class Endpoint;
}

namespace otrbot {

class metrics_server {
public:
  metrics_server() = default;
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// Listens on `listen` (host:port); an error message when it cannot.
  std::string start(const std::string& listen);
  void stop();

private:
  std::shared_ptr<Pistache::Http::Endpoint> endpoint_;
};

} // namespace otrbot
