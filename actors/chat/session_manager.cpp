// The session manager actor: its messages, each handed to the part that owns the decision
// (manager_admission: who may talk; manager_sessions: the sessions' lives; manager_progress:
// steps, codes, completions and what the pages read).
#include "actors/chat/session_manager.hpp"

#include "actors/chat/manager_admission.hpp"
#include "actors/chat/manager_progress.hpp"
#include "actors/chat/manager_sessions.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/rules/roster_policy.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/xmpp/jid.hpp"

namespace otrbot {

using namespace manager_admission;
using namespace manager_progress;
using namespace manager_sessions;

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
  // Who proved each JID through the pages (the whitelist's record): a restored visit of that
  // LMS user on that JID was bound before the restart, even if its page did not store it yet.
  std::map<std::string, std::string> proved_by;
  for (const auto& s : self->state.cfg.restored)
    if (!s.removed && s.source == store::whitelist_source::pages)
      proved_by[s.jid] = s.added_by;
  restore(self->state);
  for (auto& c : self->state.cfg.restored_claims) {
    auto jid = c.jid.str();
    auto word = c.word;
    auto it = proved_by.find(jid);
    bool proved = it != proved_by.end() && it->second == c.by;
    self->state.claims.claim(std::move(c), unix_now());
    if (proved)
      self->state.claims.prove(jid, word, unix_now());
  }
  self->state.cfg.restored_claims.clear();
  self->set_down_handler([self](caf::down_msg& dm) { session_down(self, dm); });
  self->delayed_send(self, self->state.cfg.check_interval, atoms::tick_v);
  return {
    [self](atoms::stop) { stop(self); },
    [self](atoms::gateway, xmpp_gateway_actor gw) { self->state.gateway = std::move(gw); },
    [self](atoms::online) {
      // A new connection: the server forgot the directed presences of the last one.
      self->state.online.clear();
      logging::get("manager")->info("online; syncing the roster");
    },
    [self](roster_snapshot& r) { carry_out(self, sync_roster(whitelisted(self->state), r.items)); },
    [self](xmpp::inbound_presence& p) { on_presence(self, p); },
    [self](xmpp::inbound_software& s) { on_software(self, s); },
    [self](xmpp::inbound_pep& p) { on_published(self, p); },
    [self](xmpp::inbound_message& m) { on_message(self, m); },
    [self](atoms::activity, const std::string& jid) { note_activity(self, jid); },
    [self](atoms::completed, const std::string& jid) { complete(self, jid, "the code on the page"); },
    [self](atoms::code_sent, const std::string& jid, const std::string& code) {
      code_sent(self, jid, code);
    },
    [self](atoms::st_done, const std::string& jid) { completion_stored(self, jid); },
    [self](atoms::tick) {
      check_timeouts(self);
      sweep(self);
      self->delayed_send(self, self->state.cfg.check_interval, atoms::tick_v);
    },
    // The web side's JIDs come parsed (xmpp::bare_jid): looked up as they are.
    [self](atoms::set_secret, const xmpp::bare_jid& jid, const std::string& secret) {
      return set_secret(self, jid.str(), secret);
    },
    [self](atoms::check_code, const xmpp::bare_jid& jid, const std::string& code) {
      return check_code(self, jid.str(), code);
    },
    [self](atoms::add_jid, const store::whitelist_request& r) { return add_jid(self, r); },
    [self](atoms::claim_jid, jid_claim& c) { return claim_jid(self, c); },
    [self](atoms::remove_jid, const xmpp::bare_jid& jid) { return remove_jid(self, jid.str()); },
    [self](atoms::step_reached, const std::string& jid, const lti::step_view& step) {
      step_reached(self, jid, step);
    },
    [self](atoms::live_changed, const std::string& jid, live_progress& live) {
      if (auto it = self->state.sessions.find(jid); it != self->state.sessions.end())
        it->second.live = std::move(live);
    },
    [self](atoms::live, const xmpp::bare_jid& jid) { return live_of(self->state, jid.str()); },
    [self](atoms::step, const xmpp::bare_jid& jid) { return step_of(self->state, jid.str()); },
    [self](atoms::session_list) { return session_list(self->state); },
    [self](atoms::class_status, const std::vector<xmpp::bare_jid>& jids) {
      return class_status(self->state, jids);
    },
    [self](atoms::end_session, const xmpp::bare_jid& jid) {
      return end_if_running(self, jid.str(), "ended by the admin API");
    },
    [self](atoms::start_over, const xmpp::bare_jid& jid) {
      return end_if_running(self, jid.str(), "development mode: the student starts again");
    },
    [self](atoms::whitelist) {
      std::vector<whitelist_entry> out;
      for (const auto& [jid, locale] : self->state.cfg.whitelist)
        out.push_back({jid, locale});
      return out;
    },
    [self](atoms::sessions) {
      std::vector<std::string> out;
      for (const auto& [jid, s] : self->state.sessions)
        out.push_back(jid);
      return out;
    },
  };
}

} // namespace otrbot
