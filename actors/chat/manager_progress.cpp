// The session manager's progress records.
#include "actors/chat/manager_progress.hpp"

#include "actors/chat/manager_sessions.hpp"
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/store/store_db.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/xmpp/jid.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace otrbot::manager_progress {

using manager_sessions::session_for;

namespace {

std::shared_ptr<spdlog::logger> log() { return logging::get("manager"); }


} // namespace

namespace {

/// The completion in memory, the grade keeper told, and (`tell_session`) the student's running
/// session, so that they read the congratulation: once it is stored (or there is no store).
void completed_now(manager_ptr self, const std::string& jid, const std::string& how,
                   bool tell_session) {
  auto& st = self->state;
  bool first = st.progress.complete(jid);
  if (first)
    log()->info("{} completed the exercise ({})", jid, how);
  // The grade keeper sends the grade of a graded launch, once per launch (also a launch made
  // after an earlier completion).
  if (st.cfg.grades)
    self->send(st.cfg.grades, atoms::completed_v, jid);
  if (!first || !tell_session)
    return;
  if (auto it = st.sessions.find(jid); it != st.sessions.end())
    self->send(it->second.actor, atoms::code_accepted_v);
  else if (st.cfg.whitelist.contains(jid))
    session_for(self, jid, completion::now);
}

} // namespace

void complete(manager_ptr self, const std::string& jid, const std::string& how) {
  auto& st = self->state;
  if (st.cfg.store && !st.progress.completed(jid))
    self->request(st.cfg.store, caf::infinite, atoms::st_done_v, jid, how)
      .then([](bool) {},
            [jid](caf::error& e) {  // kept by the store and retried until it is on disk
              log()->error("the completion of {} is not on disk yet: {}", jid, caf::to_string(e));
            });
  completed_now(self, jid, how, false);
}

void completion_stored(manager_ptr self, const std::string& jid) {
  if (!self->state.progress.completed(jid))
    completed_now(self, jid, "the code on the page, stored after a retry", true);
}

bool stored_code_matches(manager_ptr self, const std::string& jid, const std::string& code) {
  auto& st = self->state;
  return st.progress.code_went_out(jid) &&
         st.progress.code_matches(jid, store::code_mac(st.cfg.code_key, code));
}

void restore(session_manager_state& st) {
  for (const auto& s : st.cfg.restored) {
    if (s.removed || s.jid == st.cfg.session_defaults.account)
      continue;
    st.cfg.whitelist[s.jid] = s.locale;
    if (s.source != store::whitelist_source::config)
      st.source_of[s.jid] = s.source;
    if (!s.lesson.empty())
      st.requested_lesson[s.jid] = s.lesson;
    // A step only the OMEMO lesson has: the student took that lesson before the restart.
    if (!s.step.empty() && !lesson_of(st, s.jid).plan->step_named(s.step) &&
        lesson::omemo_plan().step_named(s.step))
      st.omemo_clients.insert(s.jid);
    st.progress.restore(s, *lesson_of(st, s.jid).plan);
  }
  st.cfg.restored.clear();
}

/// When `source` may not add `bare` (a new JID, and the source has its maximum): the setting.
std::optional<std::string> whitelist_full(const session_manager_state& st, const std::string& bare,
                                          store::whitelist_source source) {
  auto limit = st.cfg.max_whitelisted.find(source);
  if (st.cfg.whitelist.contains(bare) || limit == st.cfg.max_whitelisted.end() || limit->second <= 0)
    return std::nullopt;
  auto added = std::count_if(st.source_of.begin(), st.source_of.end(),
                             [&](const auto& entry) { return entry.second == source; });
  if (added < limit->second)
    return std::nullopt;
  auto from = store::name(source);
  log()->warn("{} not whitelisted: {} JIDs from the {} already, the most bot.max_whitelisted_from_{} "
              "allows", bare, added, from, from);
  return "bot.max_whitelisted_from_" + std::string{from} + " = " + std::to_string(limit->second);
}

std::vector<session_info> class_status(const session_manager_state& st,
                                       const std::vector<xmpp::bare_jid>& bare_jids) {
  std::vector<session_info> out;
  for (const auto& b : bare_jids) {
    const auto& jid = b.str();
    session_info info{jid, step_of(st, jid), {}, 0, {}};
    if (auto it = st.sessions.find(jid); it != st.sessions.end() && !st.progress.completed(jid)) {
      info.last_activity = it->second.step_since_unix;  // progress, not chatter
      info.client = it->second.live.client;
    }
    out.push_back(std::move(info));
  }
  return out;
}

live_progress live_of(const session_manager_state& st, const std::string& bare) {
  live_progress out;
  if (auto it = st.sessions.find(bare); it != st.sessions.end())
    out = it->second.live;
  out.step = step_of(st, bare);
  return out;
}

caf::result<bool> set_secret(manager_ptr self, const std::string& bare, const std::string& secret) {
  if (!self->state.cfg.whitelist.contains(bare))
    return make_error(ec::unknown_jid);
  // The session answers true, or ec::weak_secret with the reason.
  auto rp = self->make_response_promise<bool>();
  self->request(session_for(self, bare), std::chrono::seconds{5}, atoms::set_secret_v, secret)
    .then(
      [self, rp, bare](bool ok) mutable {
        self->state.progress.secret_given(bare);
        rp.deliver(ok);
      },
      [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::result<bool> check_code(manager_ptr self, const std::string& bare, const std::string& code) {
  if (stored_code_matches(self, bare, code)) {
    // The code went out over a verified session, perhaps before a
    // restart or before that session ended: it still proves it. The
    // session is told, so that the student reads the congratulation.
    log()->info("{} typed the right code on the page", bare);
    bool running = self->state.sessions.contains(bare);
    std::string how = running ? "the code on the page" : "the code on the page, after the session ended";
    if (!self->state.cfg.store || self->state.progress.completed(bare)) {
      completed_now(self, bare, how, true);
      return true;
    }
    // The page says "done" only once the completion is on disk: a kill -9 after it loses
    // nothing the student was told (the grade follows it, see enqueue_missing_grades).
    auto rp = self->make_response_promise<bool>();
    self->request(self->state.cfg.store, std::chrono::seconds{5}, atoms::st_done_v, bare, how)
      .then(
        [self, rp, bare, how](bool) mutable {
          completed_now(self, bare, how, true);
          rp.deliver(true);
        },
        [rp, bare](caf::error& e) mutable {
          log()->error("the completion of {} could not be stored yet (kept, retried): {}", bare,
                       caf::to_string(e));
          rp.deliver(make_error(ec::not_stored, "the completion is not on disk yet"));
        });
    return rp;
  }
  // Not it. Without a session and without a code ever sent, there is nothing to type yet.
  if (!self->state.progress.code_went_out(bare) && !self->state.sessions.contains(bare))
    return make_error(ec::no_session);
  log()->info("{} typed a wrong code on the page", bare);
  return false;
}

void code_sent(manager_ptr self, const std::string& jid, const std::string& code) {
  auto& st = self->state;
  auto mac = store::code_mac(st.cfg.code_key, code);
  st.progress.code_sent(jid, mac);
  if (st.cfg.store)
    self->send(st.cfg.store, atoms::st_code_v, jid, mac);
}

namespace {

/// A session's move from the step it was at to `next`, for the metrics.
void count_step(const session_entry& e, const lti::step_view& next) {
  auto& m = metrics::bot();
  const bool first = e.step.name.empty();  // the session's first report
  if (!first && e.step.name != next.name)
    m.step_seconds.with({e.step.lesson, e.step.name})
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - e.step_since_steady)
                 .count());
  if (e.step.name == next.name)
    return;
  if (first && next.done)
    return;  // a lesson completed before this session
  if (first)
    m.lessons_started.with({next.lesson}).inc();
  m.steps_reached.with({next.lesson, next.name}).inc();
  if (next.done)
    m.lessons_completed.with({next.lesson}).inc();
}

} // namespace

void step_reached(manager_ptr self, const std::string& jid, const lti::step_view& step) {
  auto& st = self->state;
  if (auto it = st.sessions.find(jid); it != st.sessions.end() && it->second.step != step) {
    count_step(it->second, step);
    it->second.step = step;
    it->second.step_since_unix = unix_now();
    it->second.step_since_steady = std::chrono::steady_clock::now();
  }
  if (st.cfg.store)
    self->send(st.cfg.store, atoms::st_step_v, jid, step.name, st.progress.had_secret(jid));
}

lti::step_view step_of(const session_manager_state& st, const std::string& bare) {
  const auto& plan = *lesson_of(st, bare).plan;
  // A completion stays, across sessions and restarts.
  if (st.progress.completed(bare))
    return plan.describe(lesson::step::completed);
  auto it = st.sessions.find(bare);
  return it == st.sessions.end() ? plan.describe(std::nullopt) : it->second.step;
}

std::vector<session_info> session_list(const session_manager_state& st) {
  std::vector<session_info> out;
  for (const auto& [jid, e] : st.sessions)
    out.push_back({jid, e.step, st.cfg.whitelist.contains(jid)
                                  ? st.cfg.whitelist.at(jid)
                                  : st.cfg.default_locale,
                   e.last_activity_unix, e.live.client});
  return out;
}

} // namespace otrbot::manager_progress
