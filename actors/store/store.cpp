// The store actor.
#include "actors/store/store.hpp"

#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/unix_time.hpp"

#include <chrono>

namespace otrbot {
namespace {

using store_ptr = store_actor::stateful_pointer<store_state>;

std::shared_ptr<spdlog::logger> log() { return logging::get("store"); }

/// Runs one write and times it (failed attempts too), for the metrics.
template <class F>
decltype(auto) timed(F& run, store::database& db) {
  struct clock_it {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    ~clock_it() { metrics::bot().store_write_seconds.get().observe_since(t0); }
  } timer;
  return run(db);
}

/// The outbox's depth by state, for the metrics: after each change to it.
void count_outbox(store_ptr self) {
  auto& st = self->state;
  auto& m = metrics::bot().grade_outbox;
  m.with({"held"}).set(static_cast<std::int64_t>(st.held.size()));
  try {
    m.with({"pending"}).set(st.cfg.db->grade_count(store::grade_state::pending));
    m.with({"failed"}).set(st.cfg.db->grade_count(store::grade_state::failed));
  } catch (const std::exception& e) {
    log()->debug("the outbox could not be counted: {}", e.what());
  }
}

void schedule_retry(store_ptr self) {
  auto& st = self->state;
  if (st.retry_scheduled || st.pending.empty())
    return;
  st.retry_scheduled = true;
  self->delayed_send(self, st.cfg.retry_every, atoms::st_retry_v);
}

/// Runs the waiting writes in order; stops at the first that fails again.
void drain(store_ptr self) {
  auto& st = self->state;
  while (!st.pending.empty()) {
    auto& w = st.pending.front();
    metrics::bot().store_write_retries.get().inc();
    try {
      timed(w.run, *st.cfg.db);
    } catch (const std::exception& e) {
      st.last_error = e.what();
      log()->error("still cannot store {} ({}); {} write(s) waiting, retrying", w.what, e.what(),
                   st.pending.size());
      schedule_retry(self);
      return;
    }
    log()->info("stored {} after a retry", w.what);
    st.pending.pop_front();
  }
}

/// A write nobody waits for: done now, or kept (in order) and retried.
void write(store_ptr self, std::string what, std::function<void(store::database&)> run) {
  auto& st = self->state;
  if (st.pending.empty()) {
    try {
      timed(run, *st.cfg.db);
      return;
    } catch (const std::exception& e) {
      st.last_error = e.what();
      log()->error("could not store {} ({}); retrying", what, e.what());
    }
  }
  st.pending.push_back({std::move(what), std::move(run)});
  schedule_retry(self);
}

/// A write someone waits for: its answer, or ec::not_stored (nothing claimed).
template <class T, class F>
caf::expected<T> attempt(store_ptr self, const std::string& what, F run) {
  drain(self);  // what came earlier is stored first
  if (!self->state.pending.empty())
    return make_error(ec::not_stored, "earlier writes are still waiting");
  try {
    return timed(run, *self->state.cfg.db);
  } catch (const std::exception& e) {
    log()->error("could not store {}: {}", what, e.what());
    return make_error(ec::not_stored, e.what());
  }
}

template <class T, class F>
caf::result<T> answer(store_ptr self, const std::string& what, F run) {
  auto x = attempt<T>(self, what, std::move(run));
  if (!x)
    return std::move(x.error());
  return std::move(*x);
}

/// The launches waiting, written in one transaction; each told whether its nonce was new, or,
/// when the write failed, ec::not_stored (none of them kept).
void record_launches(store_ptr self) {
  auto batch = std::exchange(self->state.launches, {});
  std::vector<store::launch_row> rows;
  rows.reserve(batch.size());
  for (auto& l : batch)
    rows.push_back(std::move(l.row));
  auto what = batch.size() == 1 ? std::string{"a launch"} : std::to_string(batch.size()) + " launches";
  auto fresh = attempt<std::vector<bool>>(self, what, [&](store::database& db) {
    return db.record_launches(rows, self->state.cfg.nonce_window);
  });
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (fresh)
      batch[i].answer.deliver(static_cast<bool>((*fresh)[i]));
    else
      batch[i].answer.deliver(fresh.error());
  }
}

/// A registration invite taken (false: used or expired already), or given back.
caf::result<bool> use_invite(store_ptr self, const std::string& id, std::int64_t expires, bool take) {
  return answer<bool>(self, "a registration invite's use", [&](store::database& db) {
    if (!take) {
      db.release_invite(id);
      return true;
    }
    return db.take_invite(id, expires, unix_now());
  });
}

/// A new grade into the outbox: its id (0 when that launch has one already), answered once it
/// is on disk, however many retries that takes: a grade is never sent before it is stored, and
/// never dropped. Until then it is "held", visible to the admin API and the teacher view.
caf::result<std::int64_t> enqueue_grade(store_ptr self, const store::grade& g) {
  auto rp = self->make_response_promise<std::int64_t>();
  auto& st = self->state;
  auto key = st.next_held++;
  st.held[key] = g;
  write(self, "a grade for " + g.jid, [self, key, g, rp](store::database& db) mutable {
    rp.deliver(db.enqueue_grade(g, g.created_at).value_or(0));
    self->state.held.erase(key);
  });
  count_outbox(self);
  return rp;
}

/// A completion: true once on disk; else ec::not_stored at once, and the write is kept (in
/// order) and retried, so that a later answer finds it stored (recording one twice is harmless).
caf::result<bool> completion(store_ptr self, const std::string& jid, const std::string& how) {
  auto& st = self->state;
  drain(self);
  auto now = unix_now();
  if (st.pending.empty()) {
    try {
      auto record = [&](store::database& db) { db.record_completion(jid, how, now); };
      timed(record, *st.cfg.db);
      return true;
    } catch (const std::exception& e) {
      st.last_error = e.what();
      log()->error("could not store the completion of {} ({}); retrying", jid, e.what());
    }
  }
  // The asker (the session manager) hears when it lands.
  auto asker = caf::actor_cast<session_manager_actor>(self->current_sender());
  st.pending.push_back({"the completion of " + jid, [=](store::database& db) {
                          db.record_completion(jid, how, now);
                          if (asker)
                            caf::anon_send(asker, atoms::st_done_v, jid);
                        }});
  schedule_retry(self);
  return make_error(ec::not_stored, st.last_error.empty() ? "earlier writes are still waiting"
                                                          : st.last_error);
}

/// The WAL into the database, and truncated: on purpose, so that it does not keep its
/// largest size for ever. A reader (a backup) or a full disk only postpones it.
void checkpoint(store_ptr self) {
  auto& st = self->state;
  try {
    auto r = st.cfg.db->checkpoint();
    if (r.busy)
      log()->info("WAL checkpoint postponed: a reader (a backup?) is using the store");
    else
      log()->debug("WAL checkpoint: {} page(s) copied into the database, the WAL truncated",
                   r.checkpointed);
  } catch (const std::exception& e) {
    log()->warn("WAL checkpoint failed ({}); trying again later", e.what());
  }
  self->delayed_send(self, st.cfg.checkpoint_every, atoms::st_ckpt_v);
}

caf::result<store::grade> grade_of(store_ptr self, std::int64_t id) {
  drain(self);
  try {
    if (auto g = self->state.cfg.db->grade_by_id(id))
      return *g;
    return make_error(ec::not_found);
  } catch (const std::exception& e) {
    return make_error(ec::not_stored, e.what());
  }
}

/// The outbox's pending and failed grades.
caf::result<std::vector<store::grade>> open_grades(store_ptr self) {
  drain(self);
  try {
    auto out =
      self->state.cfg.db->grades({store::grade_state::pending, store::grade_state::failed});
    for (const auto& [key, g] : self->state.held) {
      out.push_back(g);
      out.back().state = store::grade_state::held;
      out.back().last_error = self->state.last_error;
    }
    return out;
  } catch (const std::exception& e) {
    return make_error(ec::not_stored, e.what());
  }
}

} // namespace

