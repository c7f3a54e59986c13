// Internal to the session actor: its calls into its encrypted conversation, one at a time and in
// the order they are made. A costly one (OTR's AKE and SMP) runs on the crypto pool's threads
// while the session waits for it and takes no other message; a call made meanwhile waits its turn.
// So every message handler of the session starts with no call pending: there (and only there,
// before its first call) the conversation may be read directly.
#pragma once

#include "actors/chat/session.hpp"

#include <functional>

namespace otrbot::session_turns {

using session_ptr = session_actor::stateful_pointer<session_state>;
using call = std::function<e2e::outcome(e2e::conversation&)>;
using then = std::function<void(e2e::outcome)>;

/// Makes `fn` on the session's conversation after every call made before it, then runs `next`
/// on the session with what it produced (st.view updated first). Calls `next` makes come before
/// those made after this one, as they would if every call ran at once. `costly`: on the crypto
/// pool's threads when the session has one.
void in_turn(session_ptr self, bool costly, call fn, then next);

/// Runs `fn` on the session after every call made before it (at once when none waits).
void after_calls(session_ptr self, std::function<void()> fn);

} // namespace otrbot::session_turns
