// The session actor's voice, internal to actors/chat/session*.cpp: the lines it types (a bounded
// queue, at a person's speed), the echo guard, and the live progress it reports to the manager.
#pragma once

#include "actors/chat/session.hpp"

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <vector>

namespace otrbot::session_chat {

using session_ptr = session_actor::stateful_pointer<session_state>;

std::shared_ptr<spdlog::logger> log();

/// Says `id` (through the student's catalog): queued for typing; a line already waiting is not
/// queued again.
void say(session_ptr self, i18n::msg id, const i18n::args& extra = {});
/// The catalogs the session speaks from.
const i18n::catalogs& catalogs_of(session_ptr self);
/// Sends raw OTR output to the student's resource.
void send_raw(session_ptr self, const std::vector<std::string>& bodies);
/// Types every waiting line now; and schedules the next one at the typing speed.
void flush_typing(session_ptr self);
void schedule_typing(session_ptr self);
void type_one(session_ptr self);
/// Whether `text` is one of the bot's own latest lines coming back (see session_chat.cpp).
bool is_echo(session_ptr self, const std::string& text);

/// Tells the manager what the student's page shows live, when it changed; and what an OTR
/// event changes there.
void set_live(session_ptr self, live_progress now);
void follow_live(session_ptr self, otr::event e);

/// Defined in session.cpp: sends what libotr produced and runs the lesson events it reported.
void carry_out(session_ptr self, otr::outcome out, bool quiet = false);

} // namespace otrbot::session_chat
