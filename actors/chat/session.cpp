// The session actor: decode, hand to the encrypted conversation and the lesson, carry out the effects.
#include "actors/chat/session.hpp"
#include "actors/chat/session_chat.hpp"
#include "actors/chat/session_effects.hpp"
#include "actors/chat/session_turns.hpp"

#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/contract/timeouts.hpp"
#include "actors/log/logging.hpp"
#include "i18n/mark.hpp"
#include "transport/base/secrets.hpp"
#include "transport/omemo/fingerprint.hpp"
#include "transport/otr/otr_session.hpp"

#include <algorithm>
#include <chrono>

namespace otrbot {
namespace {
using namespace session_chat;
using namespace session_effects;
using session_turns::in_turn;

/// Whether `text` is the shared secret, typed into the chat. Then it is forgotten (it is a
/// secret no more) and the lesson says why that was a mistake (and asks for a new one).
bool typed_the_secret(session_ptr self, const std::string& text) {
  auto& st = self->state;
  if (!st.secret || st.cfg.plan->fingerprint_check)
    return false;
  auto normal = secrets::normalise(text);
  if (!normal || !secrets::constant_time_equal(*normal, *st.secret))
    return false;
  st.secret.reset();
  st.lesson->set_has_secret(false);
  log()->warn("{} typed the shared secret into the chat (its value is never logged): it is forgotten",
              st.cfg.jid);
  handle_event(self, lesson::event::secret_leaked);
  return true;
}

/// What the conversation made of a message from the student: its events, its words.
void received(session_ptr self, e2e::outcome out) {
  auto& st = self->state;
  if (out.plaintext_during_encryption) {
    // The student writes in plaintext while we think the conversation is encrypted: their
    // client lost it (a restart, a new client). Replies they cannot read would be useless:
    // end encryption on our side and go on in plaintext.
    log()->info("{} wrote in plaintext during {}: ending the {} session", st.cfg.jid,
                st.chat->protocol_name(), st.chat->protocol_name());
    auto text = out.text;
    carry_out(self, std::move(out));
    in_turn(self, false, [](e2e::conversation& c) { return c.end(false); },
            [self, text](e2e::outcome ended) {
              carry_out(self, std::move(ended));
              if (text && answered(self, *text) && !typed_the_secret(self, *text))
                handle_event(self, lesson::event::message_received);
            });
    return;
  }
  auto text = out.text;
  // Words that came with the message that began encryption or completed the check (OMEMO has
  // no message without words for either), or from a device the check did not verify: the lines
  // of the step it led to (or the warning) answer them.
  const bool began = std::any_of(out.events.begin(), out.events.end(), [](e2e::event e) {
    return e == e2e::event::started || e == e2e::event::check_passed ||
           e == e2e::event::other_device;
  });
  carry_out(self, std::move(out));
  if (text) {
    if (st.cfg.log_user_msgs)
      log()->info("{} wrote: {}", st.cfg.jid, *text);
    if (!answered(self, *text) || typed_the_secret(self, *text) || began)
      return;
    handle_event(self, lesson::event::message_received);
  }
}

void receive_message(session_ptr self, xmpp::inbound_message& m) {
  auto& st = self->state;
  st.peer = m.from;
  e2e::wire w{std::move(m.body), std::move(m.element)};
  bool costly = st.chat->costly(w);
  in_turn(self, costly, [w = std::move(w)](e2e::conversation& c) { return c.receive(w); },
          [self](e2e::outcome out) { received(self, std::move(out)); });
}

void key_ready(session_ptr self) {
  auto& st = self->state;
  st.key_ready = true;
  session_turns::after_calls(self, [self] {
    auto& s = self->state;
    auto fingerprint = s.chat->fingerprint();
    log()->info("{} key ready for {}: fingerprint {}", s.chat->protocol_name(), s.cfg.jid,
                fingerprint);
    auto live = s.live;
    live.fingerprint = std::move(fingerprint);
    set_live(self, std::move(live));
  });
  while (!st.waiting.empty()) {
    xmpp::inbound_message m{st.peer, std::move(st.waiting.front().body),
                            std::move(st.waiting.front().element)};
    st.waiting.pop_front();
    receive_message(self, m);
  }
}

/// The key from the pool, installed; a key that cannot be installed ends the session.
void install(session_ptr self, const otr_key& k) {
  if (!k.key || !self->state.chat->install_key(k.key->text())) {
    log()->error("no key for {}: ending the session", self->state.cfg.jid);
    self->quit(caf::sec::runtime_error);
    return;
  }
  key_ready(self);
}

/// The student's device fingerprint from the page (the OMEMO lesson): its form is checked; it is
/// public, so neither its strength nor the chat is watched for it.
std::string accept_fingerprint(session_ptr self, const std::string& raw) {
  auto& st = self->state;
  std::string why;
  auto fp = omemo::fingerprint::parse(raw, why);
  if (!fp) {
    handle_event(self, lesson::event::unsafe_secret_received, why);
    return why;
  }
  st.secret = fp->hex();
  st.lesson->set_has_secret(true);
  log()->info("{} gave their device's fingerprint on the page: {}", st.cfg.jid, fp->grouped());
  handle_event(self, lesson::event::secret_received);
  return {};
}

std::string accept_secret(session_ptr self, const std::string& raw) {
  auto& st = self->state;
  if (st.cfg.plan->fingerprint_check)
    return accept_fingerprint(self, raw);
  auto normal = secrets::normalise(raw);
  if (!normal) {
    handle_event(self, lesson::event::unsafe_secret_received, N_("it is not valid text"));
    return N_("it is not valid text");
  }
  if (auto weak = secrets::weakness(*normal)) {
    handle_event(self, lesson::event::unsafe_secret_received, *weak);
    return *weak;
  }
  st.secret = std::move(*normal);
  st.lesson->set_has_secret(true);
  log()->info("{} gave a strong shared secret on the page (its value is never logged)", st.cfg.jid);
  if (st.live.check == "failed" || st.live.check == "aborted") {
    auto live = st.live;  // that check was about the old secret: the page no longer says it
    live.check.clear();
    set_live(self, std::move(live));
  }
  handle_event(self, lesson::event::secret_received);
  return {};
}

/// The session's start: its encrypted conversation and the lesson of its plan, what a restart
/// changed, the default secret, and its key from the key pool.
void begin(session_ptr self) {
  auto& st = self->state;
  st.born = std::chrono::steady_clock::now().time_since_epoch().count();
  st.chat = st.cfg.open ? st.cfg.open(st.cfg.account, st.cfg.jid)
                        : std::make_unique<otr::session>(st.cfg.account, st.cfg.jid,
                                                         logging::get("otr"));
  st.lesson = std::make_unique<lesson::lesson>(*st.cfg.plan, st.cfg.lesson, secrets::system_random);
  if (st.cfg.finished == completion::before)
    st.lesson->resume_completed();  // the student finished before this session: nothing to say
  else if (st.cfg.finished == completion::now)
    run_effects(self, st.lesson->handle(lesson::event::code_accepted));  // typed while no session ran
  if (st.cfg.manager)  // the manager learns each step from the lesson, the first one too
    self->send(st.cfg.manager, atoms::step_reached_v, st.cfg.jid,
               st.lesson->runs().describe(st.lesson->at()));
  if (st.cfg.restarted) {
    // The student was mid-lesson when the bot restarted: say what that changed.
    log()->info("{} was at {} before the restart: telling them how to go on", st.cfg.jid,
                st.cfg.restarted->step);
    const bool omemo = st.cfg.plan->fingerprint_check;  // its keys outlive a restart
    say(self, omemo ? i18n::msg::restarted_omemo : i18n::msg::restarted);
    if (st.cfg.restarted->code_valid)
      say(self, i18n::msg::restarted_code);
    else if (!omemo && st.cfg.restarted->had_secret && st.cfg.default_secret.empty())
      say(self, i18n::msg::restarted_secret);
  }
  if (!st.cfg.default_secret.empty())
    if (auto normal = secrets::normalise(st.cfg.default_secret)) {
      st.secret = *normal;
      st.lesson->set_has_secret(true);
    }
  // A key comes from the key pool (OTR keys, made ahead on other threads), never made here:
  // from its stock at once while one is ready (the pool is told, and makes another), else
  // the next one made.
  if (!st.chat->needs_key()) {
    key_ready(self);
  } else if (auto ready = st.cfg.key_pool && st.cfg.keys ? st.cfg.keys->take() : std::nullopt) {
    self->send(st.cfg.key_pool, atoms::key_taken_v);
    install(self, *ready);
  } else if (st.cfg.key_pool) {
    self->request(st.cfg.key_pool, caf::infinite, atoms::take_key_v)
      .then(
        [self](otr_key& k) { install(self, k); },
        [self](caf::error& err) {
          log()->error("no key for {}: {}", self->state.cfg.jid, caf::to_string(err));
          self->quit(err);
        });
  } else if (auto key = otr::make_key(st.cfg.account); key && st.chat->install_key(key->text())) {
    key_ready(self);  // tests without a pool: made here, at once
  }
}

/// A message from the student: the first one starts the lesson; protocol traffic waits for the key.
void on_message(session_ptr self, xmpp::inbound_message& m) {
  auto& s = self->state;
  bool first = s.peer.empty();
  s.peer = m.from;
  // Which program each of the student's resources is (the steps are in its words).
  if (s.cfg.gateway && s.client_asked.size() < 8 && s.client_asked.insert(m.from).second)
    self->send(s.cfg.gateway, xmpp::software_query{m.from});
  if (first)
    run_effects(self, s.lesson->start({s.cfg.restarted.has_value(), s.chat->is_traffic({m.body, m.element})}));
  // Plaintext needs no key; protocol traffic (and, to keep the order, all that
  // follows it) waits until the key is ready.
  if (!s.key_ready && (!s.waiting.empty() || s.chat->is_traffic({m.body, m.element}))) {
    s.waiting.push_back({std::move(m.body), std::move(m.element)});
    return;
  }
  receive_message(self, m);
}

/// Which program the student uses (XEP-0092, XEP-0115): the steps come in its words.
void on_software(session_ptr self, xmpp::inbound_software& software) {
  auto profile = clients::identify(software.name, software.caps_node);
  if (profile.id == clients::client::generic || profile.name == self->state.live.client)
    return;  // unknown (the generic steps stay), or known already (caps, then version)
  log()->info("{} uses {}", self->state.cfg.jid, profile.name);
  auto live = self->state.live;  // the page and the teacher view say which program
  live.client = profile.name;
  set_live(self, std::move(live));
  run_effects(self, self->state.lesson->client_known(profile));

}

/// The timeout is near: the warning, in seconds or minutes.
void warn(session_ptr self, std::int64_t seconds) {
  self->state.warned = true;
  auto words = words_for(static_cast<long>(seconds));
  if (words.in_seconds)
    say(self, i18n::msg::timeout_warning_seconds, {{"seconds", std::to_string(words.value)}});
  else
    say(self, i18n::msg::timeout_warning, {{"minutes", std::to_string(words.value)}});

}

/// The student's resource went offline: an encrypted conversation with it ends, quietly.
void offline(session_ptr self, const std::string& full_jid) {
  auto& s = self->state;
  if (full_jid != s.peer || !s.view.encrypted)
    return;
  // Replies encrypted in this conversation would be unreadable when
  // the student comes back: end it now, quietly.
  log()->info("{} went offline: ending the {} session", s.cfg.jid, s.chat->protocol_name());
  s.speech.drop_waiting();
  in_turn(self, false, [](e2e::conversation& c) { return c.end(false); },
          [self](e2e::outcome out) { carry_out(self, std::move(out), true); });

}

} // namespace

session_actor::behavior_type session(session_actor::stateful_pointer<session_state> self,
                                     session_config cfg) {
  self->state.cfg = std::move(cfg);
  begin(self);
  return {
    [self](xmpp::inbound_message& m) { on_message(self, m); },
    [self](xmpp::inbound_software& software) { on_software(self, software); },
    [self](xmpp::inbound_pep& p) {
      in_turn(self, false,
              [node = std::move(p.node), xml = std::move(p.payload_xml)](e2e::conversation& c) {
                return c.found(node, xml);
              },
              [self](e2e::outcome out) { carry_out(self, std::move(out)); });
    },
    [self](atoms::set_secret, const std::string& secret) -> caf::result<bool> {
      auto refused = accept_secret(self, secret);
      if (refused.empty())
        return true;
      return make_error(ec::weak_secret, refused);
    },
    [self](atoms::warn, std::int64_t seconds) { warn(self, seconds); },
    [self](atoms::code_accepted) { handle_event(self, lesson::event::code_accepted); },
    [self](atoms::sign_out, bool goodbye) {
      // The goodbye goes out before the manager removes the roster item, and
      // it is the last line: ending encryption sends only its disconnect message
      // (the lesson is over, it explains nothing more).
      if (goodbye)
        say(self, i18n::msg::signed_out);
      flush_typing(self);
      in_turn(self, false, [](e2e::conversation& c) { return c.end(true); },
              [self](e2e::outcome out) { send_raw(self, out.to_send); });
      return true;
    },
    [self](atoms::offline, const std::string& full_jid) { offline(self, full_jid); },
    [self](atoms::type_next) {
      self->state.typing_scheduled = false;
      type_one(self);
      schedule_typing(self);
    },
    [self](atoms::otr_poll) {
      self->state.poll_scheduled = false;
      in_turn(self, false, [](e2e::conversation& c) { return c.poll(); },
              [self](e2e::outcome out) { carry_out(self, std::move(out)); });
    },
  };
}

} // namespace otrbot
