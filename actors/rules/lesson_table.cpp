// The lesson's states table: its steps, the events each step expects, and what each handles
// without changing step (drawn in lesson.hpp).
#include "actors/rules/lesson.hpp"

#include <map>
#include <string>

namespace otrbot::lesson {

namespace {

using handler_map = std::map<std::string, std::string>;

/// `base` with `more` added (or overriding).
handler_map with(handler_map base, const handler_map& more) {
  for (const auto& [event, handler] : more)
    base[event] = handler;
  return base;
}

/// Once OTR is on, a refresh of the same conversation (libotr's still_secure) changes nothing.
/// A new one (otr_enabled: the student's client restarted, or the student
/// came back after the server restarted) leads back to "encrypted" from the
/// later steps: its keys are new and not verified yet (a code sent stays valid).
const handler_map otr_refresh{{"otr_already_setup", "nothing"}};
const handler_map otr_on = with(otr_refresh, {{"otr_enabled", "nothing"}});

/// After verification the lesson only waits for the code (or is done): a
/// student's SMP is still answered, so that their client completes it;
/// everything else about secrets changes nothing.
const handler_map after_verification = with(otr_refresh, {{"secret_received", "nothing"},
                                                     {"unsafe_secret_received", "nothing"},
                                                     {"smp_started", "answer_smp"},
                                                     {"smp_question_used", "answer_smp"},
                                                     {"smp_aborted", "nothing"},
                                                     {"correct_secret_received", "nothing"},
                                                     {"incorrect_secret_received", "verification_lost"},
                                                     {"secret_leaked", "secret_leaked"}});

} // namespace

const fsm::states_table& lesson::table() {
  // code_accepted leads to completed from every step once a code was sent.
  static const fsm::states_table t{
    {steps::awaiting_otr,
     {.transitions = {{"otr_enabled", steps::encrypted},
                      {"otr_already_setup", steps::encrypted},
                      {"code_accepted", steps::completed}},
      .on_enter = {"explain_otr_start"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = {{"message_received", "remind_otr"},
                  {"secret_received", "secret_before_otr"},
                  {"unsafe_secret_received", "refuse_secret"},
                  {"secret_leaked", "secret_leaked"},
                  {"otr_disabled", "nothing"}}}},
    {steps::encrypted,
     {.transitions = {{"secret_received", steps::secret_known},
                      {"otr_disabled", steps::awaiting_otr},
                      {"code_accepted", steps::completed}},
      .on_enter = {"explain_encryption"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(otr_on, {{"message_received", "remind_secret"},
                               {"unsafe_secret_received", "refuse_secret"},
                               {"smp_started", "smp_without_secret"},
                               {"smp_question_used", "smp_without_secret"},
                               {"smp_aborted", "nothing"}})}},
    {steps::secret_known,
     {.transitions = {{"smp_started", steps::smp_in_progress},
                      {"smp_question_used", steps::smp_in_progress},
                      {"bot_started_smp", steps::smp_in_progress},
                      {"secret_leaked", steps::encrypted},
                      {"correct_secret_received", steps::verified},
                      {"otr_disabled", steps::awaiting_otr},
                      {"otr_enabled", steps::encrypted},
                      {"code_accepted", steps::completed}},
      .on_enter = {"ask_to_authenticate"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(otr_refresh, {{"message_received", "remind_authenticate"},
                               {"secret_received", "secret_replaced"},
                               {"unsafe_secret_received", "refuse_secret"},
                               {"smp_aborted", "nothing"},
                               {"incorrect_secret_received", "nothing"}})}},
    {steps::smp_in_progress,
     {.transitions = {{"correct_secret_received", steps::verified},
                      {"incorrect_secret_received", steps::secret_known},
                      {"smp_aborted", steps::secret_known},
                      {"secret_leaked", steps::encrypted},
                      {"otr_disabled", steps::awaiting_otr},
                      {"otr_enabled", steps::encrypted},
                      {"code_accepted", steps::completed}},
      .on_enter = {"smp_begun"},
      .on_leave = {"abort_if_leaked"},
      .allowed_actions = {},
      .handles = with(otr_refresh, {{"message_received", "remind_smp"},
                               {"secret_received", "secret_replaced"},
                               {"unsafe_secret_received", "refuse_secret"},
                               {"smp_started", "answer_smp"},
                               {"smp_question_used", "answer_smp"}})}},
    {steps::verified,
     {.transitions = {{"code_accepted", steps::completed},
                      {"otr_disabled", steps::awaiting_otr},
                      {"otr_enabled", steps::encrypted}},
      .on_enter = {"send_code"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(after_verification, {{"message_received", "remind_code"}})}},
    {steps::completed,
     {.transitions = {},
      .on_enter = {"congratulate"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(after_verification, {{"message_received", "remind_done"},
                                           {"otr_enabled", "nothing"},
                                           {"otr_disabled", "nothing"},
                                           {"code_accepted", "nothing"}})}},
  };
  return t;
}

} // namespace otrbot::lesson
