// Key sets and registration over libcurl.
#include "lti/lti13_client.hpp"

#include "actors/errors.hpp"
#include "actors/logging.hpp"
#include "lti/http_client.hpp"
#include "lti/json_members.hpp"
#include "lti/registration.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace otrbot {
namespace {

struct cached_set {
  std::string json;
  std::chrono::steady_clock::time_point refetched;  ///< the last fetch for an unknown key id
};

bool has_kid(const std::string& jwks, const std::string& kid) {
  auto j = nlohmann::json::parse(jwks, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") || !j["keys"].is_array())
    return false;
  for (const auto& k : j["keys"])
    if (json_members::string_member(k, "kid") == kid)  // (a kid that is no string never matches)
      return true;
  return false;
}

/// GET (or POST) that must answer 2xx with JSON; the body, or an ec::lms_unreachable error.
caf::expected<std::string> json_exchange(const lti13_client_config& cfg, http::request req,
                                         const char* what) {
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

} // namespace

lti13_client_actor::behavior_type lti13_client(lti13_client_actor::pointer self,
                                               lti13_client_config cfg) {
  auto sets = std::make_shared<std::map<std::string, cached_set>>();
  auto log = logging::get("lti");
  return {
    [self, cfg, sets, log](atoms::key_set, const std::string& url,
                           const std::string& kid) -> caf::result<std::string> {
      auto now = std::chrono::steady_clock::now();
      auto it = sets->find(url);
      // Fetched again for an unknown key id at most every 10 s: tokens with made-up key ids
      // cannot make the bot hammer the platform.
      if (it != sets->end() && (kid.empty() || has_kid(it->second.json, kid) ||
                                now - it->second.refetched < std::chrono::seconds{10}))
        return it->second.json;
      http::request req;
      req.url = url;
      auto body = json_exchange(cfg, req, "the platform's key set");
      if (!body) {
        log->warn("{}", logging::printable(detail_of(body.error())));
        if (it != sets->end())
          return it->second.json;  // the old set still verifies tokens signed with the old key
        return body.error();
      }
      log->info("fetched the platform key set {}{}", logging::printable(url),
                it == sets->end() ? "" : " again (a token named a key it did not have)");
      (*sets)[url] = cached_set{*body, it == sets->end() ? std::chrono::steady_clock::time_point{} : now};
      return *body;
    },
    [self, cfg, log](atoms::register_tool, const std::string& config_url, const std::string& token,
                     const std::string& request) -> caf::result<std::string> {
      std::string why;
      if (http::checked_destination(config_url, cfg.allow_private_urls, why).empty())
        return make_error(ec::lms_unreachable, why);
      http::request get;
      get.url = config_url;
      if (!token.empty())
        get.headers.push_back("Authorization: Bearer " + token);
      auto body = json_exchange(cfg, get, "the platform's OpenID configuration");
      if (!body)
        return body.error();
      auto config = registration::read_configuration(*body, config_url, why);
      if (!config)
        return make_error(ec::lms_unreachable, why);
      if (http::checked_destination(config->registration_endpoint, cfg.allow_private_urls, why).empty())
        return make_error(ec::lms_unreachable, why);
      http::request post;
      post.method = "POST";
      post.url = config->registration_endpoint;
      post.body = request;
      post.headers.push_back("Content-Type: application/json");
      if (!token.empty())
        post.headers.push_back("Authorization: Bearer " + token);
      auto answer = json_exchange(cfg, post, "the platform's registration endpoint");
      if (!answer)
        return answer.error();
      auto platform = registration::registered_platform(*config, *answer, why);
      if (!platform)
        return make_error(ec::lms_unreachable, why);
      // Every value here is the platform's own: printable, never a forged line or an escape.
      log->info("registered with the {}platform {} as client {}",
                config->product_family_code.empty() ? "" : logging::printable(config->product_family_code) + " ",
                logging::printable(platform->issuer), logging::printable(platform->client_id));
      return lti13::encode_platform(*platform);
    },
  };
}

} // namespace otrbot
