// The session manager actor.
#include "actors/chat/session_manager.hpp"

#include "actors/chat/manager_progress.hpp"
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/contract/timeouts.hpp"
#include "actors/log/logging.hpp"
#include "actors/rules/roster_policy.hpp"
#include "actors/store/store_db.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/xmpp/jid.hpp"

#include <filesystem>
#include <set>
#include <thread>

namespace otrbot {
namespace {

using namespace manager_progress;

using manager_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

std::shared_ptr<spdlog::logger> log() { return logging::get("manager"); }



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

session_actor session_for(manager_ptr self, const std::string& jid,
                          completion done = completion::no) {
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
  auto p = st.progress.find(jid);
  if (p != st.progress.end() && p->second.completed && done == completion::no)
    sc.finished = completion::before;
  if (p != st.progress.end() && sc.finished != completion::no)
    p->second.step_before_restart.clear();  // nothing to start again: the lesson is done
  else if (p != st.progress.end() && !p->second.step_before_restart.empty()) {
    // Told once, by the first session after the restart.
    sc.restarted = restart_notice{p->second.step_before_restart, p->second.had_secret,
                                  !p->second.code_mac.empty()};
    p->second.step_before_restart.clear();
  }
  auto s = st.cfg.spawn_session(self->system(), std::move(sc));
  self->monitor(s);
  st.sessions.emplace(jid, session_entry{s, self->clock().now(), unix_now(), false, false, {},
                                         unix_now(), {}});
  st.owners.emplace(s.address(), jid);
  log()->info("session started for {}", jid);
  return s;
}

void forget(manager_ptr self, const std::string& jid) {
  auto& st = self->state;
  if (auto it = st.sessions.find(jid); it != st.sessions.end()) {
    st.owners.erase(it->second.actor.address());
    self->demonitor(it->second.actor.address());
    self->send_exit(it->second.actor, caf::exit_reason::user_shutdown);
    st.sessions.erase(it);
  }
}

/// Ends a student's session as the reference does: the sign-out line, then a
/// directed unavailable presence saying how to start again, then roster and
/// whitelist removal (stored, unless `removal_stored`: the admin API stored it first).
void terminate(manager_ptr self, const std::string& jid, const char* why, bool removal_stored = false,
               bool goodbye = true) {
  auto& st = self->state;
  auto locale = st.cfg.whitelist.contains(jid) ? st.cfg.whitelist.at(jid) : st.cfg.default_locale;
  const auto& cats = st.cfg.session_defaults.catalogs ? *st.cfg.session_defaults.catalogs
                                                     : i18n::source_only();
  auto status = i18n::text(cats, i18n::msg::signed_out, locale, st.cfg.session_defaults.format_strings);
  auto finish = [self, jid, status, why, removal_stored] {
    forget(self, jid);
    self->state.cfg.whitelist.erase(jid);
    self->state.source_of.erase(jid);
    self->state.progress.erase(jid);
    self->state.grades.erase(jid);
    self->state.rates.erase(jid);
    self->state.claims.forget(jid);
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

/// Ends the session of `jid` (any resource) as on timeout; false when it has none.
bool end_if_running(manager_ptr self, const std::string& jid, const char* why) {
  auto bare = xmpp::bare_of(jid);
  if (!self->state.sessions.contains(bare))
    return false;
  terminate(self, bare, why);
  return true;
}


/// The bot's own account: never a student (it would talk to itself).
bool own(const session_manager_state& st, const std::string& bare) {
  return !st.cfg.session_defaults.account.empty() && bare == st.cfg.session_defaults.account;
}

/// Counts a message from `bare`; false when it is to be ignored (over the rate).
bool within_rate(manager_ptr self, const std::string& bare) {
  auto& st = self->state;
  auto now = self->clock().now().time_since_epoch();
  switch (st.rates[bare].count(now, st.cfg.max_messages_per_minute)) {
    case message_rate::verdict::answer: return true;
    case message_rate::verdict::answer_again:
      log()->info("{} was quiet for a minute: answered again", bare);
      return true;
    case message_rate::verdict::cut_off:
      log()->warn("{} sent more than {} messages in a minute (an echo bot, a chat room or a "
                  "script?): not answered until it is quiet for a minute",
                  bare, st.cfg.max_messages_per_minute);
      return false;
    case message_rate::verdict::ignored: return false;
  }
  return false;
}

void hold_while_gated(const std::string& gate) {
  if (gate.empty() || !std::filesystem::exists(gate))
    return;
  log()->info("test hook: the session manager is held while {} exists", gate);
  while (std::filesystem::exists(gate))
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  log()->info("test hook: the session manager goes on");
}

/// The bare JID `jid` if `source` may whitelist it: a valid JID, not the bot's own, within the
/// source's limit; else the error to answer with.
caf::expected<std::string> admissible(const session_manager_state& st, const std::string& jid,
                                      const std::string& source) {
  auto r = xmpp::parse_bare_jid(jid);
  if (!r)
    return make_error(ec::invalid_jid, r.error);
  auto bare = r.value->bare();
  if (own(st, bare))
    return make_error(ec::invalid_jid, "it is the bot's own Jabber ID");
  if (auto full = manager_progress::whitelist_full(st, bare, source))
    return make_error(ec::whitelist_full, *full);
  return bare;
}

/// Whitelists `bare` once the store keeps it (subscribing to a new JID), then `done` with no
/// error, or with ec::not_stored.
void admit(manager_ptr self, const std::string& bare, const std::string& locale,
           const std::string& source, const std::string& by, std::function<void(caf::error)> done) {
  auto chosen = locale.empty() ? self->state.cfg.default_locale : locale;
  auto take = [self, bare, chosen, source] {
    auto& st = self->state;
    bool fresh = !st.cfg.whitelist.contains(bare);
    st.cfg.whitelist[bare] = chosen;
    if (fresh) {
      st.source_of[bare] = source;
      st.progress.erase(bare);  // a new start
      log()->info("whitelisted {}", bare);
      carry_out(self, welcome(bare));
    }
  };
  if (!self->state.cfg.store) {
    take();
    done({});
    return;
  }
  // Claimed only once it is stored.
  self->request(self->state.cfg.store, std::chrono::seconds{5}, atoms::st_put_wl_v, bare, chosen,
                source, by)
    .then([take, done](bool) { take(); done({}); },
          [bare, done](caf::error& e) {
            log()->error("{} was not whitelisted: the store did not keep it ({})", bare,
                         caf::to_string(e));
            done(make_error(ec::not_stored, caf::to_string(e)));
          });
}

/// Registers the grade to send when `bare` completes (the latest graded launch wins).
void grade_when_done(manager_ptr self, const std::string& bare, grade_job job) {
  auto& st = self->state;
  if (st.cfg.store)
    self->send(st.cfg.store, atoms::st_outcome_v, bare, job.outcome_url, job.sourcedid,
               job.consumer_key);
  st.grades[bare] = std::move(job);
}

/// Hands a student's message to their session (starting it), making the bot appear online to
/// a resource it has not seen yet (RFC 6121 4.6 directed presence: the student may not have
/// accepted its request).
void to_session(manager_ptr self, const std::string& bare, xmpp::inbound_message m) {
  if (self->state.online.insert(m.from).second)
    carry_out(self, {{}, {{m.from, "available", ""}}});
  self->send(session_for(self, bare), std::move(m));
}

/// A message from `bare` that carries the word of one of its claims: the JID is proved to be
/// that visit's, whitelisted (with the claim's language and grade), and the message is the
/// student's first words to the bot. True when it was such a message.
bool proves_claim(manager_ptr self, const std::string& bare, xmpp::inbound_message& m) {
  auto proved = self->state.claims.prove(bare, m.body, unix_now());
  if (!proved)
    return false;
  log()->info("{} proved that it is theirs: the word of a visit by {}", bare,
              logging::printable(proved->by));
  admit(self, bare, proved->locale, "pages", proved->by,
        [self, bare, claim = *proved, m = std::move(m)](caf::error e) mutable {
          if (e) {
            self->state.claims.unbind(std::move(claim));  // the word may be sent again
            return;
          }
          if (claim.graded)
            grade_when_done(self, bare, claim.grade);
          to_session(self, bare, std::move(m));
        });
  return true;
}

void check_timeouts(manager_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  std::vector<std::string> ending;
  std::vector<std::string> finished;  // completed: ended without a warning or a goodbye
  for (auto& [jid, entry] : st.sessions) {
    if (entry.ending)
      continue;
    auto idle = std::chrono::duration_cast<std::chrono::seconds>(now - entry.last_activity);
    if (auto p = st.progress.find(jid); p != st.progress.end() && p->second.completed) {
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
  for (const auto& jid : ending)
    terminate(self, jid, "inactive");
  for (const auto& jid : finished)
    terminate(self, jid, "completed, then inactive", false, false);
}

} // namespace

session_manager_actor::behavior_type
session_manager(session_manager_actor::stateful_pointer<session_manager_state> self,
                session_manager_config cfg) {
  if (!cfg.spawn_session)
    cfg.spawn_session = [](caf::actor_system& sys, session_config sc) {
      return sys.spawn(session, std::move(sc));
    };
  self->state.cfg = std::move(cfg);
  if (self->state.cfg.code_key.empty())  // no store: the codes' HMACs live as long as the run
    self->state.cfg.code_key = lti::random_hex(32);
  restore(self->state);
  for (auto& c : self->state.cfg.restored_claims)
    self->state.claims.claim(std::move(c), unix_now());
  self->state.cfg.restored_claims.clear();
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.owners.find(dm.source);
    if (it == st.owners.end())
      return;
    auto jid = it->second;
    st.owners.erase(it);
    st.sessions.erase(jid);
    if (dm.reason)
      log()->error("the session for {} failed and was removed: {}", jid, caf::to_string(dm.reason));
    else
      log()->info("the session for {} ended", jid);
  });
  self->delayed_send(self, self->state.cfg.check_interval, atoms::tick_v);
  return {
    [self](atoms::stop) {
      auto& st = self->state;
      log()->info("shutting down: ending {} session(s) now", st.sessions.size());
      for (auto& [jid, entry] : st.sessions) {
        self->demonitor(entry.actor.address());
        self->send_exit(entry.actor, caf::exit_reason::kill);
      }
      st.sessions.clear();
      st.owners.clear();
      self->quit();
    },
    [self](atoms::gateway, xmpp_gateway_actor gw) { self->state.gateway = std::move(gw); },
    [self](atoms::online) {
      // A new connection: the server forgot the directed presences of the last one.
      self->state.online.clear();
      log()->info("online; syncing the roster");
    },
    [self](roster_snapshot& r) {
      carry_out(self, sync_roster(whitelisted(self->state), r.items));
    },
    [self](xmpp::inbound_presence& p) {
      auto bare = xmpp::bare_of(p.from);
      auto& st = self->state;
      if (own(st, bare))
        return;  // the bot's own presence (this or another resource): never a session
      bool ok = st.cfg.whitelist.contains(bare);
      bool new_resource = false;
      if (ok && p.type == "available")
        new_resource = st.online.insert(p.from).second;
      else if (p.type == "unavailable")
        st.online.erase(p.from);
      carry_out(self, answer_presence(ok, p, bare, new_resource));
      if (!ok)
        return;
      if (p.type == "available") {
        auto session = session_for(self, bare);  // its key is made while the student reads
        if (!p.caps_node.empty())
          self->send(session, xmpp::inbound_software{p.from, {}, p.caps_node});
      } else if (p.type == "unavailable")
        if (auto it = st.sessions.find(bare); it != st.sessions.end())
          self->send(it->second.actor, atoms::offline_v, p.from);
    },
    [self](xmpp::inbound_software& s) {
      auto it = self->state.sessions.find(xmpp::bare_of(s.from));
      if (it != self->state.sessions.end())
        self->send(it->second.actor, std::move(s));
    },
    [self](xmpp::inbound_message& m) {
      auto bare = xmpp::bare_of(m.from);
      if (own(self->state, bare)) {
        log()->debug("ignored a message from the bot's own account");
        return;
      }
      auto& st = self->state;
      bool listed = st.cfg.whitelist.contains(bare);
      bool claimed = st.claims.waiting(bare, unix_now());
      if (!listed && !claimed) {
        log()->debug("ignored a message from {}: not on the whitelist", bare);
        return;
      }
      if (!within_rate(self, bare) || proves_claim(self, bare, m))
        return;
      if (!listed) {
        // Until the word comes, the bot says nothing: the JID may not be the visitor's.
        log()->info("a message from {} without the word of the visit that claims it: not answered",
                    bare);
        return;
      }
      to_session(self, bare, std::move(m));
    },
    [self](atoms::activity, const std::string& jid) {
      auto it = self->state.sessions.find(jid);
      if (it == self->state.sessions.end())
        return;
      it->second.last_activity = self->clock().now();
      it->second.last_activity_unix = unix_now();
      it->second.warned = false;  // (the session acknowledges it to the student itself)
    },
    [self](atoms::grade_when_done, const std::string& jid, grade_job& job) {
      grade_when_done(self, xmpp::bare_of(jid), std::move(job));
    },
    [self](atoms::completed, const std::string& jid) {
      complete(self, jid, "the code on the page");
    },
    [self](atoms::code_sent, const std::string& jid, const std::string& code) {
      auto& st = self->state;
      auto mac = store::code_mac(st.cfg.code_key, code);
      st.progress[jid].code_mac = mac;
      if (st.cfg.store)
        self->send(st.cfg.store, atoms::st_code_v, jid, mac);
    },
    [self](atoms::tick) {
      check_timeouts(self);
      auto& st = self->state;
      st.claims.sweep(unix_now());
      // The rates of JIDs that only claimed (never proved) go with their claims.
      std::erase_if(st.rates, [&st](const auto& r) {
        return !st.cfg.whitelist.contains(r.first) && !st.claims.waiting(r.first, unix_now());
      });
      self->delayed_send(self, self->state.cfg.check_interval, atoms::tick_v);
    },
    [self](atoms::set_secret, const std::string& jid,
           const std::string& secret) -> caf::result<bool> {
      auto bare = xmpp::bare_of(jid);
      if (!self->state.cfg.whitelist.contains(bare))
        return make_error(ec::unknown_jid);
      // The session answers true, or ec::weak_secret with the reason.
      auto rp = self->make_response_promise<bool>();
      self->request(session_for(self, bare), std::chrono::seconds{5}, atoms::set_secret_v, secret)
        .then(
          [self, rp, bare](bool ok) mutable {
            self->state.progress[bare].had_secret = true;
            rp.deliver(ok);
          },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
      return rp;
    },
    [self](atoms::check_code, const std::string& jid,
           const std::string& code) -> caf::result<bool> {
      auto bare = xmpp::bare_of(jid);
      if (stored_code_matches(self, bare, code)) {
        // The code went out over a verified session, perhaps before a
        // restart or before that session ended: it still proves it. The
        // session is told, so that the student reads the congratulation.
        log()->info("{} typed the right code on the page", bare);
        auto it = self->state.sessions.find(bare);
        bool running = it != self->state.sessions.end();
        bool first = !self->state.progress[bare].completed;
        complete(self, bare, running ? "the code on the page" : "the code on the page, after the session ended");
        if (first && running)
          self->send(it->second.actor, atoms::code_accepted_v);
        else if (first && self->state.cfg.whitelist.contains(bare))
          session_for(self, bare, completion::now);
        return true;
      }
      // Not it. Without a session and without a code ever sent, there is nothing to type yet.
      auto p = self->state.progress.find(bare);
      bool code_went_out = p != self->state.progress.end() && !p->second.code_mac.empty();
      if (!code_went_out && !self->state.sessions.contains(bare))
        return make_error(ec::no_session);
      log()->info("{} typed a wrong code on the page", bare);
      return false;
    },
    [self](atoms::add_jid, const std::string& jid, const std::string& locale,
           const std::string& source, const std::string& by) -> caf::result<bool> {
      hold_while_gated(self->state.cfg.gate_path);
      auto bare = admissible(self->state, jid, source);
      if (!bare)
        return std::move(bare.error());
      auto rp = self->make_response_promise<bool>();
      admit(self, *bare, locale, source, by, [rp](caf::error e) mutable {
        if (e)
          rp.deliver(std::move(e));
        else
          rp.deliver(true);
      });
      return rp;
    },
    [self](atoms::claim_jid, jid_claim& c) -> caf::result<claim_state> {
      hold_while_gated(self->state.cfg.gate_path);
      auto& st = self->state;
      auto bare = admissible(st, c.jid, "pages");
      if (!bare)
        return std::move(bare.error());
      c.jid = *bare;
      auto limit = st.cfg.max_whitelisted.find("pages");
      if (limit != st.cfg.max_whitelisted.end() && limit->second > 0 &&
          !st.claims.holds(c.jid, c.visit) &&
          st.claims.size() >= static_cast<std::size_t>(limit->second)) {
        log()->warn("{} not claimed: {} claims wait for their word already, the most "
                    "bot.max_whitelisted_from_pages allows", *bare, st.claims.size());
        return make_error(ec::whitelist_full, "bot.max_whitelisted_from_pages = " +
                                                std::to_string(limit->second));
      }
      auto by = c.by;
      auto verdict = st.claims.claim(std::move(c), unix_now());
      if (verdict == claim_state::too_many)
        log()->warn("{} has {} visits waiting for its proof already: the claim of {} refused", *bare,
                    jid_claims::max_per_jid, logging::printable(by));
      return verdict;
    },
    [self](atoms::remove_jid, const std::string& jid) -> caf::result<bool> {
      auto bare = xmpp::bare_of(jid);
      if (!self->state.cfg.whitelist.contains(bare))
        return false;
      if (!self->state.cfg.store) {
        terminate(self, bare, "removed from the whitelist");
        return true;
      }
      // Answered once the removal is on disk: a crash right after the answer does not bring
      // the JID back (the seed of the config included).
      auto rp = self->make_response_promise<bool>();
      self->request(self->state.cfg.store, std::chrono::seconds{5}, atoms::st_del_wl_v, bare)
        .then(
          [self, rp, bare](bool) mutable {
            terminate(self, bare, "removed from the whitelist", true);
            rp.deliver(true);
          },
          [rp, bare](caf::error& e) mutable {
            log()->error("{} was not removed: the store did not keep it ({})", bare,
                         caf::to_string(e));
            rp.deliver(make_error(ec::not_stored, caf::to_string(e)));
          });
      return rp;
    },
    [self](atoms::step, const std::string& jid, const std::string& step) {
      auto& st = self->state;
      if (auto it = st.sessions.find(jid); it != st.sessions.end() && it->second.step != step) {
        it->second.step = step;
        it->second.step_since_unix = unix_now();
      }
      if (st.cfg.store)
        self->send(st.cfg.store, atoms::st_step_v, jid, step, st.progress[jid].had_secret);
    },
    [self](atoms::live, const std::string& jid, live_progress& live) {
      if (auto it = self->state.sessions.find(jid); it != self->state.sessions.end())
        it->second.live = std::move(live);
    },
    [self](atoms::live, const std::string& jid) {
      return manager_progress::live_of(self->state, xmpp::bare_of(jid));
    },
    [self](atoms::step, const std::string& jid) -> std::string {
      auto& st = self->state;
      auto bare = xmpp::bare_of(jid);
      // A completion stays, across sessions and restarts.
      if (auto p = st.progress.find(bare); p != st.progress.end() && p->second.completed)
        return lesson::steps::completed;
      auto it = st.sessions.find(bare);
      return it == st.sessions.end() ? std::string{} : it->second.step;
    },
    [self](atoms::session_list) -> std::vector<session_info> {
      std::vector<session_info> out;
      for (const auto& [jid, e] : self->state.sessions)
        out.push_back({jid, e.step, self->state.cfg.whitelist.contains(jid)
                                      ? self->state.cfg.whitelist.at(jid)
                                      : self->state.cfg.default_locale,
                       e.last_activity_unix, e.live.client});
      return out;
    },
    [self](atoms::class_status, const std::vector<std::string>& jids) {
      return manager_progress::class_status(self->state, jids);
    },
    [self](atoms::end_session, const std::string& jid) {
      return end_if_running(self, jid, "ended by the admin API");
    },
    [self](atoms::start_over, const std::string& jid) {
      return end_if_running(self, jid, "development mode: the student starts again");
    },
    [self](atoms::whitelist) -> std::vector<whitelist_entry> {
      std::vector<whitelist_entry> out;
      for (const auto& [jid, locale] : self->state.cfg.whitelist)
        out.push_back({jid, locale});
      return out;
    },
    [self](atoms::sessions) -> std::vector<std::string> {
      std::vector<std::string> out;
      for (const auto& [jid, s] : self->state.sessions)
        out.push_back(jid);
      return out;
    },
  };
}

} // namespace otrbot
