// The lesson's words and its plans (pure). Every lesson shares one vocabulary: its steps and
// its events are enums. A plan is one protocol's lesson: its states table, the names its steps
// and events have in the log, the store and the admin API, and how the pages describe each
// step. A session runs the plan chosen for its student; the manager, the pages and the teacher
// view learn the student's step from that plan and never ask which protocol runs.
#pragma once

#include "actors/rules/state_machine.hpp"
#include "lti/pages/step_view.hpp"
#include "transport/e2e/conversation.hpp"

#include <array>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::lesson {

/// Where a student is. A plan uses the steps it needs, in this order.
enum class step : std::uint8_t {
  awaiting_encryption,  ///< the conversation is not encrypted yet
  encrypted,            ///< encrypted, the bot does not know the shared secret
  secret_known,         ///< the bot knows the secret: the student checks the bot with it
  checking,             ///< a check of identities is under way
  verified,             ///< the check passed: the code went out over the verified conversation
  completed,            ///< the code came back on the page
};
inline constexpr std::size_t step_count = 6;

/// What the lesson hears: the conversation's events (e2e::event, same order), then the
/// session's and the LMS's.
enum class event : std::uint8_t {
  started, ended, refreshed, check_started, check_question, check_aborted, check_passed,
  check_failed, other_device, unreadable,
  bot_started_check,       ///< the bot started the check itself (lesson setting may_start_smp)
  message_received,        ///< the student wrote words (not the secret)
  secret_received,         ///< a strong shared secret came from the page
  unsafe_secret_received,  ///< a secret came from the page and was refused (the reason with it)
  secret_leaked,           ///< the shared secret was typed into the chat
  code_accepted,           ///< the manager accepted the code typed on the page
  start,                   ///< the session's first message (no table names it: it enters step 1)
};
inline constexpr std::size_t event_count = 17;

/// The conversation's event as the lesson hears it.
constexpr event of(e2e::event e) { return static_cast<event>(static_cast<std::uint8_t>(e)); }
static_assert(of(e2e::event::unreadable) == event::unreadable,
              "the conversation's events come first in the lesson's, in the same order");

/// The names in the code (engine errors, tests): the enumerators' own.
std::string_view to_string(step s);
std::string_view to_string(event e);

using table = fsm::basic_states_table<step, event>;

/// What a step handles without moving (event -> handler name), as the tables write it.
using handler_map = std::map<event, std::string>;
/// `base` with `more` added (or overriding): the tables build steps' handlers from shared sets.
handler_map with(handler_map base, const handler_map& more);

/// How the pages describe a step.
struct step_page {
  const char* line;        ///< msgid: "Step 1 of 4: ..."
  int number;              ///< the progress bar's value
  const char* page;        ///< the page whose form fits this step ("" where any does)
  const char* code_intro;  ///< msgid: what the code page asks of the student here
};

/// What the live progress says about the conversation, in the words of the lesson's protocol.
struct live_words {
  const char* encrypted;  ///< msgid: the chat is encrypted (with this protocol)
  /// msgid: where a program the bot does not know shows the bot's fingerprint.
  const char* fingerprint_anywhere;
  /// Program name -> msgid: where that program shows it ({client}: the program's name).
  std::array<std::pair<std::string_view, const char*>, 5> fingerprint_in;
  /// msgids: the check of identities under way, passed, failed, and cancelled (OMEMO: the
  /// decoy still trusted), in this protocol's words.
  const char* check_running;
  const char* check_succeeded;
  const char* check_failed;
  const char* check_aborted;

  /// The msgid that says where `client` shows the bot's fingerprint.
  const char* fingerprint_where(std::string_view client) const;
};

/// One protocol's lesson.
struct plan {
  std::string_view id;     ///< "otr"
  const table* states;
  step first;
  std::array<std::string_view, step_count> step_names;    ///< log, store, admin API, pages
  std::array<std::string_view, event_count> event_names;  ///< log
  int steps_shown;  ///< how many steps the pages count (Step 0, the JID, is the pages' own)
  std::array<step_page, step_count> pages;
  live_words live;
  /// What the page gives the check: false, a shared secret (never typed into the chat, strong);
  /// true, the student's device fingerprint (public, checked for its form).
  bool fingerprint_check = false;

  std::string_view name(step s) const { return step_names[static_cast<std::size_t>(s)]; }
  std::string_view name(event e) const { return event_names[static_cast<std::size_t>(e)]; }
  /// A step by its name in this plan (as the store keeps it).
  std::optional<step> step_named(std::string_view text) const;
  /// An event by its name in this plan (tests, the documentation).
  std::optional<event> event_named(std::string_view text) const;
  /// The pages' view of a step; nullopt: no session runs (the first step, unnamed).
  lti::step_view describe(std::optional<step> at) const;
};

/// The OTR lesson (lesson_table.cpp): OTR, then SMP with the secret given on the page.
const plan& otr_plan();

/// The OMEMO lesson (lesson_table_omemo.cpp): legacy OMEMO, then a fingerprint each way.
const plan& omemo_plan();

/// The plan with this id among the bot's lessons; the default (OTR) lesson for any other id.
const plan& plan_named(std::string_view id);

} // namespace otrbot::lesson
