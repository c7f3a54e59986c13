// Internal to the session actor: what the lesson's effects and the conversation's outcomes do.
// Lines are typed as a person types (or at once), the check of identities is started or
// answered, the code goes out over the verified conversation only, and each event of the
// conversation moves the lesson and the student's live page.
#pragma once

#include "actors/chat/session.hpp"

#include <string>
#include <vector>

namespace otrbot::session_effects {

using session_ptr = session_actor::stateful_pointer<session_state>;

/// Says `id` (through the student's catalog): queued for typing; a line already waiting is not
/// queued again, and the queue is bounded whatever happens.
void say(session_ptr self, i18n::msg id, const i18n::args& extra = {});

/// Sends the first waiting line through the conversation (encrypted when it is).
void type_one(session_ptr self);
/// Types every waiting line now.
void flush_typing(session_ptr self);
/// The next waiting line appears after its length / type_speed, as a person types.
void schedule_typing(session_ptr self);

/// What one call into the conversation produced: its messages sent (unless `quiet`: the
/// student is gone), its lookups asked, its events handed to the lesson and the live page.
void carry_out(session_ptr self, e2e::outcome out, bool quiet = false);

/// Carries out the lesson's effects, in order.
void run_effects(session_ptr self, std::vector<lesson::effect> effects);

/// Hands an event to the lesson and carries out what it answers.
void handle_event(session_ptr self, lesson::event event, const std::string& detail = {});

} // namespace otrbot::session_effects
