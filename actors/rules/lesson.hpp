// The lesson: a plan's states table run by the state machine engine (pure). The OTR plan's
// table (lesson_table.cpp), by the OTR names of its steps and events:
//
//            start                      otr_enabled / otr_already_setup
//   ----> [awaiting_otr] -------------------------------------------> [encrypted]
//            ^    ^  ^                                                  |  (secret unknown:
//            |    |  |                  otr_disabled                    |   ask for it)
//            |    |  +--------------------------------------------------+
//            |    |                                                     | secret_received
//            |    |   otr_disabled                                      v
//            |    +------------------------------------------- [secret_known] <---------+
//            |                                                    |      ^              |
//            |          smp_started / smp_question_used /         |      | incorrect_   |
//            |          bot_started_smp                           v      | secret /     |
//            |   otr_disabled                             [smp_in_progress] smp_aborted |
//            +----------------------------------------------------|-----------------------+
//            |                                 correct_secret_    v
//            |   otr_disabled                  received       [verified] -- code sent
//            +----------------------------------------------------|
//                                                  code_accepted  v
//                                                            [completed]
//   (code_accepted leads to completed from any step once a code was sent:
//    the verification happened, even if OTR has ended since)
//
// Events come from the conversation (OTR: otr_enabled, otr_disabled, otr_already_setup, smp_started,
// smp_question_used, smp_aborted, correct_secret_received, incorrect_secret_received),
// from chat (message_received; secret_leaked: the shared secret typed into the chat, which
// leads back from secret_known and smp_in_progress to encrypted, for a new secret) and from
// the LMS (secret_received, unsafe_secret_received, code_accepted). Handling an event returns effects:
// what the session actor must do. The lesson itself sends nothing and never
// holds the shared secret.
#pragma once

#include "actors/rules/clients.hpp"
#include "actors/rules/lesson_plan.hpp"
#include "actors/rules/state_machine.hpp"
#include "i18n/text.hpp"
#include "transport/base/secrets.hpp"

#include <string>
#include <variant>
#include <vector>

namespace otrbot::lesson {

/// Say a line (through the catalog). Once OTR is on, the session sends it encrypted.
struct say {
  i18n::msg id;
  i18n::args args;
  friend bool operator==(const say&, const say&) = default;
};
/// Start the check of identities with the known shared secret (the bot asks first; OTR: SMP).
struct start_check {
  friend bool operator==(const start_check&, const start_check&) = default;
};
/// Answer the student's check with the known shared secret.
struct answer_check {
  friend bool operator==(const answer_check&, const answer_check&) = default;
};
/// Abort the check under way.
struct abort_check {
  friend bool operator==(const abort_check&, const abort_check&) = default;
};
/// Send the code; only over the encrypted conversation that the check just verified.
struct send_code {
  std::string code;
  friend bool operator==(const send_code&, const send_code&) = default;
};
/// The lesson is complete (for the LMS grade).
struct completed {
  friend bool operator==(const completed&, const completed&) = default;
};

/// The lesson moved from one step to another on `cause` (for the log, the
/// session manager and the pages): the lesson's status, as it changes.
struct status {
  step from;
  step to;
  event cause;
  friend bool operator==(const status&, const status&) = default;
};

using effect = std::variant<say, start_check, answer_check, abort_check, send_code, completed, status>;

struct settings {
  bool may_start_smp = false;
  std::string code_format = "XXXX-XXXX";
};

/// How the first message of a session came.
struct start_context {
  bool restarted = false;  ///< the bot restarted mid-lesson and has said so already
  bool otr_first = false;  ///< it was protocol traffic: the student's client starts encryption by itself
};

/// What the lesson's actions see and produce.
struct context {
  settings cfg;
  secrets::random_bytes rng;
  event now = event::start;   ///< the event being handled
  bool has_secret = false;    ///< whether a (strong) shared secret is known
  bool just_greeted = false;  ///< start() ran and no event came since: its lines answer the first message
  bool otr_on = false;        ///< an OTR conversation is on (what the last OTR event said)
  bool greeted = false;       ///< start() has run
  clients::profile client;    ///< the student's chat program, when known
  std::string code;           ///< the code sent after the last verification
  bool secret_told = false;   ///< the student was told the bot has their secret
  start_context start;        ///< how the session's first message came
  std::vector<effect> effects;
  std::vector<event> follow_ups;  ///< events to handle right after this one
};

/// One student's lesson, run by a plan.
class lesson {
public:
  lesson(const plan& p, settings cfg, secrets::random_bytes rng);
  /// The OTR plan's lesson.
  lesson(settings cfg, secrets::random_bytes rng) : lesson(otr_plan(), std::move(cfg), std::move(rng)) {}

  /// Enters the first step: greeting and how to start OTR. Nothing once the lesson is complete
  /// (the message that started the session gets the reminder that it is done).
  std::vector<effect> start(start_context how = {});

  /// Starts at the end, saying nothing: the student completed the lesson before this session.
  void resume_completed();

  /// Handles one event (and the events it leads to). `detail` goes with some
  /// events: the reason of unsafe_secret_received. An event the current step
  /// does not expect changes nothing and returns no effects. When the step
  /// changes, the first effect is the status (from, to, cause).
  std::vector<effect> handle(event e, const std::string& detail = {});
  /// Handles what the conversation reported.
  std::vector<effect> handle(e2e::event e) { return handle(of(e)); }

  /// The student's chat program is now known: from then on Steps 1 and 3 are in its words.
  /// Says what changes now: that it cannot do OTR, or the current step in its words.
  std::vector<effect> client_known(const clients::profile& client);

  /// Tells the lesson whether a strong shared secret is known (the session keeps it).
  void set_has_secret(bool known) { ctx_.has_secret = known; }

  step at() const { return machine_.state(); }
  const plan& runs() const noexcept { return *plan_; }

private:
  const plan* plan_;
  context ctx_;
  fsm::state_machine<context, std::string, step, event> machine_;
};

/// The events that keep a session alive (the reference's refresh list).
bool refreshes_session(event e);

} // namespace otrbot::lesson
