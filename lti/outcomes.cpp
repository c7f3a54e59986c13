// The grade sender.
#include "lti/outcomes.hpp"

#include "actors/logging.hpp"
#include "actors/messages.hpp"
#include "lti/oauth1.hpp"
#include "lti/outcome.hpp"
#include "lti/token.hpp"
#include "transport/address.hpp"
#include "transport/dns.hpp"
#include "actors/unix_time.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <random>
#include <set>

namespace otrbot {
namespace {


std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 1 << 20)  // a response is small; stop keeping more than 1 MiB
    s->append(data, size * n);
  return size * n;
}

/// libcurl's progress callback: a non-zero answer aborts the transfer.
int abort_when_stopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return stopping && static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

/// Where a grade may go: an http(s) URL whose host resolves to public
/// addresses only (unless `allow_private`), so that a launch cannot turn the
/// bot into a request forwarder into the school's network. Returns the
/// address to connect to ("host:port:address", for CURLOPT_RESOLVE: the
/// connection goes where the check looked), or "" and `why`.
std::string checked_destination(const std::string& url, bool allow_private, std::string& why) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u{curl_url(), curl_url_cleanup};
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  bool parsed = u && curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
  std::string s = scheme ? scheme : "", h = host ? host : "", p = port ? port : "";
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  if (!parsed || (s != "http" && s != "https")) {
    why = "the outcome URL is not an http(s) URL";
    return {};
  }
  auto bare = h.size() > 2 && h.front() == '[' ? h.substr(1, h.size() - 2) : h;
  std::string error;
  auto found = net::resolve_addresses(bare, error);
  if (found.empty()) {
    why = "the outcome URL's host " + h + " does not resolve";
    return {};
  }
  for (const auto& text : found)
    if (!allow_private && !net::is_public_ip(text)) {
      why = "the outcome URL's host " + h + " is at " + text +
            ", a loopback or private address (allow_private_outcome_urls is off for this consumer)";
      return {};
    }
  const auto& only = found.front();
  auto first = only.find(':') != std::string::npos ? "[" + only + "]" : only;
  return bare + ":" + p + ":" + first;
}

/// One attempt: true when the LMS confirmed the grade.
bool send_once(const store::grade& job, const std::string& secret, const std::string& destination,
               std::chrono::seconds timeout, std::atomic<bool>* stopping, std::string& why) {
  auto body = lti::replace_result_request(lti::random_hex(8), job.sourcedid, job.score);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto auth = "Authorization: " +
              lti::authorization_header("POST", job.outcome_url, body, job.consumer_key,
                                        secret, lti::random_hex(16), now);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  if (!curl) {
    why = "libcurl could not start";
    return false;
  }
  curl_slist* pinned = curl_slist_append(nullptr, destination.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, pinned);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/xml");
  headers = curl_slist_append(headers, auth.c_str());
  std::string response;
  curl_easy_setopt(curl.get(), CURLOPT_URL, job.outcome_url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, abort_when_stopping);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, stopping);
  auto rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  curl_slist_free_all(pinned);
  if (rc != CURLE_OK) {
    why = curl_easy_strerror(rc);
    return false;
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    why = "the LMS answered HTTP " + std::to_string(status);
    return false;
  }
  std::string description;
  switch (lti::read_outcome_response(response, description)) {
    case lti::outcome_status::success: return true;
    case lti::outcome_status::failure: why = "the LMS refused it: " + description; return false;
    case lti::outcome_status::unreadable: why = "the LMS's answer was not an outcome response"; return false;
  }
  return false;
}

} // namespace

bool initialize_http_client() { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

std::chrono::seconds retry_delay(const outcomes_config& cfg, std::int32_t attempts, double unit) {
  auto base = cfg.first_retry;
  for (std::int32_t i = 1; i < attempts && base < cfg.max_retry; ++i)
    base *= 2;
  base = std::min(base, cfg.max_retry);
  auto jittered = static_cast<double>(base.count()) * (0.5 + 0.5 * std::clamp(unit, 0.0, 1.0));
  return std::max(std::chrono::seconds{1}, std::chrono::seconds{static_cast<std::int64_t>(jittered)});
}

namespace {


struct sender {
  outcomes_actor::pointer self = nullptr;
  outcomes_config cfg;
  std::mt19937_64 rng{std::random_device{}()};
  std::set<std::int64_t> finished;  ///< accepted (or given up) in this run: a late timer skips them

  void record(const store::grade& g) {
    if (cfg.store)
      self->send(cfg.store, atoms::st_graded_v, g);
  }

  void attempt(store::grade g) {
    auto log = logging::get("lti");
    std::string why;
    auto secret = cfg.consumers.find(g.consumer_key);
    bool ok = false;
    std::string destination;
    if (secret == cfg.consumers.end()) {
      why = "consumer " + g.consumer_key + " is no longer in lti.consumers";
    } else if (destination = checked_destination(g.outcome_url, cfg.allow_private.contains(g.consumer_key), why);
               destination.empty()) {
      // Not a place grades may go: no retry changes that (an admin may retry after a fix).
      log->error("grade {} for {} refused: {}", g.id, g.jid, why);
      g.state = "failed";
      g.last_error = why;
      ++g.attempts;
      finished.insert(g.id);
      record(g);
      return;
    } else {
      ok = send_once(g, secret->second, destination, cfg.request_timeout, cfg.stopping.get(), why);
    }
    ++g.attempts;
    auto now = unix_now();
    if (ok) {
      log->info("grade {} of {:.1f} for {} accepted by {} (attempt {})", g.id, g.score, g.jid,
                g.outcome_url, g.attempts);
      g.state = "done";
      g.last_error.clear();
      finished.insert(g.id);
      record(g);
      return;
    }
    g.last_error = why;
    if (now - g.created_at >= cfg.give_up_after.count()) {
      log->error("grade {} for {} not delivered to {} after {} attempts over {} s: {}; given up "
                 "(an admin can retry it: POST /admin/grades/{}/retry)",
                 g.id, g.jid, g.outcome_url, g.attempts, now - g.created_at, why, g.id);
      g.state = "failed";
      finished.insert(g.id);
      record(g);
      return;
    }
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    auto delay = retry_delay(cfg, g.attempts, unit(rng));
    g.state = "pending";
    g.next_attempt_at = now + delay.count();
    log->warn("grade {} for {} not delivered to {} ({}); attempt {} in {} s", g.id, g.jid,
              g.outcome_url, why, g.attempts + 1, delay.count());
    record(g);
    self->delayed_send(self, delay, atoms::grade_v, std::move(g));
  }

  /// A grade from the outbox: tried now, or when its next attempt is due.
  void consider(store::grade g) {
    if (finished.contains(g.id) && g.id != 0)
      return;
    auto wait = g.next_attempt_at - unix_now();
    if (wait > 0) {
      self->delayed_send(self, std::chrono::seconds{wait}, atoms::grade_v, std::move(g));
      return;
    }
    attempt(std::move(g));
  }
};

} // namespace

outcomes_actor::behavior_type outcomes_sender(outcomes_actor::pointer self, outcomes_config cfg) {
  auto s = std::make_shared<sender>();
  s->self = self;
  s->cfg = std::move(cfg);
  return {
    [s](atoms::grade, store::grade& g) { s->consider(std::move(g)); },
    [s](atoms::retry, store::grade& g) {
      // An admin's retry: now, and with a new give-up time.
      s->finished.erase(g.id);
      g.created_at = unix_now();
      g.next_attempt_at = 0;
      s->attempt(std::move(g));
    },
  };
}

} // namespace otrbot
