// Every metric the bot exposes (GET /metrics on [metrics] listen), in one place: the layers
// record their events here; docs/operations.md lists them with what each means.
#pragma once

#include "transport/base/metrics.hpp"

namespace otrbot::metrics {

struct bot_metrics {
  explicit bot_metrics(registry& r);
  // the lessons: {lesson} is the plan's id ("otr", "omemo"), {step} a step of its plan
  family<counter>& lessons_started;    ///< a session began a lesson not yet completed
  family<counter>& lessons_completed;  ///< the lesson reached its last step
  family<counter>& lessons_abandoned;  ///< its session ended before that, at {step}
  family<counter>& steps_reached;      ///< a student reached {step}
  family<histogram>& step_seconds;     ///< how long students stayed at {step}
  family<counter>& smp_outcomes;       ///< {result}: succeeded, failed, aborted
  family<gauge>& sessions_open;
  family<gauge>& students_stuck;    ///< idle for lti.stuck_after_minutes before completing
  family<gauge>& key_pool_keys;     ///< OTR keys made ahead, ready
  family<gauge>& key_pool_waiters;  ///< sessions waiting for a key
  family<histogram>& crypto_seconds;  ///< {phase}: queued (waiting for a thread), run
  family<gauge>& crypto_waiting;      ///< jobs waiting for a cryptography thread
  // the grades
  family<gauge>& grade_outbox;         ///< {state}: pending, held, failed (what is not delivered)
  family<counter>& grade_deliveries;   ///< {result}: delivered, failed (retried later), refused (never)
  // the web side
  family<counter>& lti_launches;       ///< {version} "1.1", "1.3"; {result} accepted, refused
  family<counter>& http_requests;      ///< {route} (routes.hpp's names), {status}
  family<histogram>& http_seconds;     ///< service time per {route}
  // XMPP
  family<counter>& xmpp_reconnects;
  family<counter>& xmpp_stanzas;       ///< {direction}: in, out
  family<histogram>& xmpp_reply_seconds;  ///< {kind}: first, answer (the bot's own answer time)
  // the store
  family<histogram>& store_write_seconds;
  family<counter>& store_write_retries;
  family<gauge>& build_info;           ///< {version}: always 1
};

/// The process's registry and its metrics (made at first use).
registry& bot_registry();
bot_metrics& bot();

} // namespace otrbot::metrics
