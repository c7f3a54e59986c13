// Grade passback: LTI 1.1 Basic Outcomes replaceResult over HTTP(S) (libcurl), working through the
// store's durable grade outbox with retries and backoff.
#pragma once

#include "actors/contract/interfaces.hpp"
#include "actors/lms/ags_client.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <map>
#include <set>
#include <string>

namespace otrbot {

struct outcomes_config {
  store_actor store;  ///< every attempt is recorded there (none: tests, memory only)
  std::map<std::string, std::string> consumers;  ///< consumer key -> secret (lti.consumers)
  /// Consumers whose grade URLs may resolve to loopback or private addresses.
  std::set<std::string> allow_private;
  std::chrono::seconds first_retry{10};          ///< doubling, with jitter, ...
  std::chrono::seconds max_retry{4 * 3600};      ///< ... up to this
  std::chrono::seconds give_up_after{3 * 86400}; ///< then "failed" (an admin may retry)
  std::chrono::seconds request_timeout{20};
  /// Set at shutdown: a request under way is aborted (the grade stays pending
  /// in the store and is sent after the next start).
  std::shared_ptr<std::atomic<bool>> stopping;
  /// LTI 1.3 grades (AGS): the tool's key and the platforms; none without [lti13].
  std::optional<ags::client_config> lti13;
};

/// The wait before attempt `attempts + 1`, after `attempts` failures:
/// first_retry doubling up to max_retry, times a jitter factor in [0.5, 1].
std::chrono::seconds retry_delay(const outcomes_config& cfg, std::int32_t attempts, double unit);

/// Spawned detached (blocking HTTP). Takes stored grades: signs the
/// replaceResultRequest with the OAuth body hash, POSTs it, and counts it
/// done only on imsx_codeMajor success; otherwise tries again later, until
/// give_up_after has passed since the grade was made. A retry after an
/// unknown outcome is harmless: replaceResult is idempotent.
outcomes_actor::behavior_type outcomes_sender(outcomes_actor::pointer self, outcomes_config cfg);

/// Call once in main, before threads start (curl_global_init).
bool initialize_http_client();

} // namespace otrbot
