// The HTTP adapter: Pistache's routes turn each request into a web_request for the web actor and
// write its web_response back when it comes. No handler waits: Pistache's threads stay free.
#include "actors/web/http_gateway.hpp"

#include "actors/log/logging.hpp"
#include "actors/web/http_guard.hpp"
#include "actors/web/web.hpp"
#include "i18n/mark.hpp"
#include "lti/pages/lti13_script.hpp"
#include "lti/pages/progress_script.hpp"
#include "lti/pages/routes.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/net/address.hpp"

#include <caf/all.hpp>
#include <pistache/endpoint.h>
#include <pistache/router.h>

namespace otrbot {
namespace {

using namespace Pistache;

/// A response header Pistache 0.0.5 has no class for (it writes only typed
/// headers, not raw ones).
#define OTRBOT_HEADER(cls, text)                                                   \
  class cls : public Http::Header::Header {                                        \
  public:                                                                          \
    NAME(text)                                                                     \
    cls() = default;                                                               \
    explicit cls(std::string v) : value_(std::move(v)) {}                          \
    void parseRaw(const char* str, size_t len) override { value_.assign(str, len); } \
    void write(std::ostream& os) const override { os << value_; }                  \
                                                                                   \
  private:                                                                         \
    std::string value_;                                                            \
  };

OTRBOT_HEADER(referrer_policy, "Referrer-Policy")
OTRBOT_HEADER(content_type_options, "X-Content-Type-Options")
OTRBOT_HEADER(set_cookie_header, "Set-Cookie")
OTRBOT_HEADER(www_authenticate, "WWW-Authenticate")
OTRBOT_HEADER(cache_control, "Cache-Control")
OTRBOT_HEADER(location, "Location")
OTRBOT_HEADER(content_security_policy, "Content-Security-Policy")
OTRBOT_HEADER(allow_header, "Allow")

std::string header(const Rest::Request& req, const char* name) {
  if (auto raw = req.headers().tryGetRaw(name))
    return raw->value();
  return {};
}

/// The request as plain data; the query decoded.
lti::web_request decode(const Rest::Request& req) {
  lti::web_request r;
  r.method = Http::methodString(req.method());
  r.path = req.resource();
  for (auto it = req.query().parameters_begin(); it != req.query().parameters_end(); ++it) {
    bool ok = true;
    r.query.emplace_back(it->first, lti::percent_decode(it->second, true, ok));
  }
  r.body = req.body();
  if (req.cookies().has("otrbot_session"))
    r.cookie_token = req.cookies().get("otrbot_session").value;
  for (const auto& c : req.cookies())
    if (c.name.starts_with("otrbot_lti13_") && r.lti13_cookies.size() < 20)
      r.lti13_cookies.emplace_back(c.name, c.value);
  r.authorization = header(req, "Authorization");
  r.host = header(req, "Host");
  r.forwarded_proto = header(req, "X-Forwarded-Proto");
  r.forwarded_host = header(req, "X-Forwarded-Host");
  r.forwarded_for = header(req, "X-Forwarded-For");
  r.origin = header(req, "Origin");
  r.fetch_site = header(req, "Sec-Fetch-Site");
  r.remote = req.address().host();
  return r;
}

Http::Mime::MediaType utf8(Http::Mime::MediaType type) {
  type.setParam("charset", "utf-8");
  return type;
}

/// Whether the client keeps the connection for another request (RFC 9112 9.3): HTTP/1.1 unless
/// it says close, HTTP/1.0 only when it says keep-alive. (Pistache 0.0.5 answers "Connection:
/// Close" to a request without a Connection header, HTTP/1.1 or not: its clients would open a
/// connection for every request.)
bool keeps_alive(const Rest::Request& req) {
  auto said = req.headers().tryGet<Http::Header::Connection>();
  if (req.version() == Http::Version::Http11)
    return !said || said->control() != Http::ConnectionControl::Close;
  return said && said->control() == Http::ConnectionControl::KeepAlive;
}

/// The response's Connection header: close when the client asked for it, or when the
/// connection is closing (a request was pipelined behind this one: `closing`).
void connection_header(Http::ResponseWriter& res, bool keep_alive, bool closing) {
  auto& h = res.headers();
  if (h.has<Http::Header::Connection>())
    h.remove<Http::Header::Connection>();
  h.add<Http::Header::Connection>(keep_alive && !closing ? Http::ConnectionControl::KeepAlive
                                                         : Http::ConnectionControl::Close);
}

/// Writes `r` (with the pages' security headers, `csp` among them); a client
/// that has gone meanwhile is no error of ours.
void write(Http::ResponseWriter& res, const lti::web_response& r, const std::string& csp,
           bool keep_alive) {
  auto& h = res.headers();
  h.add<content_type_options>("nosniff");
  if (!r.plain) {
    h.add<cache_control>("no-store");
    // The session token travels in links: never in a Referer.
    h.add<referrer_policy>("no-referrer");
    h.add<content_security_policy>(csp);
  }
  if (!r.set_cookie.empty())
    h.add<set_cookie_header>(r.set_cookie);
  if (!r.location.empty())
    h.add<location>(r.location);
  if (r.bearer_challenge)
    h.add<www_authenticate>("Bearer");
  const bool closing = lti::answering(res);
  connection_header(res, keep_alive, closing);
  auto code = static_cast<Http::Code>(r.status);
  try {
    auto sent = [&] {
      switch (r.kind) {
        case lti::body_kind::html: return res.send(code, r.body, utf8(MIME(Text, Html)));
        case lti::body_kind::json: return res.send(code, r.body, utf8(MIME(Application, Json)));
        case lti::body_kind::text: return res.send(code, r.body, MIME(Text, Plain));
        case lti::body_kind::none: break;
      }
      return res.send(code, "");
    }();
    if (closing)
      lti::close_when_sent(res, std::move(sent));
  } catch (const std::exception& e) {
    logging::get("lti")->debug("a response could not be written: {}", e.what());
  }
}

/// A request's route and arrival, counted with its status when it is answered (metrics).
struct served {
  std::string_view route;  ///< routes.hpp's name, or "not_found"
  std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();

