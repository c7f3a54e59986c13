// The session manager's memory of each student beyond a running session: completions and
// their grades (through the store's outbox), codes kept as HMACs, and what a restart brought
// back; how many JIDs each source has added; what the teacher view and the live pages read.
// Internal to the session manager.
#pragma once

#include "actors/chat/session_manager.hpp"

#include <optional>
#include <string>
#include <vector>

namespace otrbot::manager_progress {

using manager_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// The student completed: kept in the store, and their grade (if their
/// launch is graded) goes into the outbox before the grade sender gets it.
void complete(manager_ptr self, const std::string& jid, const std::string& how);

/// Whether `code` is the last code sent to `jid`, as the store keeps it
/// (also after a restart, and after the session ended); constant time.
bool stored_code_matches(manager_ptr self, const std::string& jid, const std::string& code);

/// Takes in what the store had at start: whitelist, progress, graded launches.
void restore(session_manager_state& st);

/// Per JID: its step ("completed" once done) and when it got there (in last_activity; 0 and
/// "" without a session): the teacher view.
std::vector<session_info> class_status(const session_manager_state& st,
                                       const std::vector<std::string>& jids);

/// What `bare`'s page shows live: the running session's report, with the step as above.
live_progress live_of(const session_manager_state& st, const std::string& bare);

/// When `source` ("pages", "admin") may not add `bare` now (it is new, and the source has added
/// as many as cfg.max_whitelisted allows): the setting, for the refusal. Logged.
std::optional<std::string> whitelist_full(const session_manager_state& st, const std::string& bare,
                                          const std::string& source);

} // namespace otrbot::manager_progress
