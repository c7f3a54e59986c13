#include "actors/chat/session_chat.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"

#include <algorithm>

namespace otrbot::session_chat {

std::shared_ptr<spdlog::logger> log() { return logging::get("session"); }

namespace {
/// The most lines waiting to be typed (a lesson step has at most a few).
constexpr std::size_t max_typing_queue = 16;
} // namespace

/// Tells the manager what the student's page shows live, when it changed.
void set_live(session_ptr self, live_progress now) {
  auto& st = self->state;
  if (now == st.live)
    return;
  st.live = std::move(now);
  if (st.cfg.manager)
    self->send(st.cfg.manager, atoms::live_changed_v, st.cfg.jid, st.live);
}

/// What an OTR event changes on the student's page: encryption and the authentication's state.
void follow_live(session_ptr self, otr::event e) {
  auto live = self->state.live;
  using otr::event;
  switch (e) {
    case event::otr_enabled: live.encrypted = true; live.smp.clear(); break;  // new keys
    case event::otr_already_setup: live.encrypted = true; break;
    case event::otr_disabled: live.encrypted = false; live.smp.clear(); break;
    case event::smp_started:
    case event::smp_question_used: live.smp = "running"; break;
    case event::smp_aborted:  // an abort after a finished check (some clients send one) is no news
      if (live.smp != "failed" && live.smp != "succeeded")
        live.smp = "aborted";
      break;
    case event::correct_secret_received: live.smp = "succeeded"; break;
    case event::incorrect_secret_received: live.smp = "failed"; break;
  }
  set_live(self, std::move(live));
}

void send_raw(session_ptr self, const std::vector<std::string>& bodies) {
  auto& st = self->state;
  auto to = st.peer.empty() ? st.cfg.jid : st.peer;
  for (const auto& b : bodies)
    self->send(st.cfg.gateway, xmpp::outbound_message{to, b});
}

/// Sends the first waiting line through OTR (encrypted when OTR is on).
void type_one(session_ptr self) {
  auto& st = self->state;
  if (st.typing.empty())
    return;
  auto line = std::move(st.typing.front());
  st.typing.pop_front();
  if (line.is_private) {
    bool sent = false;
    auto out = st.otr->send_private(line.text, line.session_id, sent);
    if (sent)
      log()->info("sent the code to {} over the verified OTR session", st.cfg.jid);
    carry_out(self, std::move(out));
  } else {
    carry_out(self, st.otr->send(line.text));
  }
}

void schedule_typing(session_ptr self) {
  auto& st = self->state;
  if (st.typing_scheduled || st.typing.empty())
    return;
  if (!st.cfg.scheduled_msg_say) {
    while (!st.typing.empty())
      type_one(self);
    return;
  }
  // A person types: the next line appears after its length / type_speed.
  auto chars = static_cast<std::int64_t>(st.typing.front().text.size());
  auto ms = std::max<std::int64_t>(200, chars * 1000 / std::max<std::int64_t>(1, st.cfg.type_speed));
  st.typing_scheduled = true;
  self->delayed_send(self, std::chrono::milliseconds{ms}, atoms::type_next_v);
}

const i18n::catalogs& catalogs_of(session_ptr self) {
  return self->state.cfg.catalogs ? *self->state.cfg.catalogs : i18n::source_only();
}

void say(session_ptr self, i18n::msg id, const i18n::args& extra) {
  auto& st = self->state;
  auto args = st.cfg.format_strings;
  for (const auto& [k, v] : extra)
    args[k] = v;
  // A reason (why a secret was refused) is itself a message to translate.
  if (auto r = args.find("reason"); r != args.end())
    r->second = catalogs_of(self).text(st.cfg.locale, r->second);
  auto line = i18n::text(catalogs_of(self), id, st.cfg.locale, args);
  st.said.push_back(line);
  if (st.said.size() > 16)
    st.said.pop_front();
  // A line still waiting to be typed is not queued twice (twenty messages in
  // a row get one reminder, not twenty minutes of typing), and the queue is
  // bounded whatever happens.
  bool waiting = std::any_of(st.typing.begin(), st.typing.end(),
                             [&line](const typed_line& t) { return t.text == line; });
  if (waiting || st.typing.size() >= max_typing_queue) {
    log()->debug("{}: a line is not queued again ({} waiting)", st.cfg.jid, st.typing.size());
    return;
  }
  st.typing.push_back({std::move(line), false, {}});
  schedule_typing(self);
}

/// Whether `text` is one of our own latest lines coming back. Three in a
/// row mean an echo (a bot that repeats, a chat room): the session answers
/// none of them, so that two programs never talk to each other forever; the
/// first line that is not an echo is answered again.
bool is_echo(session_ptr self, const std::string& text) {
  auto& st = self->state;
  bool echo = std::find(st.said.begin(), st.said.end(), text) != st.said.end();
  if (!echo) {
    if (st.echoes >= 3)
      log()->info("{} wrote something of their own again: answered again", st.cfg.jid);
    st.echoes = 0;
    return false;
  }
  if (++st.echoes == 3) {
    log()->warn("{} sent the bot's own lines back three times (an echo bot or a chat room?): "
                "not answered while that goes on",
                st.cfg.jid);
    // The answers to the echoes still waiting to be typed go too (not the code).
    std::erase_if(st.typing, [](const typed_line& t) { return !t.is_private; });
  }
  return st.echoes >= 3;
}

void flush_typing(session_ptr self) {
  while (!self->state.typing.empty())
    type_one(self);
}

} // namespace otrbot::session_chat