  void count(int status) const {
    auto& m = metrics::bot();
    m.http_requests.with({std::string{route}, std::to_string(status)}).inc();
    m.http_seconds.with({std::string{route}}).observe_since(since);
    const char* version = route == "launch" ? "1.1" : route == "lti13_launch" ? "1.3" : nullptr;
    if (version)
      m.lti_launches.with({version, status < 400 ? "accepted" : "refused"}).inc();
  }
};

/// One request's response, written by the web actor when it has it. Dropped unwritten (the web
/// actor ended with the request in its mailbox), it answers that the bot did not answer.
class http_answer final : public response_sink {
public:
  http_answer(Http::ResponseWriter writer, std::shared_ptr<const lti::web_settings> pages,
              served counted, bool keep_alive)
      : writer_(std::move(writer)), pages_(std::move(pages)), counted_(counted),
        keep_alive_(keep_alive) {}
  http_answer(const http_answer&) = delete;
  http_answer& operator=(const http_answer&) = delete;

  ~http_answer() override {
    if (written_)
      return;
    logging::get("lti")->error("no answer for a web request: the web actor is gone");
    write(lti::error_page(*pages_, 503, N_("The bot did not answer; try again.")));
  }

  void write(const lti::web_response& r) override {
    if (std::exchange(written_, true))
      return;
    otrbot::write(writer_, r, pages_->csp, keep_alive_);
    counted_.count(r.status);
  }

private:
  Http::ResponseWriter writer_;
  std::shared_ptr<const lti::web_settings> pages_;
  served counted_;
  bool keep_alive_;
  bool written_ = false;
};

} // namespace

struct http_gateway::impl {
  http_gateway_config cfg;
  std::shared_ptr<const lti::web_settings> pages;  ///< for the page when the web actor is silent
  web_actor web;
  std::shared_ptr<Http::Endpoint> endpoint;
  Rest::Router router;

  /// Hands the request to the web actor, which writes the answer when it has it; the Pistache
  /// thread returns at once.
  void forward(const Rest::Request& req, Http::ResponseWriter res, served counted) {
    lti::answer_pending(res);
    caf::anon_send(web, web_call{decode(req), std::make_shared<http_answer>(
                                                std::move(res), pages, counted, keeps_alive(req))});
  }

  /// One handler for every request: the route table (lti/pages/routes.hpp) says whether it is
  /// answered here or by the web actor. Pistache's router does nothing else.
  void routes() {
    router.addNotFoundHandler([this](const Rest::Request& q, Http::ResponseWriter r) {
      auto m = lti::match_route(Http::methodString(q.method()), q.resource());
      served counted{m ? lti::route_name(m->route) : std::string_view{"not_found"}};
      if (m && lti::answered_here(m->route)) {
        answer_here(m->route, q.method() == Http::Method::Head, keeps_alive(q), r);
        counted.count(200);
      } else if (auto allowed = m ? std::string{} : lti::allowed_methods(q.resource()); !allowed.empty()) {
        not_allowed(allowed, keeps_alive(q), r);
        served{"method_not_allowed", counted.since}.count(405);
      } else {
        forward(q, std::move(r), counted);
      }
      return Rest::Route::Result::Ok;
    });
  }

