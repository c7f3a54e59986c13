// The grade keeper (see grade_keeper.hpp and grade_keeper_actor).
#include "actors/lms/grade_keeper.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "transport/base/unix_time.hpp"

namespace otrbot {
namespace {

std::shared_ptr<spdlog::logger> log() { return logging::get("grades"); }

using keeper_ptr = grade_keeper_actor::stateful_pointer<grade_keeper_state>;

/// `jid` completed: the grade of its launch into the outbox (once on disk), then to the sender.
void send_grade(keeper_ptr self, const std::string& jid) {
  auto& st = self->state;
  auto it = st.targets.find(jid);
  if (it == st.targets.end() || !st.cfg.outcomes) {
    log()->info("{} completed: no grade to send (not a graded learner launch, or sent already)",
                 jid);
    return;
  }
  store::grade g;
  g.jid = jid;
  g.target = it->second.target;
  g.score = it->second.score;
  g.state = store::grade_state::pending;
  g.created_at = unix_now();  // the give-up clock starts
  st.targets.erase(it);  // one grade per launch
  if (!st.cfg.store) {
    log()->info("{} completed the exercise: sending the grade to {}", jid, lti::url_of(g.target));
    self->send(st.cfg.outcomes, atoms::grade_v, std::move(g));
    return;
  }
  log()->info("{} completed the exercise: the grade for {} goes into the outbox", jid,
              lti::url_of(g.target));
  // The store answers once the grade is on disk (it retries until it is).
  self->request(st.cfg.store, caf::infinite, atoms::st_grade_v, g)
    .then(
      [self, g](std::int64_t id) mutable {
        if (id == 0) {
          log()->info("{} completed again: that launch has its grade already (not sent twice)",
                      g.jid);
          return;
        }
        g.id = id;
        self->send(self->state.cfg.outcomes, atoms::grade_v, std::move(g));
      },
      [g](caf::error& e) {
        log()->error("the grade of {} could not be stored, so it is not sent: {}", g.jid,
                     caf::to_string(e));
      });
}

} // namespace

grade_keeper_actor::behavior_type
grade_keeper(grade_keeper_actor::stateful_pointer<grade_keeper_state> self, grade_keeper_config cfg) {
  self->state.cfg = std::move(cfg);
  self->state.targets = std::move(self->state.cfg.restored);
  return {
    [self](atoms::grade_when_done, const std::string& jid, grade_job& job) {
      auto& st = self->state;
      if (st.cfg.store)
        self->send(st.cfg.store, atoms::st_outcome_v, jid, job);
      st.targets[jid] = std::move(job);  // the latest graded launch wins
    },
    [self](atoms::completed, const std::string& jid) { send_grade(self, jid); },
    [self](atoms::grade_gone, const std::string& jid) { self->state.targets.erase(jid); },
  };
}

} // namespace otrbot
