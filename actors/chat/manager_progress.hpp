// The session manager's memory of each student beyond a running session (a progress_book):
// completions (the grade keeper told of them), codes kept as HMACs, and what a restart brought
// back; how many JIDs each source has added; what the teacher view and the live pages read.
// Internal to the session manager.
#pragma once

#include "actors/chat/session_manager.hpp"

#include <caf/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace otrbot::manager_progress {

using manager_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// The student completed: kept in the store (once), and the grade keeper told (its grade, if
/// their launch is graded, goes into the outbox before the grade sender gets it).
void complete(manager_ptr self, const std::string& jid, const std::string& how);
/// A completion the disk had refused landed: the student completes now (congratulated in the
/// chat, graded) unless they completed meanwhile.
void completion_stored(manager_ptr self, const std::string& jid);

/// Whether `code` is the last code sent to `jid`, as the store keeps it
/// (also after a restart, and after the session ended); constant time.
bool stored_code_matches(manager_ptr self, const std::string& jid, const std::string& code);

/// Takes in what the store had at start: the whitelist and each student's progress.
void restore(session_manager_state& st);

/// Per JID: its step ("completed" once done) and when it got there (in last_activity; 0 and
/// "" without a session): the teacher view.
std::vector<session_info> class_status(const session_manager_state& st,
                                       const std::vector<xmpp::bare_jid>& bare_jids);

/// What `bare`'s page shows live: the running session's report, with the step as above.
live_progress live_of(const session_manager_state& st, const std::string& bare);

/// When `source` may not add `bare` now (it is new, and the source has added
/// as many as cfg.max_whitelisted allows): the setting, for the refusal. Logged.
std::optional<std::string> whitelist_full(const session_manager_state& st, const std::string& bare,
                                          store::whitelist_source source);

/// The page's secret for `jid`, handed to its session (started for it): true, or the
/// session's ec::weak_secret with the reason; ec::unknown_jid when not whitelisted.
caf::result<bool> set_secret(manager_ptr self, const std::string& bare, const std::string& secret);

/// The one place a typed code is decided: right when it is the last code sent to `jid` (its
/// HMAC; also after a restart or after the session ended), then the completion is kept and
/// the session told (one started to say it when none runs). ec::no_session before any code.
caf::result<bool> check_code(manager_ptr self, const std::string& bare, const std::string& code);

/// The session sent `code` over the verified channel: its HMAC replaces the last one.
void code_sent(manager_ptr self, const std::string& jid, const std::string& code);

/// The session reached `step`: kept (and stored, with whether a secret was given).
void step_reached(manager_ptr self, const std::string& jid, const lti::step_view& step);

/// The step the pages show for `jid`: "completed" once done, else its session's, else "".
lti::step_view step_of(const session_manager_state& st, const std::string& bare);

/// The running sessions, for the admin API.
std::vector<session_info> session_list(const session_manager_state& st);

} // namespace otrbot::manager_progress
