// The grade sender.
#include "lti/outcomes.hpp"

#include "actors/logging.hpp"
#include "actors/messages.hpp"
#include "lti/oauth1.hpp"
#include "lti/outcome.hpp"
#include "lti/token.hpp"
#include "transport/backoff.hpp"

#include <curl/curl.h>

#include <random>

namespace otrbot {
namespace {


std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 1 << 20)  // a response is small; stop keeping more than 1 MiB
    s->append(data, size * n);
  return size * n;
}

/// One attempt: true when the LMS confirmed the grade.
bool send_once(const grade_job& job, std::chrono::seconds timeout, std::string& why) {
  auto body = lti::replace_result_request(lti::random_hex(8), job.sourcedid, job.score);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto auth = "Authorization: " +
              lti::authorization_header("POST", job.outcome_url, body, job.consumer_key,
                                        job.consumer_secret, lti::random_hex(16), now);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  if (!curl) {
    why = "libcurl could not start";
    return false;
  }
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
  auto rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
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

outcomes_actor::behavior_type outcomes_sender(outcomes_actor::pointer self, outcomes_config cfg) {
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  return {
    [self, cfg, rng](atoms::grade, grade_job& job, std::int32_t attempt) {
      auto log = logging::get("lti");
      std::string why;
      if (send_once(job, cfg.request_timeout, why)) {
        log->info("grade {:.1f} accepted by {} (attempt {})", job.score, job.outcome_url,
                  attempt + 1);
        return;
      }
      if (attempt + 1 >= cfg.max_attempts) {
        log->error("grade for {} not delivered after {} attempts: {}", job.outcome_url,
                   attempt + 1, why);
        return;
      }
      net::backoff b{cfg.first_delay};
      std::chrono::milliseconds delay{};
      std::uniform_real_distribution<double> unit{0.0, 1.0};
      for (int i = 0; i <= attempt; ++i)
        delay = b.next(unit(*rng));
      log->warn("grade for {} not delivered ({}); attempt {} in {:.1f} s", job.outcome_url, why,
                attempt + 2, static_cast<double>(delay.count()) / 1000.0);
      self->delayed_send(self, delay, atoms::grade_v, std::move(job), attempt + 1);
    },
  };
}

} // namespace otrbot
