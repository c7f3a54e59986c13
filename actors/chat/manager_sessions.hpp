// The session manager's supervision: one session actor per whitelisted student, started on
// their first sign of life, monitored, warned and ended after inactivity; and what the XMPP
// gateway is to send for it. Internal to the session manager.
#pragma once

#include "actors/chat/session_manager.hpp"
#include "actors/rules/roster_policy.hpp"

#include <caf/system_messages.hpp>

#include <set>
#include <string>

namespace otrbot::manager_sessions {

using manager_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// Hands roster changes and presences to the gateway (adds first, removals last).
void carry_out(manager_ptr self, const xmpp_actions& actions);

/// The whitelisted bare JIDs.
std::set<std::string> whitelisted(const session_manager_state& st);

/// The student's session, started (and monitored) when it is not running.
session_actor session_for(manager_ptr self, const std::string& jid,
                          completion done = completion::no);

/// Ends a student's session as the reference does: the sign-out line, then a directed
/// unavailable presence saying how to start again, then roster and whitelist removal (stored,
/// unless `removal_stored`: the admin API stored it first).
void terminate(manager_ptr self, const std::string& jid, const char* why,
               bool removal_stored = false, bool goodbye = true);

/// Ends the session of `jid` (any resource) as on timeout; false when it has none.
bool end_if_running(manager_ptr self, const std::string& bare, const char* why);

/// Warns idle students, ends those idle too long (completed ones quietly).
void check_timeouts(manager_ptr self);

/// Hands a student's message to their session (starting it), making the bot appear online to
/// a resource it has not seen yet (RFC 6121 4.6 directed presence: the student may not have
/// accepted its request).
void to_session(manager_ptr self, const std::string& bare, xmpp::inbound_message m);

/// The student's program speaks OMEMO and has no OTR: their lesson is chosen again. A session
/// still at its lesson's first step under another lesson is replaced (quietly: nothing of it
/// reached the student beyond its first step's words).
void omemo_client(manager_ptr self, const std::string& bare);

/// The lesson the student's course chose ("otr", "omemo", "" for auto): kept (in the store too),
/// and the student's lesson chosen again as omemo_client() does.
void lesson_requested(manager_ptr self, const std::string& bare, const std::string& lesson);

/// A session ended: forgotten (logged as a failure when it failed).
void session_down(manager_ptr self, const caf::down_msg& dm);

/// The student was active: the inactivity clock starts again.
void note_activity(manager_ptr self, const std::string& jid);

/// The run ends: every session is killed now.
void stop(manager_ptr self);

} // namespace otrbot::manager_sessions
