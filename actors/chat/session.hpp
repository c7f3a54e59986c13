// One student's session: an actor per whitelisted JID, holding its encrypted conversation (behind
// the e2e seam; OTR today) and the lesson its plan runs.
#pragma once

#include "actors/chat/key_stock.hpp"
#include "actors/contract/interfaces.hpp"
#include "actors/rules/lesson.hpp"
#include "actors/rules/voice.hpp"
#include "i18n/text.hpp"
#include "transport/e2e/conversation.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace otrbot {

/// Opens a student's encrypted conversation (the bot's bare JID, the student's).
using conversation_maker =
  std::function<std::unique_ptr<e2e::conversation>(const std::string& account, const std::string& peer)>;

/// What a session started after a restart tells its student: where they were.
struct restart_notice {
  std::string step;         ///< their step before the restart (its name, for the log)
  bool had_secret = false;  ///< they had given the shared secret (it must be given again)
  bool code_valid = false;  ///< the code sent before the restart can still be typed
};

/// Whether a session starts for a student who has completed the lesson.
enum class completion {
  no,      ///< not completed
  before,  ///< completed before this session (a restart, a new session): the lesson starts at the end
  now,     ///< the code was just accepted while no session ran: the student is congratulated at once
};

struct session_config {
  std::string jid;            ///< the student's bare JID
  std::string locale;         ///< the student's language
  xmpp_gateway_actor gateway;    ///< where stanzas go
  key_pool_actor key_pool;       ///< where the private key comes from (empty: made inline, tests)
  std::shared_ptr<key_stock> keys;  ///< the pool's keys ready: taken at once (null: ask the pool)
  crypto_pool_actor crypto;      ///< where costly calls run (empty: on the session's thread)
  session_manager_actor manager; ///< told about activity, steps and completion
  std::string account;        ///< the bot's bare JID
  i18n::args format_strings;
  /// The message catalogs (shared, read-only); empty: English only.
  std::shared_ptr<const i18n::catalogs> catalogs;
  lesson::settings lesson;
  /// The lesson the student follows, and how their conversation is opened (empty: OTR).
  const lesson::plan* plan = &lesson::otr_plan();
  conversation_maker open;
  std::string default_secret; ///< testing only: a secret known without the LMS
  bool scheduled_msg_say = false;
  std::int64_t type_speed = 20;  ///< characters per second
  bool log_user_msgs = false;
  /// Set for the first session of a student who was mid-lesson when the bot restarted.
  std::optional<restart_notice> restarted;
  completion finished = completion::no;
};

/// What the session reads of its conversation, as the last call into it left it (the
/// conversation itself is only touched through session_turns, in turn).
struct chat_view {
  std::string channel;         ///< conversation::channel()
  bool encrypted = false;      ///< conversation::encrypted()
  unsigned poll_interval = 0;  ///< conversation::poll_interval()
};

struct session_state {
  static constexpr const char* name = "session";
  session_config cfg;
  /// The encrypted conversation, with its own key. Shared: a call on the cryptography threads
  /// keeps it alive should the session end meanwhile.
  std::shared_ptr<e2e::conversation> chat;
  chat_view view;
  bool chat_busy = false;                        ///< a call runs on the cryptography threads
  std::int64_t born = 0;  ///< when the session started (steady clock, ns): its calls' rank
  std::deque<std::function<void()>> chat_queue;  ///< calls made meanwhile, in order
  std::unique_ptr<lesson::lesson> lesson;
  std::set<std::string> client_asked;  ///< full JIDs asked which program they are
  live_progress live;  ///< what the student's page shows live (the manager keeps a copy)
  std::string peer;                     ///< the full JID the student writes from
  std::optional<std::string> secret;    ///< normalised, strong; never logged
  std::string verified_channel;         ///< the encrypted conversation the check verified
  bool key_ready = false;
  std::deque<e2e::wire> waiting;        ///< messages that came before the key
  voice speech;                         ///< lines waiting to be typed, and the echo guard
  bool typing_scheduled = false;
  bool poll_scheduled = false;
  bool warned = false;                  ///< warned of the timeout, no sign of life since
};

/// Runs one student's lesson: decrypts what comes in, feeds OTR events and
/// messages to the lesson, carries out the effects it returns (lines typed at
/// type_speed, SMP, the code over the verified channel).
session_actor::behavior_type session(session_actor::stateful_pointer<session_state> self,
                                     session_config cfg);

} // namespace otrbot