  /// A path of the table asked with a method it does not have.
  static void not_allowed(const std::string& allowed, bool keep_alive, Http::ResponseWriter& r) {
    r.headers().add<allow_header>(allowed);
    write(r, {405, lti::body_kind::text, "Method Not Allowed", {}, {}, false, true}, {}, keep_alive);
  }

  /// The health check (it works when every actor is busy; a HEAD has no body) and the pages'
  /// scripts (the same for everyone).
  static void answer_here(lti::route which, bool head, bool keep_alive, Http::ResponseWriter& r) {
    if (which == lti::route::is_up) {
      write(r, {200, head ? lti::body_kind::none : lti::body_kind::text, head ? "" : "OK", {}, {}, false,
                true},
            {}, keep_alive);
      return;
    }
    r.headers().add<content_type_options>("nosniff");
    r.headers().add<cache_control>("max-age=3600");
    const bool closing = lti::answering(r);
    connection_header(r, keep_alive, closing);
    auto body = which == lti::route::progress_js ? lti::progress_script : lti::lti13_script;
    auto sent = r.send(Http::Code::Ok, std::string{body}, utf8(MIME(Text, Javascript)));
    if (closing)
      lti::close_when_sent(r, std::move(sent));
  }
};

http_gateway::http_gateway(http_gateway_config cfg) : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->pages = std::make_shared<const lti::web_settings>(impl_->cfg.pages);
  web_config wc;
  wc.pages = impl_->cfg.pages;
  wc.admin_token = impl_->cfg.admin_token;
  wc.manager = impl_->cfg.manager;
  wc.store = impl_->cfg.store;
  wc.outcomes = impl_->cfg.outcomes;
  wc.grades = impl_->cfg.grades;
  wc.restored = std::move(impl_->cfg.restored);
  wc.lti13 = impl_->cfg.lti13;
  impl_->web = impl_->cfg.system->spawn(web, std::move(wc));
  impl_->routes();
}

http_gateway::~http_gateway() { stop(); }

web_actor http_gateway::web_handle() const { return impl_->web; }

std::string http_gateway::start() {
  const auto& listen = impl_->cfg.pages.lti.listen;
  auto hp = net::parse_host_port(listen);
  if (!hp)
    return "lti.listen is not host:port";
  try {
    Address addr{hp->host, Port{hp->port}};
    impl_->endpoint = std::make_shared<Http::Endpoint>(addr);
    const auto& lti = impl_->cfg.pages.lti;
    lti::framing_limits framing{.max_header_bytes = static_cast<std::size_t>(lti.max_header_bytes),
                                .max_header_fields = 100,
                                .max_body_bytes = static_cast<std::size_t>(lti.max_body_bytes)};
    // Pistache's own bound comes after the framing handler's (which answers first, and better).
    const auto request_size = framing.max_header_bytes + framing.max_body_bytes + 1024;
    const std::chrono::seconds timeout{lti.request_timeout};
    impl_->endpoint->init(Http::Endpoint::options()
                            .threads(2)
                            .flags(Tcp::Options::ReuseAddr)
                            .maxRequestSize(request_size)
                            .headerTimeout(timeout)
                            .bodyTimeout(timeout));
    auto inner = impl_->router.handler();
    inner->setMaxRequestSize(request_size);
    inner->setHeaderTimeout(timeout);
    inner->setBodyTimeout(timeout);
    impl_->endpoint->setHandler(lti::guarded(
      inner, framing,
      std::make_shared<lti::client_limits>(
        static_cast<std::size_t>(lti.max_connections_per_address),
        static_cast<std::size_t>(lti.max_requests_per_address_per_minute))));
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    impl_->endpoint.reset();
    return std::string{"cannot listen on "} + listen + ": " + e.what();
  }
  logging::get("lti")->info("web pages on http://{}/ (LTI launch: POST /){}", listen,
                            impl_->cfg.pages.lti.enabled ? "" : "; DEVELOPMENT MODE: pages without a launch");
  return {};
}

void http_gateway::stop() {
  if (impl_ && impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
  if (impl_ && impl_->web)
    caf::anon_send_exit(impl_->web, caf::exit_reason::user_shutdown);
}

} // namespace otrbot
