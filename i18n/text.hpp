// The bot's lines, through one function: English msgids (ICU MessageFormat) looked up in the
// student's catalog (pure).
#pragma once

#include "i18n/catalog.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::i18n {

using args = std::map<std::string, std::string, std::less<>>;

/// Identifiers of the bot's lines.
enum class msg {
  greeting,               ///< first words to a student
  how_to_start_otr,       ///< instructions for step 1 (also the reminder and `help`)
  otr_ended_early,        ///< OTR was ended before the lesson was complete
  encryption_on,          ///< OTR is on: well done
  not_enough,             ///< why encryption alone does not tell who you talk to
  ask_for_secret,         ///< enter a shared secret on the course page
  secret_known,           ///< the bot has the shared secret
  secret_still_known,     ///< a new OTR conversation: the bot still has the secret from the page
  secret_refused,         ///< {reason}: the secret from the page is too weak
  secret_noted_start_otr, ///< secret received before OTR: start OTR first
  how_to_authenticate,    ///< authenticate the bot with the shared secret (and `help`)
  bot_started_smp,        ///< the bot asked the student's client to authenticate
  smp_needs_secret,       ///< SMP started before the bot knows the secret
  question_mode,          ///< SMP with a question verifies one direction only
  smp_running,            ///< SMP is under way (reminder and `help`)
  smp_failed,             ///< the secrets did not match
  smp_aborted,            ///< authentication was cancelled
  verified,               ///< SMP succeeded
  your_code,              ///< {code}: the code, over the verified channel
  enter_code,             ///< type the code on the course page (reminder and `help`)
  completed,              ///< the right code was entered
  done,                   ///< reminder after completion
  timeout_warning,        ///< {minutes}: the session ends soon without activity
  session_refreshed,      ///< activity after a warning
  signed_out,             ///< the session has ended ({project_name})
  restarted,              ///< the bot restarted: start OTR again (new fingerprint)
  restarted_secret,       ///< after a restart: enter the shared secret again ({project_name})
  restarted_code,         ///< after a restart: the code sent before is still valid ({project_name})
  code_reminder,          ///< {code}: step 4 again, with the code (only over the verified channel)
  verification_lost,      ///< a failed SMP after a successful one: why the client now distrusts the bot
  otr_ended_code_valid,   ///< OTR ended after the code was sent: the code stays valid ({project_name})
  done_otr_ended,         ///< reminder after completion, once OTR has ended
  secret_typed_in_chat,   ///< the student typed the shared secret into the chat
  ask_for_new_secret,     ///< after that: the bot forgot it; a new one on the page ({project_name})
  timeout_warning_seconds,  ///< {seconds}: the session ends in under a minute and a half
  start_otr_again,        ///< OTR ended: start it again, as before (no key to make again)
  start_otr_again_command,  ///< {command}: the same, with the known client's command
  // Steps 1 and 3 in a known client's own words ({client}: its name); the generic ones above
  // for any other client.
  start_otr_pidgin, authenticate_pidgin,
  start_otr_profanity, authenticate_profanity,
  start_otr_psi, authenticate_psi,
  start_otr_mcabber, authenticate_mcabber,
  start_otr_poezio, authenticate_poezio,
  start_otr_miranda, authenticate_miranda,
  client_without_otr,     ///< {client} cannot do OTR: which programs can
  status_line,            ///< the bot's XMPP status: what it is (in the default locale)
  // The OMEMO lesson (legacy OMEMO; its check is a fingerprint each way, not a secret).
  greeting_omemo,         ///< first words to a student who takes the OMEMO lesson
  how_to_start_omemo,     ///< step 1: switch OMEMO on (any program)
  start_omemo_profanity,  ///< step 1 in Profanity's commands (and its device list quirk)
  omemo_on,               ///< OMEMO is on, but the student's program trusted the bot unchecked
  omemo_verify_bot,       ///< step 2: two devices, the real one on the page; verify, switch off the other
  omemo_type_fingerprint, ///< step 3: type your own device's fingerprint on the page
  omemo_decoy_trusted,    ///< the student's program still encrypts to the decoy
  omemo_bot_untrusted,    ///< a message not encrypted to the bot's real device: unreadable
  omemo_device_known,     ///< the typed fingerprint matches the device the student writes from
  omemo_fingerprint_mismatch,  ///< it matches no device that wrote: a typo, or someone in the middle
  omemo_fingerprint_noted,     ///< a fingerprint came before OMEMO: it is checked once OMEMO is on
  omemo_verified,         ///< both sides verified: the code goes to that device alone
  omemo_other_device,     ///< a message from a device of the student's that was not verified
  omemo_unreadable,       ///< a message did not decrypt: a new session was started, send it again
  omemo_ended_early,      ///< OMEMO was switched off before the lesson was complete
  restarted_omemo,        ///< the bot restarted: its OMEMO keys and sessions were kept ({project_name})
  otr_unreadable,         ///< an OTR message the bot could not read: its conversation is not running
};

/// `values` with the format strings that the settings leave unset or empty
/// filled in `locale`: {project_name} ("your course"), {bot_description}
/// and {bot_title}. Each is a noun phrase with its own article, if it needs
/// one; the lines put none before it ("the page for {project_name}").
args with_defaults(const catalogs& c, std::string_view locale, args values);

/// The text of `id` in `locale`, from `c` (the English source when the
/// catalog lacks it), with {placeholders} filled from `values` (with_defaults).
std::string text(const catalogs& c, msg id, std::string_view locale, const args& values);

/// Catalogs with the source language only (English), for tests and as a fallback.
const catalogs& source_only();

/// A locale name as catalogs and the whitelist use it: "ll" or "ll_CC"
/// (also from BCP 47 "ll-CC", any case); nullopt when it is not one.
std::optional<std::string> normalise_locale(std::string_view text);

/// The English msgid of a line, with its {placeholders} (ICU MessageFormat).
std::string_view pattern(msg id);

} // namespace otrbot::i18n
