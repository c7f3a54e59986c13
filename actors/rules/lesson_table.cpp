// The OTR lesson's plan: its states table (the steps, the events each step expects, and what
// each handles without changing step; drawn in lesson.hpp), the OTR names of its steps and
// events, and how the pages describe each step.
#include "actors/rules/lesson.hpp"
#include "i18n/mark.hpp"

#include <map>
#include <string>

namespace otrbot::lesson {

namespace {

using enum event;


/// Once OTR is on, a refresh of the same conversation (libotr's still_secure) changes nothing.
/// A new one (otr_enabled: the student's client restarted, or the student
/// came back after the server restarted) leads back to "encrypted" from the
/// later steps: its keys are new and not verified yet (a code sent stays valid).
/// A message the bot could not read (the student's client thinks a conversation runs that the
/// bot does not have: a message of its start was lost on the way) is answered: start again.
const handler_map otr_refresh{{refreshed, "nothing"}, {unreadable, "otr_unreadable"},
                               {other_device, "nothing"}};  // (an event only OMEMO has)
const handler_map otr_on = with(otr_refresh, {{started, "nothing"}});

/// After verification the lesson only waits for the code (or is done): a
/// student's SMP is still answered, so that their client completes it;
/// everything else about secrets changes nothing.
const handler_map after_verification = with(otr_refresh, {{secret_received, "nothing"},
                                                     {unsafe_secret_received, "nothing"},
                                                     {check_started, "answer_smp"},
                                                     {check_question, "answer_smp"},
                                                     {check_aborted, "nothing"},
                                                     {check_passed, "nothing"},
                                                     {check_failed, "verification_lost"},
                                                     {secret_leaked, "secret_leaked"}});

const table& otr_table() {
  // code_accepted leads to completed from every step once a code was sent.
  static const table t{
    {step::awaiting_encryption,
     {.transitions = {{started, step::encrypted},
                      {refreshed, step::encrypted},
                      {code_accepted, step::completed}},
      .on_enter = {"explain_otr_start"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = {{message_received, "remind_otr"},
                  {secret_received, "secret_before_otr"},
                  {unsafe_secret_received, "refuse_secret"},
                  {secret_leaked, "secret_leaked"},
                  {unreadable, "otr_unreadable"},
                  {ended, "nothing"}}}},
    {step::encrypted,
     {.transitions = {{secret_received, step::secret_known},
                      {ended, step::awaiting_encryption},
                      {code_accepted, step::completed}},
      .on_enter = {"explain_encryption"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(otr_on, {{message_received, "remind_secret"},
                               {unsafe_secret_received, "refuse_secret"},
                               {check_started, "smp_without_secret"},
                               {check_question, "smp_without_secret"},
                               {check_aborted, "nothing"}})}},
    {step::secret_known,
     {.transitions = {{check_started, step::checking},
                      {check_question, step::checking},
                      {bot_started_check, step::checking},
                      {secret_leaked, step::encrypted},
                      {check_passed, step::verified},
                      {ended, step::awaiting_encryption},
                      {started, step::encrypted},
                      {code_accepted, step::completed}},
      .on_enter = {"ask_to_authenticate"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(otr_refresh, {{message_received, "remind_authenticate"},
                               {secret_received, "secret_replaced"},
                               {unsafe_secret_received, "refuse_secret"},
                               {check_aborted, "nothing"},
                               {check_failed, "nothing"}})}},
    {step::checking,
     {.transitions = {{check_passed, step::verified},
                      {check_failed, step::secret_known},
                      {check_aborted, step::secret_known},
                      {secret_leaked, step::encrypted},
                      {ended, step::awaiting_encryption},
                      {started, step::encrypted},
                      {code_accepted, step::completed}},
      .on_enter = {"smp_begun"},
      .on_leave = {"abort_if_leaked"},
      .allowed_actions = {},
      .handles = with(otr_refresh, {{message_received, "remind_smp"},
                               {secret_received, "secret_replaced"},
                               {unsafe_secret_received, "refuse_secret"},
                               {check_started, "answer_smp"},
                               {check_question, "answer_smp"}})}},
    {step::verified,
     {.transitions = {{code_accepted, step::completed},
                      {ended, step::awaiting_encryption},
                      {started, step::encrypted}},
      .on_enter = {"send_code"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(after_verification, {{message_received, "remind_code"}})}},
    {step::completed,
     {.transitions = {},
      .on_enter = {"congratulate"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(after_verification, {{message_received, "remind_done"},
                                           {started, "nothing"},
                                           {ended, "nothing"},
                                           {code_accepted, "nothing"}})}},
  };
  return t;
}

} // namespace

const plan& otr_plan() {
  static const plan p{
    .id = "otr",
    .states = &otr_table(),
    .first = step::awaiting_encryption,
    .step_names = {"awaiting_otr", "encrypted", "secret_known", "smp_in_progress", "verified",
                   "completed"},
    .event_names = {"otr_enabled", "otr_disabled", "otr_already_setup", "smp_started",
                    "smp_question_used", "smp_aborted", "correct_secret_received",
                    "incorrect_secret_received", "other_device", "unreadable", "bot_started_smp", "message_received",
                    "secret_received", "unsafe_secret_received", "secret_leaked", "code_accepted",
                    "start"},
    .steps_shown = 4,
    .pages = {{
      {N_("Step 1 of 4: start an encrypted OTR conversation with the bot."), 1, "",
       N_("First start an encrypted OTR conversation with the bot in your chat program. Then "
          "authenticate the bot with the same secret; when that succeeds, the bot sends you a "
          "code over your verified conversation. Type it here.")},
      {N_("Step 2 of 4: share a secret with the bot on this page."), 2, "/ask_for_secret",
       N_("Your conversation with the bot is encrypted, but the bot does not have your secret "
          "yet: enter it again with the link below.")},
      {N_("Step 3 of 4: authenticate the bot with your secret in your chat program."), 3,
       "/enter_bot_secret",
       N_("Now authenticate the bot in your chat program with the same secret. When that "
          "succeeds, the bot sends you a code over your verified conversation. Type it here.")},
      {N_("Step 3 of 4: authenticate the bot with your secret in your chat program."), 3,
       "/enter_bot_secret",
       N_("Now authenticate the bot in your chat program with the same secret. When that "
          "succeeds, the bot sends you a code over your verified conversation. Type it here.")},
      {N_("Step 4 of 4: type the code the bot sent you."), 4, "/enter_bot_secret",
       N_("The bot has sent you a code over your verified conversation. Type it here.")},
      // The bar is full: "Step n of 4".
      {N_("Done: you have completed the exercise."), 4, "/enter_bot_secret",
       N_("Now authenticate the bot in your chat program with the same secret. When that "
          "succeeds, the bot sends you a code over your verified conversation. Type it here.")},
    }},
    // Where each program shows the bot's fingerprint (the menu names are those of pidgin-otr
    // 4.0.2 and Psi+'s OTR plugin 1.4.554).
    .live = {
      N_("Your chat with the bot is encrypted with OTR."),
      N_("Your chat program shows it in its OTR or encryption details (Profanity: /otr "
         "theirfp; mcabber: /otr fingerprint .; Pidgin: Known fingerprints in the OTR "
         "plugin's settings; Psi: Authenticate contact, Fingerprint verification)."),
      {{{"Profanity", N_("In Profanity, /otr theirfp shows it.")},
        {"mcabber", N_("In mcabber, /otr fingerprint . shows it (the dot stands for this contact).")},
        {"Pidgin", N_("In Pidgin, the OTR plugin's list of Known fingerprints shows it (Tools, "
                      "Plugins, Off-the-Record Messaging, Configure Plugin).")},
        {"Psi", N_("In {client}, click the OTR button in this chat window, choose Authenticate "
                   "contact, then Fingerprint verification.")},
        {"Psi+", N_("In {client}, click the OTR button in this chat window, choose Authenticate "
                    "contact, then Fingerprint verification.")}}},
      N_("The check of your secret is under way in your chat program."),
      N_("Your secret matched: you are talking to the bot, and nobody sits in between."),
      N_("The check failed: the secrets did not match (a typo, or someone in between)."),
      N_("The check was cancelled."),
    },
  };
  return p;
}

} // namespace otrbot::lesson
