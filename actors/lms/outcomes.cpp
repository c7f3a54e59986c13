// The grade sender.
#include "actors/lms/outcomes.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "lti/lti11/outcome.hpp"
#include "lti/wire/oauth1.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/net/address.hpp"
#include "transport/net/dns.hpp"

#include "actors/lms/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <random>
#include <set>

namespace otrbot {
namespace {


/// One attempt: true when the LMS confirmed the grade.
bool send_once(const lti::lti11_outcome& to, double score, const std::string& secret,
               const std::string& destination, std::chrono::seconds timeout,
               std::atomic<bool>* stopping, std::string& why) {
  auto body = lti::replace_result_request(lti::random_hex(8), to.sourcedid, score);
  auto now = unix_now();
  auto auth = "Authorization: " +
              lti::authorization_header("POST", to.url, body, to.consumer_key,
                                        secret, lti::random_hex(16), now);
  auto answer = http::perform({.method = "POST",
                               .url = to.url,
                               .body = body,
                               .headers = {"Content-Type: application/xml", auth},
                               .pinned = destination,
                               .timeout = timeout,
                               .stopping = stopping});
  if (answer.status == 0) {
    why = answer.error;
    return false;
  }
  if (answer.status < 200 || answer.status > 299) {
    why = "the LMS answered HTTP " + std::to_string(answer.status);
    return false;
  }
  const auto& response = answer.body;
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
  std::unique_ptr<ags::client> ags;  ///< LTI 1.3 grades (none without [lti13])

  void record(const store::grade& g) {
    if (cfg.store)
      self->send(cfg.store, atoms::st_graded_v, g);
  }

  /// Counts a grade failed at once: no retry changes where it would go (an admin may retry
  /// after a fix).
  void refuse(store::grade& g, const std::string& why) {
    logging::get("lti")->error("grade {} for {} refused: {}", g.id, g.jid, why);
    g.state = store::grade_state::failed;
    g.last_error = why;
    ++g.attempts;
    finished.insert(g.id);
    record(g);
  }

  /// One attempt at an LTI 1.1 grade (Basic Outcomes).
  bool send_lti11(const lti::lti11_outcome& to, double score, std::string& why, bool& final) {
    auto secret = cfg.consumers.find(to.consumer_key);
    if (secret == cfg.consumers.end()) {
      why = "consumer " + to.consumer_key + " is no longer in lti.consumers";
      return false;
    }
    auto destination = http::checked_destination(to.url, cfg.allow_private.contains(to.consumer_key), why);
    if (destination.empty()) {
      final = true;
      return false;
    }
    return send_once(to, score, secret->second, destination, cfg.request_timeout,
                     cfg.stopping.get(), why);
  }

  void attempt(store::grade g) {
    auto log = logging::get("lti");
    std::string why;
    bool final = false, ok = false;
    if (const auto* to = std::get_if<lti::lti11_outcome>(&g.target))
      ok = send_lti11(*to, g.score, why, final);
    else if (ags)
      ok = ags->send(std::get<lti::ags_line_item>(g.target), g.score, cfg.request_timeout,
                     cfg.stopping.get(), why, final);
    else
      why = "LTI 1.3 is not set up ([lti13])";
    auto& attempts = metrics::bot().grade_deliveries;
    if (final) {
      attempts.with({"refused"}).inc();
      refuse(g, why);
      return;
    }
    ++g.attempts;
    auto now = unix_now();
    attempts.with({ok ? "delivered" : "failed"}).inc();
    if (ok) {
      log->info("grade {} of {:.1f} for {} accepted by {} (attempt {})", g.id, g.score, g.jid,
                lti::url_of(g.target), g.attempts);
      g.state = store::grade_state::done;
      g.last_error.clear();
      finished.insert(g.id);
      record(g);
      return;
    }
    g.last_error = why;
    if (now - g.created_at >= cfg.give_up_after.count()) {
      log->error("grade {} for {} not delivered to {} after {} attempts over {} s: {}; given up "
                 "(an admin can retry it: POST /admin/grades/{}/retry)",
                 g.id, g.jid, lti::url_of(g.target), g.attempts, now - g.created_at, why, g.id);
      g.state = store::grade_state::failed;
      finished.insert(g.id);
      record(g);
      return;
    }
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    auto delay = retry_delay(cfg, g.attempts, unit(rng));
    g.state = store::grade_state::pending;
    g.next_attempt_at = now + delay.count();
    log->warn("grade {} for {} not delivered to {} ({}); attempt {} in {} s", g.id, g.jid,
              lti::url_of(g.target), why, g.attempts + 1, delay.count());
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
  if (s->cfg.lti13)
    s->ags = std::make_unique<ags::client>(*s->cfg.lti13);
  return {
    [s](atoms::grade, store::grade& g) { s->consider(std::move(g)); },
    [s](atoms::lti13_platform, const lti13::platform& p) {
      // A platform registered while the bot runs: its grades can go out.
      if (s->ags)
        s->ags->add_platform(p);
    },
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
