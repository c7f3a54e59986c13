// One student's session: an actor per whitelisted JID (the lesson comes with its own issue).
#pragma once

#include "i18n/text.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <string>

namespace otrbot {

struct session_config {
  std::string jid;     ///< the student's bare JID
  std::string locale;  ///< the student's language
  caf::actor gateway;  ///< where replies go
  i18n::args format_strings;
};

struct session_state {
  static constexpr const char* name = "session";
  session_config cfg;
  int messages = 0;
};

/// Answers a whitelisted student's messages. For now: a greeting that says
/// what the bot is, sent back to the resource the student wrote from.
caf::behavior session(caf::stateful_actor<session_state>* self, session_config cfg);

} // namespace otrbot
