// The session manager: whitelist, subscriptions, timeouts, and one session actor per student.
#pragma once

#include "actors/chat/session.hpp"
#include "actors/contract/messages.hpp"
#include "actors/rules/jid_claims.hpp"
#include "actors/rules/message_rate.hpp"
#include "actors/rules/progress_book.hpp"

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace otrbot {

/// Starts a session actor for the manager; tests put in their own.
using session_factory = std::function<session_actor(caf::actor_system& sys, session_config)>;

/// The lesson a student follows: its plan, and how their encrypted conversation is opened
/// (empty: OTR).
struct lesson_choice {
  const lesson::plan* plan = &lesson::otr_plan();
  conversation_maker open;
};

struct session_manager_config {
  std::map<std::string, std::string> whitelist;  ///< bare JID -> locale
  std::string default_locale = "en_GB";
  /// Settings every session gets (jid, locale, gateway and manager are filled in).
  session_config session_defaults;
  std::chrono::seconds warning_timeout{1500};
  std::chrono::seconds session_timeout{1800};
  std::chrono::seconds check_interval{60};
  /// A student idle this long before completing counts as stuck (metrics; the teacher view's
  /// lti.stuck_after_minutes).
  std::chrono::seconds stuck_after{600};
  /// A JID that sends more than this many messages in a minute is not
  /// answered until it has been quiet for a minute (no person types that
  /// fast; an echo bot or a script does). 0: no limit.
  std::int64_t max_messages_per_minute = 60;
  /// How many whitelisted JIDs each source ("pages", "admin") may have added at once; a source
  /// not named, or 0, has no limit (the config's own list is bounded by its file).
  std::map<store::whitelist_source, std::int64_t> max_whitelisted;
  session_factory spawn_session;  ///< empty: the real session actor
  /// Chooses each student's lesson (empty: the OTR lesson for everyone): `requested` is what
  /// their course chose ("otr", "omemo", "" for auto); `omemo_client`, that the student's
  /// program speaks OMEMO and has no OTR (its caps, or an OMEMO message it sent).
  std::function<lesson_choice(const std::string& jid, const std::string& requested,
                              bool omemo_client)>
    choose_lesson;
  /// Called when a student is removed from the whitelist (their OMEMO sessions are forgotten).
  std::function<void(const std::string& jid)> forget_student;
  grade_keeper_actor grades;      ///< told each completion (none in tests that do not grade)
  /// Keeps what must survive a restart (none: everything in memory, as in tests).
  store_actor store;
  /// The store's key: a code is kept as an HMAC under it (empty: a random key for this run).
  std::string code_key;
  /// What the store had at start: every student it knows (the whitelist
  /// above is theirs, merged with the config's seed, at start).
  std::vector<store::student> restored;
  /// The claims that visits kept in the store were waiting with at start: a word that the
  /// server held for the bot while it was down binds as soon as it is delivered.
  std::vector<jid_claim> restored_claims;
  /// Called before each whitelist request or claim is admitted (empty: nothing). Tests hold
  /// the manager there, as a slow or stuck manager would be, to show who else keeps being
  /// served (runclient sets it only for OTRBOT_TEST_MANAGER_GATE).
  std::function<void()> before_admission;
};

struct session_entry {
  session_actor actor;
  caf::actor_clock::time_point last_activity;
  std::int64_t last_activity_unix = 0;  ///< for reports
  bool warned = false;
  bool ending = false;  ///< its sign-out is under way: not ended twice
  bool heard = false;   ///< a message of the student's reached it (their lesson has begun)
  lti::step_view step;  ///< the lesson's step, as the session's plan describes it
  std::int64_t step_since_unix = 0;  ///< when it reached that step (the teacher view's "progress")
  live_progress live;  ///< encryption, fingerprint and authentication, as the session reports them
  std::chrono::steady_clock::time_point step_since_steady{};  ///< the same, for the step's duration
};

struct session_manager_state {
  static constexpr const char* name = "session_manager";
  session_manager_config cfg;
  xmpp_gateway_actor gateway;
  std::map<std::string, session_entry> sessions;  ///< bare JID -> session
  std::map<caf::actor_addr, std::string> owners;  ///< session -> bare JID
  progress_book progress;  ///< each student's progress beyond a running session
  std::map<std::string, store::whitelist_source> source_of;  ///< bare JID -> who added it (none: the config)
  std::map<std::string, message_rate> rates;          ///< bare JID -> its message rate
  jid_claims claims;  ///< visits waiting for the proof that a JID is theirs
  /// Whitelisted students' full JIDs that are online and got the bot's directed presence.
  std::set<std::string> online;
  /// Students whose program speaks OMEMO without OTR (what choose_lesson is told).
  std::set<std::string> omemo_clients;
  /// The lesson each student's course chose (absent: auto).
  std::map<std::string, std::string> requested_lesson;
};

/// The lesson `bare` follows: the config's choice, the OTR lesson when it has none.
inline lesson_choice lesson_of(const session_manager_state& st, const std::string& bare) {
  if (!st.cfg.choose_lesson)
    return {};
  auto it = st.requested_lesson.find(bare);
  return st.cfg.choose_lesson(bare, it == st.requested_lesson.end() ? std::string{} : it->second,
                              st.omemo_clients.contains(bare));
}

/// Receives what the gateway hears and answers only whitelisted JIDs;
/// starts a session on a student's first sign of life (presence or
/// message) so that its key is ready early; ends sessions after
/// inactivity (warning first); passes the LMS's secret and code to the
/// session; survives a session that fails (logged and forgotten: the next
/// message starts a new one).
session_manager_actor::behavior_type
session_manager(session_manager_actor::stateful_pointer<session_manager_state> self,
                session_manager_config cfg);

} // namespace otrbot
