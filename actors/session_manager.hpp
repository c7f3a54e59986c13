// The session manager: whitelist, subscriptions, and one session actor per student.
#pragma once

#include "actors/session.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>
#include <map>
#include <string>

namespace otrbot {

/// Starts a session actor for the manager; tests put in their own.
using session_factory = std::function<caf::actor(caf::event_based_actor* self, session_config)>;

struct session_manager_config {
  std::map<std::string, std::string> whitelist;  ///< bare JID -> locale
  std::string default_locale = "en_GB";
  i18n::args format_strings;
  session_factory spawn_session;  ///< empty: the real session actor
};

struct session_manager_state {
  static constexpr const char* name = "session_manager";
  session_manager_config cfg;
  caf::actor gateway;
  std::map<std::string, caf::actor> sessions;      ///< bare JID -> session
  std::map<caf::actor_addr, std::string> owners;   ///< session -> bare JID
};

/// Receives what the gateway hears, answers only whitelisted JIDs, starts a
/// session lazily on a student's first message, and survives a session that
/// fails (it is logged and forgotten; the next message starts a new one).
caf::behavior session_manager(caf::stateful_actor<session_manager_state>* self,
                              session_manager_config cfg);

} // namespace otrbot
