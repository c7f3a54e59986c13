// Every metric the bot exposes (see bot_metrics.hpp).
#include "transport/base/bot_metrics.hpp"

namespace otrbot::metrics {

bot_metrics::bot_metrics(registry& r)
  : lessons_started(r.add_counter("otrbot_lessons_started_total",
                                  "Lessons begun by a session (a completed lesson does not count again).",
                                  {"lesson"})),
    lessons_completed(r.add_counter("otrbot_lessons_completed_total",
                                    "Lessons that reached their last step.", {"lesson"})),
    lessons_abandoned(r.add_counter("otrbot_lessons_abandoned_total",
                                    "Sessions that ended before their lesson was complete, by the step they were at.",
                                    {"lesson", "step"})),
    steps_reached(r.add_counter("otrbot_lesson_steps_reached_total",
                                "Students who reached a step of a lesson.", {"lesson", "step"})),
    step_seconds(r.add_histogram("otrbot_lesson_step_duration_seconds",
                                 "How long students stayed at a step before the next one.",
                                 step_bounds(), {"lesson", "step"})),
    smp_outcomes(r.add_counter("otrbot_smp_outcomes_total",
                               "Socialist Millionaire checks (OTR's shared-secret verification) by result.",
                               {"result"})),
    sessions_open(r.add_gauge("otrbot_sessions_open", "Student sessions running now.")),
    students_stuck(r.add_gauge("otrbot_students_stuck",
                               "Students idle for lti.stuck_after_minutes or longer before completing "
                               "their lesson (as the teacher view marks them), at the last timeout check.")),
    key_pool_keys(r.add_gauge("otrbot_key_pool_keys", "OTR keys made ahead and ready.")),
    key_pool_waiters(r.add_gauge("otrbot_key_pool_waiters", "Sessions waiting for an OTR key.")),
    crypto_seconds(r.add_histogram("otrbot_crypto_job_seconds",
                                   "The sessions' public-key arithmetic (OTR's AKE and SMP) on the "
                                   "cryptography threads: time queued for a thread, and time run.",
                                   latency_bounds(), {"phase"})),
    crypto_waiting(r.add_gauge("otrbot_crypto_jobs_waiting",
                               "Calls waiting for a cryptography thread.")),
    grade_outbox(r.add_gauge("otrbot_grade_outbox",
                             "Grades in the outbox not delivered, by state (pending: to be sent or retried; held: "
                             "not stored yet; failed: given up, an admin may retry).",
                             {"state"})),
    grade_deliveries(r.add_counter("otrbot_grade_delivery_attempts_total",
                                   "Attempts to send a grade to an LMS, by result.", {"result"})),
    lti_launches(r.add_counter("otrbot_lti_launches_total", "LTI launches by version and result.",
                               {"version", "result"})),
    http_requests(r.add_counter("otrbot_http_requests_total",
                                "HTTP requests answered, by route and status.", {"route", "status"})),
    http_seconds(r.add_histogram("otrbot_http_request_duration_seconds",
                                 "Time from a request's arrival to its answer, by route.",
                                 latency_bounds(), {"route"})),
    xmpp_reconnects(r.add_counter("otrbot_xmpp_reconnects_total",
                                  "Connections to the XMPP server after the first.")),
    xmpp_stanzas(r.add_counter("otrbot_xmpp_stanzas_total", "XMPP stanzas received and sent.",
                               {"direction"})),
    xmpp_reply_seconds(r.add_histogram(
      "otrbot_xmpp_reply_seconds",
      "Time from a student's message reaching the bot to the bot's next message to them leaving it "
      "(first: a JID's first answer since the start).",
      latency_bounds(), {"kind"})),
    store_write_seconds(r.add_histogram("otrbot_store_write_duration_seconds",
                                        "Time the store took to write one change to disk.",
                                        latency_bounds())),
    store_write_retries(r.add_counter("otrbot_store_write_retries_total",
                                      "Store writes that failed and were kept to be tried again.")),
    build_info(r.add_gauge("otrbot_build_info", "The bot's version (always 1).", {"version"})) {}

registry& bot_registry() {
  static registry r;
  return r;
}

bot_metrics& bot() {
  static bot_metrics m{bot_registry()};
  return m;
}

} // namespace otrbot::metrics
