// Internal to the session actor: the words of its lines, the echo guard's verdict on what comes
// in, the raw protocol output it sends, and the live progress it reports to the manager. It calls
// nothing back in session.cpp.
#pragma once

#include "actors/chat/session.hpp"

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <vector>

namespace otrbot::session_chat {

using session_ptr = session_actor::stateful_pointer<session_state>;

std::shared_ptr<spdlog::logger> log();

/// The line `id` in the student's language, with the session's names and `extra` filled in.
std::string line_of(session_ptr self, i18n::msg id, const i18n::args& extra = {});

/// The catalogs the session speaks from.
const i18n::catalogs& catalogs_of(session_ptr self);

/// Sends raw protocol output to the student's resource.
void send_raw(session_ptr self, const std::vector<e2e::wire>& messages);

/// Whether the student's `text` is answered: not when it is the bot's own lines coming back
/// (an echo bot, a chat room), from the third in a row on (voice::hear); logged.
bool answered(session_ptr self, const std::string& text);

/// Tells the manager what the student's page shows live, when it changed; and what a conversation
/// event changes there.
void set_live(session_ptr self, live_progress now);
void follow_live(session_ptr self, e2e::event e);

/// Tells the manager (and the log) the lesson's new step, by the names of the student's plan.
void report(session_ptr self, const lesson::status& change);

/// Schedules the conversation's periodic clean-up (its poll_interval), once at a time.
void schedule_poll(session_ptr self);

} // namespace otrbot::session_chat
