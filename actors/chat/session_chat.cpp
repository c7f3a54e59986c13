#include "actors/chat/session_chat.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"

#include <algorithm>

namespace otrbot::session_chat {

std::shared_ptr<spdlog::logger> log() { return logging::get("session"); }

namespace {

/// The shared-secret checks' outcomes, for the metrics.
void count_check(e2e::event e) {
  const char* result = e == e2e::event::check_passed   ? "succeeded"
                       : e == e2e::event::check_failed  ? "failed"
                       : e == e2e::event::check_aborted ? "aborted"
                                                        : nullptr;
  if (result)
    metrics::bot().smp_outcomes.with({result}).inc();
}

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

/// What a conversation's event changes on the student's page: encryption and the check's state
/// (and the metrics: the shared-secret checks' outcomes).
void follow_live(session_ptr self, e2e::event e) {
  count_check(e);
  auto live = self->state.live;
  using e2e::event;
  switch (e) {
    case event::started: live.encrypted = true; live.check.clear(); break;  // new keys
    case event::refreshed: live.encrypted = true; break;
    case event::ended: live.encrypted = false; live.check.clear(); break;
    case event::check_started:
    case event::check_question: live.check = "running"; break;
    case event::check_aborted:  // an abort after a finished check (some clients send one) is no news
      if (live.check != "failed" && live.check != "succeeded")
        live.check = "aborted";
      break;
    case event::check_passed: live.check = "succeeded"; break;
    case event::check_failed: live.check = "failed"; break;
    case event::other_device:  // the verified device is still the one
    case event::unreadable: break;
  }
  set_live(self, std::move(live));
}

void send_raw(session_ptr self, const std::vector<e2e::wire>& messages) {
  auto& st = self->state;
  auto to = st.peer.empty() ? st.cfg.jid : st.peer;
  for (const auto& m : messages)
    self->send(st.cfg.gateway, xmpp::outbound_message{to, m.body, m.element});
}

const i18n::catalogs& catalogs_of(session_ptr self) {
  return self->state.cfg.catalogs ? *self->state.cfg.catalogs : i18n::source_only();
}

std::string line_of(session_ptr self, i18n::msg id, const i18n::args& extra) {
  auto& st = self->state;
  auto args = st.cfg.format_strings;
  for (const auto& [k, v] : extra)
    args[k] = v;
  // A reason (why a secret was refused) is itself a message to translate.
  if (auto r = args.find("reason"); r != args.end())
    r->second = catalogs_of(self).text(st.cfg.locale, r->second);
  return i18n::text(catalogs_of(self), id, st.cfg.locale, args);
}

bool answered(session_ptr self, const std::string& text) {
  auto& st = self->state;
  switch (st.speech.hear(text)) {
    case voice::heard::words: return true;
    case voice::heard::words_again:
      log()->info("{} wrote something of their own again: answered again", st.cfg.jid);
      return true;
    case voice::heard::echo_now:
      log()->warn("{} sent the bot's own lines back three times (an echo bot or a chat room?): "
                  "not answered while that goes on",
                  st.cfg.jid);
      return false;
    case voice::heard::echo: return false;
  }
  return false;
}

void report(session_ptr self, const lesson::status& change) {
  auto& st = self->state;
  const auto& plan = st.lesson->runs();  // the plan it was made with
  log()->info("{}: {} -> {} ({})", st.cfg.jid, plan.name(change.from), plan.name(change.to),
              plan.name(change.cause));
  if (st.cfg.manager)
    self->send(st.cfg.manager, atoms::step_reached_v, st.cfg.jid, plan.describe(change.to));
}

void schedule_poll(session_ptr self) {
  auto& st = self->state;
  auto interval = st.view.poll_interval;
  if (interval > 0 && !st.poll_scheduled) {
    st.poll_scheduled = true;
    self->delayed_send(self, std::chrono::seconds{interval}, atoms::otr_poll_v);
  }
}

} // namespace otrbot::session_chat
