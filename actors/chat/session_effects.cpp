// The session's lesson effects: lines typed as a person types, the check's steps, the code over
// the verified conversation, and the conversation's outcomes carried out (see session_effects.hpp).
#include "actors/chat/session_effects.hpp"
#include "actors/chat/session_chat.hpp"
#include "actors/chat/session_turns.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"

#include <memory>
#include <utility>

namespace otrbot::session_effects {
namespace {
using namespace session_chat;
using session_turns::in_turn;

/// A step of the check of identities (SMP's arithmetic for OTR), in turn.
void check(session_ptr self, session_turns::call fn) {
  in_turn(self, self->state.chat->costly_checks(), std::move(fn),
          [self](e2e::outcome out) { carry_out(self, std::move(out)); });
}

} // namespace

void type_one(session_ptr self) {
  auto& st = self->state;
  auto line = st.speech.next();
  if (!line)
    return;
  if (line->is_private) {
    auto sent = std::make_shared<bool>(false);
    in_turn(
      self, false,
      [line = *line, sent](e2e::conversation& c) { return c.send_private(line.text, line.session_id, *sent); },
      [self, sent](e2e::outcome out) {
        if (*sent)
          log()->info("sent the code to {} over the verified {} conversation", self->state.cfg.jid,
                      self->state.chat->protocol_name());
        carry_out(self, std::move(out));
      });
  } else {
    in_turn(self, false, [text = line->text](e2e::conversation& c) { return c.send(text); },
            [self](e2e::outcome out) { carry_out(self, std::move(out)); });
  }
}

void flush_typing(session_ptr self) {
  while (self->state.speech.waiting())
    type_one(self);
}

void schedule_typing(session_ptr self) {
  auto& st = self->state;
  if (st.typing_scheduled || !st.speech.waiting())
    return;
  if (!st.cfg.scheduled_msg_say) {
    flush_typing(self);
    return;
  }
  st.typing_scheduled = true;
  self->delayed_send(self, st.speech.typing_time(st.cfg.type_speed), atoms::type_next_v);
}

void say(session_ptr self, i18n::msg id, const i18n::args& extra) {
  auto& st = self->state;
  if (!st.speech.say(line_of(self, id, extra)))
    log()->debug("{}: a line is not queued again (lines are waiting)", st.cfg.jid);
  schedule_typing(self);
}

void carry_out(session_ptr self, e2e::outcome out, bool quiet) {
  auto& st = self->state;
  if (!quiet)
    send_raw(self, out.to_send);
  if (st.cfg.gateway)
    for (auto& node : out.lookups)
      self->send(st.cfg.gateway, xmpp::pep_query{st.cfg.jid, std::move(node)});
  for (auto e : out.events) {
    follow_live(self, e);
    if (e == e2e::event::check_passed)
      st.verified_channel = st.view.channel;  // as the call that passed the check left it
    // Lines still waiting to be typed were meant for the encrypted
    // conversation: they do not go out in plaintext once it has ended.
    if (e == e2e::event::ended)
      st.speech.drop_waiting();
    if (quiet) {
      // The student is gone: nothing is said, and the step they will see on
      // the page stays the last one reported (after the code was sent, that
      // is "type the code", which stays valid). Issue 14 revisits this.
      st.lesson->handle(e);
      continue;
    }
    handle_event(self, lesson::of(e));
  }
  schedule_poll(self);
}

void run_effects(session_ptr self, std::vector<lesson::effect> effects) {
  auto& st = self->state;
  for (auto& fx : effects) {
    if (auto* s = std::get_if<lesson::say>(&fx)) {
      say(self, s->id, s->args);
    } else if (std::holds_alternative<lesson::start_check>(fx)) {
      flush_typing(self);  // the explanation arrives before the check's request
      if (st.secret) {
        auto live = st.live;
        live.check = "running";
        set_live(self, std::move(live));
        check(self, [secret = *st.secret](e2e::conversation& c) { return c.start_check(secret); });
      }
    } else if (std::holds_alternative<lesson::answer_check>(fx)) {
      if (st.secret)
        check(self, [secret = *st.secret](e2e::conversation& c) { return c.answer_check(secret); });
      else
        check(self, [](e2e::conversation& c) { return c.abort_check(); });
    } else if (std::holds_alternative<lesson::abort_check>(fx)) {
      check(self, [](e2e::conversation& c) { return c.abort_check(); });
    } else if (auto* c = std::get_if<lesson::send_code>(&fx)) {
      auto args = st.cfg.format_strings;
      args["code"] = c->code;
      st.speech.say_private(i18n::text(catalogs_of(self), i18n::msg::your_code, st.cfg.locale, args),
                            st.verified_channel);
      schedule_typing(self);
      // Kept (as an HMAC) so the code can be checked after a restart too.
      if (st.cfg.manager)
        self->send(st.cfg.manager, atoms::code_sent_v, st.cfg.jid, c->code);
    } else if (auto* change = std::get_if<lesson::status>(&fx)) {
      report(self, *change);
    } else if (std::holds_alternative<lesson::completed>(fx)) {
      log()->info("{} completed the lesson", st.cfg.jid);
      if (st.cfg.manager)
        self->send(st.cfg.manager, atoms::completed_v, st.cfg.jid);
    }
  }
}

void handle_event(session_ptr self, lesson::event event, const std::string& detail) {
  auto& st = self->state;
  bool refresh = lesson::refreshes_session(event);
  if (refresh && st.warned) {
    // After a warning, a sign of life is acknowledged before anything else is said.
    st.warned = false;
    say(self, i18n::msg::session_refreshed);
  }
  auto effects = st.lesson->handle(event, detail);
  if (refresh && st.cfg.manager)
    self->send(st.cfg.manager, atoms::activity_v, st.cfg.jid);
  run_effects(self, std::move(effects));
}

} // namespace otrbot::session_effects
