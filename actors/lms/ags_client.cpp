// AGS over libcurl.
#include "actors/lms/ags_client.hpp"

#include "actors/lms/http_client.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/unix_time.hpp"

namespace otrbot::ags {

std::string client::token_for(const lti13::platform& p, std::chrono::seconds timeout,
                              std::atomic<bool>* stopping, std::string& why) {
  auto now = unix_now();
  auto id = lti13::platform_id{p.issuer, p.client_id};
  if (auto it = tokens_.find(id); it != tokens_.end() && it->second.expires_at > now)
    return it->second.value;
  // A registered platform's token endpoint is the platform's word: never a private address.
  // Either way the request goes where the check resolved the name (no second lookup).
  auto destination = http::checked_destination(p.auth_token_url,
                                               cfg_.allow_private_urls || p.source != "registered", why);
  if (destination.empty()) {
    why = "the token endpoint " + p.auth_token_url + ": " + why;
    return {};
  }
  auto assertion = client_assertion(cfg_.tool_key, cfg_.key_id, p.client_id, p.auth_token_url,
                                    lti::random_hex(16), now);
  auto answer = http::perform(
    {.method = "POST",
     .url = p.auth_token_url,
     .body = token_request(assertion, lti13::score_scope),
     .headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"},
     .pinned = destination,
     .timeout = timeout,
     .stopping = stopping});
  if (answer.status == 0) {
    why = "the token endpoint " + p.auth_token_url + ": " + answer.error;
    return {};
  }
  if (answer.status != 200) {
    why = "the token endpoint " + p.auth_token_url + " answered HTTP " + std::to_string(answer.status);
    return {};
  }
  auto token = read_token_response(answer.body, now, why);
  if (!token)
    return {};
  tokens_[id] = *token;
  return token->value;
}

bool client::send(const lti::ags_line_item& to, double score, std::chrono::seconds timeout,
                  std::atomic<bool>* stopping, std::string& why, bool& final) {
  final = false;
  auto it = cfg_.platforms.find({to.issuer, to.client_id});
  if (it == cfg_.platforms.end()) {
    why = "the LTI 1.3 platform " + to.issuer + " (client " + to.client_id +
          ") is no longer registered";
    final = true;
    return false;
  }
  const auto& p = it->second;
  auto url = scores_url(to.url);
  auto destination = http::checked_destination(url, cfg_.allow_private_urls, why);
  if (destination.empty()) {
    final = true;
    return false;
  }
  auto token = token_for(p, timeout, stopping, why);
  if (token.empty())
    return false;
  auto millis = unix_now_ms();
  auto answer = http::perform(
    {.method = "POST",
     .url = url,
     .body = score_body(to.user_id, score, millis),
     .headers = {std::string{"Content-Type: "} + score_media_type, "Authorization: Bearer " + token},
     .pinned = destination,
     .timeout = timeout,
     .stopping = stopping});
  if (answer.status == 0) {
    why = answer.error;
    return false;
  }
  if (answer.status == 401 || answer.status == 403)
    tokens_.erase(it->first);  // the next attempt asks for a new token
  if (answer.status < 200 || answer.status > 299) {
    why = "the platform answered HTTP " + std::to_string(answer.status) + " to the score";
    return false;
  }
  return true;
}

} // namespace otrbot::ags