opened_store open_store(const std::string& path, const std::string& key_file,
                        const std::vector<std::pair<std::string, std::string>>& seed) {
  opened_store out;
  auto key_path = key_file.empty() ? path + ".key" : key_file;
  // Students' JIDs, open pages' tokens and the key of the codes: never readable by others.
  for (const auto& notice : store::make_private({path, path + "-wal", path + "-shm", key_path}))
    log()->warn("{}", notice);
  out.db = std::make_shared<store::database>(store::database::open(path));
  out.key = store::store_key(key_path);
  auto now = unix_now();
  try {
    out.db->seed(seed, now);
    if (int n = out.db->enqueue_missing_grades(now); n > 0)
      log()->warn("{} completion(s) had no grade in the outbox (the bot was stopped between the "
                  "two writes): their grades are sent now", n);
    out.students = out.db->students();
    out.pending_grades = out.db->grades({store::grade_state::pending});
    out.web_sessions = out.db->web_sessions(now);
    out.lti13_platforms = out.db->lti13_platforms();
  } catch (const std::exception& e) {
    throw store::open_error("store " + path + " could not be read: " + e.what());
  }
  return out;
}

store_actor::behavior_type store_keeper(store_actor::stateful_pointer<store_state> self,
                                        store_config cfg) {
  self->state.cfg = std::move(cfg);
  if (self->state.cfg.checkpoint_every.count() > 0)
    self->delayed_send(self, self->state.cfg.checkpoint_every, atoms::st_ckpt_v);
  if (self->state.cfg.db)
    count_outbox(self);
  return {
    [self](atoms::st_put_wl, const store::whitelist_request& r) -> caf::result<bool> {
      return answer<bool>(self, "the whitelisting of " + r.jid.str(), [&](store::database& db) {
        db.put_whitelist(r.jid.str(), r.locale, r.source, r.added_by, unix_now());
        return true;
      });
    },
    [self](atoms::st_del_wl, const std::string& jid) -> caf::result<bool> {
      // Answered once on disk (retried until it is): a removal the admin was told of stays.
      auto rp = self->make_response_promise<bool>();
      write(self, "the removal of " + jid, [jid, rp, now = unix_now()](store::database& db) mutable {
        db.remove_whitelist(jid, now);
        rp.deliver(true);
      });
      return rp;
    },
    [self](atoms::st_step, const std::string& jid, const std::string& step, bool had_secret) {
      write(self, "the step of " + jid, [=, now = unix_now()](store::database& db) {
        db.put_step(jid, step, had_secret, now);
      });
    },
    [self](atoms::st_om_peer, const std::string& jid, const std::string& record) {
      write(self, "the OMEMO sessions of " + jid, [=, now = unix_now()](store::database& db) {
        db.put_omemo_peer(jid, record, now);
      });
    },
    [self](atoms::st_lesson, const std::string& jid, const std::string& lesson) {
      write(self, "the lesson of " + jid, [=, now = unix_now()](store::database& db) {
        db.put_lesson(jid, lesson, now);
      });
    },
    [self](atoms::st_om_dev, const std::string& role, const std::string& record) {
      write(self, "the bot's OMEMO " + role + " device",
            [=](store::database& db) { db.put_omemo_device(role, record); });
    },
    [self](atoms::st_code, const std::string& jid, const std::string& mac) {
      write(self, "the code's HMAC for " + jid,
            [=, now = unix_now()](store::database& db) { db.put_code_mac(jid, mac, now); });
    },
    [self](atoms::st_outcome, const std::string& jid, const grade_job& g) {
      write(self, "the grade address of " + jid, [=, now = unix_now()](store::database& db) {
        db.put_outcome(jid, g.target, now);
      });
    },
    [self](atoms::st_done, const std::string& jid, const std::string& how) {
      return completion(self, jid, how);
    },
    [self](atoms::st_launch, std::string& consumer, std::string& nonce, std::int64_t now,
           store::web_session_row& visit) -> caf::result<bool> {
      // Launches come urgent (high priority), and so does the note behind the first of them:
      // every launch that comes before the store reaches it shares its commit.
      auto& waiting = self->state.launches;
      waiting.push_back({{std::move(consumer), std::move(nonce), now, std::move(visit)},
                         self->make_response_promise<bool>()});
      if (waiting.size() == 1)
        self->send<caf::message_priority::high>(caf::actor_cast<store_actor>(self), atoms::st_launch_v);
      return waiting.back().answer;
    },
    [self](atoms::st_launch) { record_launches(self); },
    [self](atoms::st_invite, const std::string& id, std::int64_t expires, bool take) {
      return use_invite(self, id, expires, take);
    },
    [self](atoms::st_grade, const store::grade& g) { return enqueue_grade(self, g); },
    [self](atoms::st_graded, const store::grade& g) {
      write(self, "grade " + std::to_string(g.id) + "'s attempt",
            [g, now = unix_now()](store::database& db) {
              db.grade_attempted(g, now);
            });
      count_outbox(self);
    },
    [self](atoms::st_grade_of, std::int64_t id) { return grade_of(self, id); },
    [self](atoms::st_grades) { return open_grades(self); },
    [self](atoms::st_web, const store::web_session_row& row) {
      write(self, "a web session", [row](store::database& db) {
        db.put_web_session(row, unix_now());
      });
    },
    [self](atoms::lti13_platform, const lti13::platform& p) {
      // Kept as JSON (text at the SQLite edge only).
      write(self, "an LTI 1.3 platform", [p](store::database& db) {
        db.put_lti13_platform(p.issuer, p.client_id, lti13::encode_platform(p));
      });
    },
    [self](atoms::st_retry) {
      self->state.retry_scheduled = false;
      drain(self);
      count_outbox(self);
    },
    [self](atoms::st_ckpt) { checkpoint(self); },
  };
}

} // namespace otrbot
