// The session manager's supervision (see manager_sessions.hpp).
#include "actors/chat/manager_sessions.hpp"

#include "actors/contract/messages.hpp"
#include "actors/contract/timeouts.hpp"
#include "actors/log/logging.hpp"
#include "i18n/text.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/xmpp/jid.hpp"

#include <algorithm>

namespace otrbot::manager_sessions {
namespace {

std::shared_ptr<spdlog::logger> log() { return logging::get("manager"); }

/// The sessions-open gauge, after a session came or went.
void count_open(const session_manager_state& st) {
  metrics::bot().sessions_open.get().set(static_cast<std::int64_t>(st.sessions.size()));
}

/// A session that ends before its lesson is complete leaves it at its step.
void count_abandoned(const session_entry& e) {
  if (!e.step.done && !e.step.name.empty())
    metrics::bot().lessons_abandoned.with({e.step.lesson, e.step.name}).inc();
}

} // namespace

namespace {

void forget(manager_ptr self, const std::string& jid) {
  auto& st = self->state;
  if (auto it = st.sessions.find(jid); it != st.sessions.end()) {
    st.owners.erase(it->second.actor.address());
    self->demonitor(it->second.actor.address());
    self->send_exit(it->second.actor, caf::exit_reason::user_shutdown);
    count_abandoned(it->second);
    st.sessions.erase(it);
    count_open(st);
  }
}

} // namespace

void carry_out(manager_ptr self, const xmpp_actions& actions) {
  auto& gw = self->state.gateway;
  if (!gw)
    return;  // not wired yet: the roster sync after login catches up
  for (const auto& r : actions.roster)
    if (!r.remove)
      self->send(gw, r);
  for (const auto& p : actions.presences)
    self->send(gw, p);
  for (const auto& r : actions.roster)
    if (r.remove)
      self->send(gw, r);
}

std::set<std::string> whitelisted(const session_manager_state& st) {
  std::set<std::string> out;
  for (const auto& [jid, locale] : st.cfg.whitelist)
    out.insert(jid);
  return out;
}

session_actor session_for(manager_ptr self, const std::string& jid, completion done) {
  auto& st = self->state;
  if (auto it = st.sessions.find(jid); it != st.sessions.end())
    return it->second.actor;
  session_config sc = st.cfg.session_defaults;
  sc.jid = jid;
  // The student's language: the best catalog for their whitelist entry.
  const auto& wanted = st.cfg.whitelist.at(jid);
  sc.locale = sc.catalogs ? sc.catalogs->best_match(wanted, st.cfg.default_locale) : wanted;
  sc.gateway = st.gateway;
  sc.manager = caf::actor_cast<session_manager_actor>(self);
  sc.finished = done;
  auto lesson = lesson_of(st, jid);
  sc.plan = lesson.plan;
  sc.open = std::move(lesson.open);
  if (st.progress.completed(jid) && done == completion::no)
    sc.finished = completion::before;
  // Told once, by the first session after the restart (nothing when the lesson is done).
  if (auto notice = st.progress.take_restart_notice(jid, sc.finished != completion::no))
    sc.restarted = restart_notice{notice->step, notice->had_secret, notice->code_valid};
  auto s = st.cfg.spawn_session(self->system(), std::move(sc));
  self->monitor(s);
  st.sessions.emplace(jid, session_entry{s, self->clock().now(), unix_now(), false, false, false,
                                         {}, unix_now(), {}});
  st.owners.emplace(s.address(), jid);
  count_open(st);
  log()->info("session started for {}", jid);
  return s;
}

void terminate(manager_ptr self, const std::string& jid, const char* why, bool removal_stored,
               bool goodbye) {
  auto& st = self->state;
  auto locale = st.cfg.whitelist.contains(jid) ? st.cfg.whitelist.at(jid) : st.cfg.default_locale;
  const auto& cats = st.cfg.session_defaults.catalogs ? *st.cfg.session_defaults.catalogs
                                                     : i18n::source_only();
  auto status = i18n::text(cats, i18n::msg::signed_out, locale, st.cfg.session_defaults.format_strings);
  auto finish = [self, jid, status, why, removal_stored] {
    forget(self, jid);
    self->state.cfg.whitelist.erase(jid);
    self->state.source_of.erase(jid);
    self->state.progress.forget(jid);
    if (self->state.cfg.grades)
      self->send(self->state.cfg.grades, atoms::grade_gone_v, jid);
    self->state.rates.erase(jid);
    self->state.claims.forget(jid);
    self->state.omemo_clients.erase(jid);
    self->state.requested_lesson.erase(jid);
    if (self->state.cfg.forget_student)
      self->state.cfg.forget_student(jid);
    std::erase_if(self->state.online,
                  [&jid](const std::string& full) { return xmpp::bare_of(full) == jid; });
    if (self->state.cfg.store && !removal_stored)
      self->request(self->state.cfg.store, caf::infinite, atoms::st_del_wl_v, jid)
        .then([](bool) {}, [jid](caf::error& e) {
          log()->error("the removal of {} was not stored: {}", jid, caf::to_string(e));
        });
    carry_out(self, farewell(jid, status));
    log()->info("session of {} ended ({}); removed from the roster and the whitelist", jid, why);
  };
  auto it = st.sessions.find(jid);
  if (it == st.sessions.end()) {
    finish();
    return;
  }
  if (it->second.ending)
    return;
  it->second.ending = true;
  self->request(it->second.actor, std::chrono::seconds{10}, atoms::sign_out_v, goodbye)
    .then([finish](bool) { finish(); }, [finish](caf::error&) { finish(); });
}

bool end_if_running(manager_ptr self, const std::string& bare, const char* why) {
  if (!self->state.sessions.contains(bare))
    return false;
  terminate(self, bare, why);
  return true;
}

void check_timeouts(manager_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  std::vector<std::string> ending;
  std::vector<std::string> finished;  // completed: ended without a warning or a goodbye
  std::int64_t stuck = 0;
  for (auto& [jid, entry] : st.sessions) {
    if (entry.ending)
      continue;
    auto idle = std::chrono::duration_cast<std::chrono::seconds>(now - entry.last_activity);
    if (!st.progress.completed(jid) && idle >= st.cfg.stuck_after)
      ++stuck;
    if (st.progress.completed(jid)) {
      if (idle >= st.cfg.session_timeout)
        finished.push_back(jid);
      else if (idle >= st.cfg.warning_timeout && !entry.warned) {
        entry.warned = true;  // (so that activity is not acknowledged either)
        log()->info("{} is idle but has completed the lesson: not warned", jid);
      }
      continue;
    }
    switch (check_timeout(idle, entry.warned, st.cfg.warning_timeout, st.cfg.session_timeout)) {
      case timeout_action::warn:
        entry.warned = true;
        log()->info("warning {}: idle for {} s", jid, idle.count());
        self->send(entry.actor, atoms::warn_v,
                   static_cast<std::int64_t>(seconds_left(idle, st.cfg.session_timeout)));
        break;
      case timeout_action::end: ending.push_back(jid); break;
      case timeout_action::none: break;
    }
  }
  metrics::bot().students_stuck.get().set(stuck);
  for (const auto& jid : ending)
    terminate(self, jid, "inactive");
  for (const auto& jid : finished)
    terminate(self, jid, "completed, then inactive", false, false);
}

void to_session(manager_ptr self, const std::string& bare, xmpp::inbound_message m) {
  if (self->state.online.insert(m.from).second)
    carry_out(self, {{}, {{m.from, "available", ""}}});
  auto session = session_for(self, bare);
  self->state.sessions.at(bare).heard = true;
  self->send(session, std::move(m));
}

namespace {

/// The student's lesson may have changed: a session still at the first step of another lesson
/// is replaced (quietly: nothing of it reached the student beyond its first step's words).
void choose_again(manager_ptr self, const std::string& bare) {
  auto& st = self->state;
  auto choice = lesson_of(st, bare);
  auto it = st.sessions.find(bare);
  if (it == st.sessions.end() || it->second.step.lesson == choice.plan->id || it->second.ending)
    return;
  if (it->second.step.number > 1) {
    log()->info("{} is past step 1 of the {} lesson: it goes on in it", bare,
                it->second.step.lesson);
    return;
  }
  log()->info("{}: the {} lesson replaces the {} one (its program, or its course, chose it)",
              bare, choice.plan->id, it->second.step.lesson);
  auto old = it->second.actor;
  st.owners.erase(old.address());
  st.sessions.erase(it);  // (a lesson replaced at its first step: not abandoned)
  self->demonitor(old.address());
  self->send_exit(old, caf::exit_reason::user_shutdown);
  session_for(self, bare);
}

} // namespace

void omemo_client(manager_ptr self, const std::string& bare) {
  if (self->state.omemo_clients.insert(bare).second)
    choose_again(self, bare);
}

void lesson_requested(manager_ptr self, const std::string& bare, const std::string& lesson) {
  auto& st = self->state;
  auto it = st.requested_lesson.find(bare);
  if (it == st.requested_lesson.end() ? lesson.empty() : it->second == lesson)
    return;
  if (lesson.empty())
    st.requested_lesson.erase(bare);
  else
    st.requested_lesson[bare] = lesson;
  if (st.cfg.store)
    self->send(st.cfg.store, atoms::st_lesson_v, bare, lesson);
  log()->info("{}'s course chose the {} lesson", bare, lesson.empty() ? "auto" : lesson);
  choose_again(self, bare);
}

void session_down(manager_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto it = st.owners.find(dm.source);
  if (it == st.owners.end())
    return;
  auto jid = it->second;
  st.owners.erase(it);
  if (auto s = st.sessions.find(jid); s != st.sessions.end()) {
    count_abandoned(s->second);
    st.sessions.erase(s);
  }
  count_open(st);
  if (dm.reason)
    log()->error("the session for {} failed and was removed: {}", jid, caf::to_string(dm.reason));
  else
    log()->info("the session for {} ended", jid);

}

void note_activity(manager_ptr self, const std::string& jid) {
  auto it = self->state.sessions.find(jid);
  if (it == self->state.sessions.end())
    return;
  it->second.last_activity = self->clock().now();
  it->second.last_activity_unix = unix_now();
  it->second.warned = false;  // (the session acknowledges it to the student itself)

}

void stop(manager_ptr self) {
  auto& st = self->state;
  log()->info("shutting down: ending {} session(s) now", st.sessions.size());
  for (auto& [jid, entry] : st.sessions) {
    self->demonitor(entry.actor.address());
    self->send_exit(entry.actor, caf::exit_reason::kill);
  }
  st.sessions.clear();
  st.owners.clear();
  count_open(st);
  self->quit();

}

} // namespace otrbot::manager_sessions
