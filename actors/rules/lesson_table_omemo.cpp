// The OMEMO lesson's plan: its states table, the names of its steps and events, and how the
// pages describe each step. OMEMO has no SMP: the check of identities is a fingerprint each way
// (transport/omemo/omemo_conversation.hpp says which events mean what).
//
//            start                        omemo_enabled
//   ----> [awaiting_omemo] ----------------------------------> [omemo_encrypted]
//               ^   ^          omemo_disabled                    |          |
//               |   +--------------------------------------------+          | devices_verified
//               |                                fingerprint_matched |      |
//               |   omemo_disabled                                  v      |
//               +----------------------------------------- [device_known]  |
//               |                  (fingerprint_mismatch: back)     |      |
//               |                                   devices_verified v      v
//               |   omemo_disabled                             [verified] -- code sent to that device
//               +--------------------------------------------------|
//                                                  code_accepted    v
//                                                             [completed]
#include "actors/rules/lesson.hpp"
#include "i18n/mark.hpp"

#include <map>
#include <string>

namespace otrbot::lesson {

namespace {

using enum event;


/// What every step takes calmly: a refresh, the secret rules of OTR (a fingerprint is public).
const handler_map calm{{refreshed, "nothing"}, {secret_leaked, "nothing"},
                       {unsafe_secret_received, "refuse_secret"}, {other_device, "nothing"},
                       {unreadable, "omemo_unreadable"}};
/// Once OMEMO is on, another decrypted message changes nothing.
const handler_map calm_on = with(calm, {{started, "nothing"}});

/// After the verification only the code matters.
const handler_map after_verification =
  with(calm_on, {{secret_received, "nothing"}, {unsafe_secret_received, "nothing"},
              {check_started, "nothing"}, {check_question, "nothing"}, {check_aborted, "nothing"},
              {check_passed, "nothing"}, {check_failed, "nothing"},
              {other_device, "omemo_other_device"}});

const table& omemo_table() {
  static const table t{
    {step::awaiting_encryption,
     {.transitions = {{started, step::encrypted}, {code_accepted, step::completed}},
      .on_enter = {"explain_omemo_start"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(calm, {{message_received, "remind_omemo"},
                             {check_question, "omemo_untrusted"},
                             {secret_received, "fingerprint_noted"},
                             {ended, "nothing"},
                             {check_started, "nothing"},
                             {check_aborted, "nothing"},
                             {check_passed, "nothing"},
                             {check_failed, "nothing"}})}},
    {step::encrypted,
     {.transitions = {{check_started, step::secret_known},
                      {check_passed, step::verified},
                      {ended, step::awaiting_encryption},
                      {code_accepted, step::completed}},
      .on_enter = {"explain_omemo_trust"},
      .on_leave = {},
      .allowed_actions = {},
      // The decoy still trusted is what entering this step explained already.
      .handles = with(calm_on, {{message_received, "remind_omemo_trust"},
                             {secret_received, "check_fingerprint"},
                             {check_failed, "omemo_mismatch"},
                             {check_aborted, "nothing"},
                             {check_question, "omemo_untrusted"}})}},
    {step::secret_known,
     {.transitions = {{check_passed, step::verified},
                      {check_failed, step::encrypted},
                      {ended, step::awaiting_encryption},
                      {code_accepted, step::completed}},
      .on_enter = {"omemo_device_known"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(calm_on, {{message_received, "omemo_decoy"},
                             {check_aborted, "omemo_decoy"},
                             {check_question, "omemo_untrusted"},
                             {check_started, "nothing"},
                             {secret_received, "check_fingerprint"}})}},
    {step::checking,  // not used by this lesson: its checks are immediate
     {.transitions = {{ended, step::awaiting_encryption}, {code_accepted, step::completed}},
      .on_enter = {},
      .on_leave = {},
      .allowed_actions = {},
      .handles = {}}},
    {step::verified,
     {.transitions = {{code_accepted, step::completed}, {ended, step::awaiting_encryption}},
      .on_enter = {"omemo_send_code"},
      .on_leave = {},
      .allowed_actions = {},
      // Never the code itself again: an ordinary line goes to every device that wrote.
      .handles = with(after_verification, {{message_received, "remind_enter_code"}})}},
    {step::completed,
     {.transitions = {},
      .on_enter = {"congratulate"},
      .on_leave = {},
      .allowed_actions = {},
      .handles = with(after_verification, {{message_received, "remind_done"},
                                           {ended, "nothing"},
                                           {code_accepted, "nothing"}})}},
  };
  return t;
}

} // namespace

const plan& omemo_plan() {
  static const plan p{
    .id = "omemo",
    .states = &omemo_table(),
    .first = step::awaiting_encryption,
    .step_names = {"awaiting_omemo", "omemo_encrypted", "device_known", "omemo_checking",
                   "verified", "completed"},
    .event_names = {"omemo_enabled", "omemo_disabled", "omemo_refreshed", "fingerprint_matched",
                    "bot_device_not_trusted", "decoy_trusted", "devices_verified",
                    "fingerprint_mismatch", "unverified_device", "session_repaired", "bot_checked_fingerprint", "message_received",
                    "fingerprint_received", "fingerprint_refused", "secret_leaked",
                    "code_accepted", "start"},
    .steps_shown = 4,
    .pages = {{
      {N_("Step 1 of 4: switch on OMEMO encryption in your chat with the bot."), 1, "",
       N_("First switch on OMEMO in your chat with the bot; then you and the bot verify each "
          "other's devices, and the bot sends a code to your verified device. Type it here.")},
      {N_("Step 2 of 4: verify the bot's device with the fingerprint on this page, and type "
          "your own device's fingerprint."),
       2, "/ask_for_secret",
       N_("Your chat with the bot is encrypted with OMEMO, but you have not verified each "
          "other's devices yet: use the link below.")},
      {N_("Step 3 of 4: switch off the bot's second device in your chat program, then write to "
          "the bot."),
       3, "/enter_bot_secret",
       N_("The bot knows your device. Now switch off its second device in your chat program and "
          "write to the bot: it then sends you a code. Type it here.")},
      {N_("Step 3 of 4: switch off the bot's second device in your chat program, then write to "
          "the bot."),
       3, "/enter_bot_secret",
       N_("The bot knows your device. Now switch off its second device in your chat program and "
          "write to the bot: it then sends you a code. Type it here.")},
      {N_("Step 4 of 4: type the code the bot sent you."), 4, "/enter_bot_secret",
       N_("The bot has sent you a code over your verified conversation. Type it here.")},
      {N_("Done: you have completed the exercise."), 4, "/enter_bot_secret",
       N_("The bot has sent you a code over your verified conversation. Type it here.")},
    }},
    .live = {
      N_("Your chat with the bot is encrypted with OMEMO."),
      N_("Your chat program shows the fingerprints of the bot's devices in the contact's details "
         "or encryption settings, and your own device's fingerprint in your account's "
         "encryption settings."),
      {{{"Profanity", N_("In Profanity, /omemo fingerprint followed by the bot's address shows "
                         "the bot's fingerprints, and /omemo fingerprint alone shows your own.")},
        {"", nullptr}, {"", nullptr}, {"", nullptr}, {"", nullptr}}},
      N_("The check of your devices is under way: the chat says what is left to do."),
      N_("You and the bot have verified each other's devices: nobody sits in between."),
      N_("The fingerprint you typed is not that of a device you wrote from (a typo, or someone "
         "in between)."),
      N_("Your chat program still encrypts to the bot's second device: switch that device off."),
    },
    .fingerprint_check = true,
  };
  return p;
}

} // namespace otrbot::lesson
