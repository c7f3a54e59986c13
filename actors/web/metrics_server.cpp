// The metrics' HTTP server (see metrics_server.hpp).
#include "actors/web/metrics_server.hpp"

#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/net/address.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>

namespace otrbot {
namespace {

using namespace Pistache;

class handler final : public Http::Handler {
public:
  HTTP_PROTOTYPE(handler)

  void onRequest(const Http::Request& req, Http::ResponseWriter res) override {
    const bool head = req.method() == Http::Method::Head;
    try {
      if (req.resource() != "/metrics") {
        res.send(Http::Code::Not_Found, "Not Found: the metrics are at /metrics\n", MIME(Text, Plain));
      } else if (req.method() != Http::Method::Get && !head) {
        res.headers().addRaw(Http::Header::Raw{"Allow", "GET, HEAD"});
        res.send(Http::Code::Method_Not_Allowed, "Method Not Allowed\n", MIME(Text, Plain));
      } else {
        auto type = Http::Mime::MediaType::fromString(std::string{metrics::content_type});
        res.send(Http::Code::Ok, head ? std::string{} : metrics::bot_registry().render(), type);
      }
    } catch (const std::exception& e) {
      logging::get("metrics")->debug("a metrics response could not be written: {}", e.what());
    }
  }
};

} // namespace

metrics_server::~metrics_server() { stop(); }

std::string metrics_server::start(const std::string& listen) {
  auto hp = net::parse_host_port(listen);
  if (!hp)
    return "metrics.listen is not host:port";
  try {
    endpoint_ = std::make_shared<Http::Endpoint>(Address{hp->host, Port{hp->port}});
    endpoint_->init(Http::Endpoint::options().threads(1).flags(Tcp::Options::ReuseAddr)
                      .maxRequestSize(8192));
    endpoint_->setHandler(Http::make_handler<handler>());
    endpoint_->serveThreaded();
  } catch (const std::exception& e) {
    endpoint_.reset();
    return "cannot listen on " + listen + ": " + e.what();
  }
  logging::get("metrics")->info("metrics on http://{}/metrics (Prometheus text format)", listen);
  return {};
}

void metrics_server::stop() {
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

} // namespace otrbot
