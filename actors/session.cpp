// The session actor.
#include "actors/session.hpp"

#include "actors/logging.hpp"
#include "actors/messages.hpp"

namespace otrbot {

caf::behavior session(caf::stateful_actor<session_state>* self, session_config cfg) {
  self->state.cfg = std::move(cfg);
  return {
    [self](xmpp::inbound_message& m) {
      auto& st = self->state;
      ++st.messages;
      logging::get("session")->debug("message {} from {}", st.messages, st.cfg.jid);
      auto reply = i18n::text(i18n::msg::greeting, st.cfg.locale, st.cfg.format_strings);
      self->send(st.cfg.gateway, xmpp::outbound_message{m.from, std::move(reply)});
    },
  };
}

} // namespace otrbot
