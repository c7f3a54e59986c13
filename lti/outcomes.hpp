// Grade passback: LTI 1.1 Basic Outcomes replaceResult over HTTPS (libcurl), retried with backoff.
#pragma once

#include "actors/interfaces.hpp"

#include <chrono>

namespace otrbot {

struct outcomes_config {
  int max_attempts = 6;                              ///< then the grade is logged as lost
  std::chrono::milliseconds first_delay{1000};       ///< doubling, with jitter, to 60 s
  std::chrono::seconds request_timeout{20};
};

/// Spawned detached (blocking HTTP). Takes (atoms::grade, grade_job): signs
/// the replaceResultRequest with the OAuth body hash, POSTs it, and counts
/// it done only on imsx_codeMajor success; otherwise retries later.
outcomes_actor::behavior_type outcomes_sender(outcomes_actor::pointer self, outcomes_config cfg);

/// Call once in main, before threads start (curl_global_init).
bool initialize_http_client();

} // namespace otrbot
