// Key sets and registration over libcurl: the client actor answers from its cache at once and
// runs each fetch on a detached worker of its own, so a slow platform holds up nobody else.
#include "actors/lms/lti13_client.hpp"

#include "actors/contract/errors.hpp"
#include "actors/lms/http_client.hpp"
#include "actors/log/logging.hpp"
#include "lti/lti13/registration.hpp"
#include "lti/wire/json_members.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <vector>

namespace otrbot {
namespace {

struct cached_set {
  std::string json;
  std::chrono::steady_clock::time_point refetched;  ///< the last fetch for an unknown key id
};

/// The fetches under way, by URL, with whoever waits for each.
using waiters = std::vector<caf::typed_response_promise<std::string>>;

bool has_kid(const std::string& jwks, const std::string& kid) {
  auto j = nlohmann::json::parse(jwks, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") || !j["keys"].is_array())
    return false;
  for (const auto& k : j["keys"])
    if (json_members::string_member(k, "kid") == kid)  // (a kid that is no string never matches)
      return true;
  return false;
}

/// GET (or POST) that must answer 2xx with JSON, to where `req.url` was checked to be (its
/// address pinned: a name that resolves elsewhere the second time is not asked); the body, or
/// an ec::lms_unreachable error.
caf::expected<std::string> json_exchange(const lti13_client_config& cfg, http::request req,
                                         const char* what, bool allow_private) {
  std::string why;
  req.pinned = http::checked_destination(req.url, allow_private, why);
  if (req.pinned.empty())
    return make_error(ec::lms_unreachable, std::string{what} + " " + req.url + ": " + why);
  req.timeout = cfg.timeout;
  req.stopping = cfg.stopping.get();
  req.headers.push_back("Accept: application/json");
  auto a = http::perform(req);
  if (a.status == 0)
    return make_error(ec::lms_unreachable, std::string{what} + " " + req.url + ": " + a.error);
  if (a.status < 200 || a.status > 299)
    return make_error(ec::lms_unreachable, std::string{what} + " " + req.url + " answered HTTP " +
                                             std::to_string(a.status));
  return std::move(a.body);
}

/// Dynamic registration, blocking: the configuration, its checks, the registration request.
caf::expected<lti13::platform> register_tool(const lti13_client_config& cfg, const std::string& config_url,
                                         const std::string& token, const std::string& request) {
  http::request get;
  get.url = config_url;
  if (!token.empty())
    get.headers.push_back("Authorization: Bearer " + token);
  auto body = json_exchange(cfg, get, "the platform's OpenID configuration", cfg.allow_private_urls);
  if (!body)
    return body.error();
  std::string why;
  auto config = registration::read_configuration(*body, config_url, why);
  if (!config)
    return make_error(ec::lms_unreachable, why);
  // The bot will fetch keys from and post assertions to these: never into the school's network.
  for (const auto* url : {&config->jwks_uri, &config->token_endpoint})
    if (http::checked_destination(*url, cfg.allow_private_urls, why).empty())
      return make_error(ec::lms_unreachable, "the platform's " + *url + ": " + why);
  http::request post;
  post.method = "POST";
  post.url = config->registration_endpoint;
  post.body = request;
  post.headers.push_back("Content-Type: application/json");
  if (!token.empty())
    post.headers.push_back("Authorization: Bearer " + token);
  auto answer = json_exchange(cfg, post, "the platform's registration endpoint", cfg.allow_private_urls);
  if (!answer)
    return answer.error();
  auto platform = registration::registered_platform(*config, *answer, why);
  if (!platform)
    return make_error(ec::lms_unreachable, why);
  // Every value here is the platform's own: printable, never a forged line or an escape.
  logging::get("lti")->info(
    "registered with the {}platform {} as client {}",
    config->product_family_code.empty() ? "" : logging::printable(config->product_family_code) + " ",
    logging::printable(platform->issuer), logging::printable(platform->client_id));
  return *platform;
}

/// One blocking job on a thread of its own; answers once, then ends.
caf::behavior worker(caf::event_based_actor* self, lti13_client_config cfg) {
  return {
    [self, cfg](atoms::key_set, const std::string& url, bool allow_private) -> caf::result<std::string> {
      self->quit();
      http::request req;
      req.url = url;
      return json_exchange(cfg, req, "the platform's key set", allow_private);
    },
    [self, cfg](atoms::register_tool, const std::string& config_url, const std::string& token,
                const std::string& request) -> caf::result<lti13::platform> {
      self->quit();
      return register_tool(cfg, config_url, token, request);
    },
  };
}

} // namespace

lti13_client_actor::behavior_type lti13_client(lti13_client_actor::pointer self,
                                               lti13_client_config cfg) {
  auto sets = std::make_shared<std::map<std::string, cached_set>>();
  auto fetching = std::make_shared<std::map<std::string, waiters>>();
  auto log = logging::get("lti");
  auto job_timeout = cfg.timeout * 3 + std::chrono::seconds{5};
  return {
    [=](atoms::key_set, const std::string& url, const std::string& kid,
        bool registered) -> caf::result<std::string> {
      auto now = std::chrono::steady_clock::now();
      auto it = sets->find(url);
      // Fetched again for an unknown key id at most every 10 s: tokens with made-up key ids
      // cannot make the bot hammer the platform. A cached set is served without waiting.
      if (it != sets->end() && (kid.empty() || has_kid(it->second.json, kid) ||
                                now - it->second.refetched < std::chrono::seconds{10}))
        return it->second.json;
      auto rp = self->make_response_promise<std::string>();
      auto& queue = (*fetching)[url];
      queue.push_back(rp);
      if (queue.size() > 1)
        return rp;  // one fetch per URL at a time: this one waits for it
      // A registered platform's URLs are the platform's word: never to a private address. A
      // platform set by hand is the administrator's (http only to this machine).
      auto job = self->home_system().spawn<caf::detached>(worker, cfg);
      bool allow_private = cfg.allow_private_urls || !registered;
      auto finish = [=](const caf::expected<std::string>& body) {
        auto waiting = std::move((*fetching)[url]);
        fetching->erase(url);
        auto cached = sets->find(url);
        if (!body) {
          log->warn("{}", logging::printable(detail_of(body.error())));
          for (auto& w : waiting)
            // The old set still verifies tokens signed with the old key.
            if (cached != sets->end())
              w.deliver(cached->second.json);
            else
              w.deliver(body.error());
          return;
        }
        log->info("fetched the platform key set {}{}", logging::printable(url),
                  cached == sets->end() ? "" : " again (a token named a key it did not have)");
        (*sets)[url] = cached_set{*body, cached == sets->end() ? std::chrono::steady_clock::time_point{}
                                                               : std::chrono::steady_clock::now()};
        for (auto& w : waiting)
          w.deliver(*body);
      };
      self->request(caf::actor_cast<caf::actor>(job), job_timeout, atoms::key_set_v, url, allow_private)
        .then([finish](std::string& body) { finish(caf::expected<std::string>{std::move(body)}); },
              [finish](caf::error& e) { finish(caf::expected<std::string>{std::move(e)}); });
      return rp;
    },
    [=](atoms::register_tool, const std::string& config_url, const std::string& token,
        const std::string& request) -> caf::result<lti13::platform> {
      auto job = self->home_system().spawn<caf::detached>(worker, cfg);
      auto rp = self->make_response_promise<lti13::platform>();
      self->request(job, job_timeout, atoms::register_tool_v, config_url, token, request)
        .then([rp](lti13::platform& platform) mutable { rp.deliver(std::move(platform)); },
              [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
      return rp;
    },
  };
}

} // namespace otrbot
