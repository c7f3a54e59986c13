// The session manager actor.
#include "actors/session_manager.hpp"

#include "actors/logging.hpp"
#include "actors/messages.hpp"
#include "actors/roster_policy.hpp"
#include "transport/jid.hpp"

#include <set>

namespace otrbot {
namespace {

using manager_ptr = caf::stateful_actor<session_manager_state>*;

void carry_out(manager_ptr self, const xmpp_actions& actions) {
  auto& gw = self->state.gateway;
  if (!gw)
    return;  // not wired yet: the roster sync after login catches up
  for (const auto& p : actions.presences)
    self->send(gw, p);
  for (const auto& r : actions.roster)
    self->send(gw, r);
}

std::set<std::string> whitelisted(const session_manager_state& st) {
  std::set<std::string> out;
  for (const auto& [jid, locale] : st.cfg.whitelist)
    out.insert(jid);
  return out;
}

caf::actor session_for(manager_ptr self, const std::string& jid) {
  auto& st = self->state;
  if (auto it = st.sessions.find(jid); it != st.sessions.end())
    return it->second;
  session_config sc{jid, st.cfg.whitelist.at(jid), st.gateway, st.cfg.format_strings};
  auto s = st.cfg.spawn_session(self, std::move(sc));
  self->monitor(s);
  st.sessions.emplace(jid, s);
  st.owners.emplace(s.address(), jid);
  logging::get("manager")->info("session started for {}", jid);
  return s;
}

void end_session(manager_ptr self, const std::string& jid) {
  auto& st = self->state;
  if (auto it = st.sessions.find(jid); it != st.sessions.end()) {
    st.owners.erase(it->second.address());
    self->demonitor(it->second);
    self->send_exit(it->second, caf::exit_reason::user_shutdown);
    st.sessions.erase(it);
  }
}

} // namespace

caf::behavior session_manager(caf::stateful_actor<session_manager_state>* self,
                              session_manager_config cfg) {
  if (!cfg.spawn_session)
    cfg.spawn_session = [](caf::event_based_actor* parent, session_config sc) {
      return parent->spawn(session, std::move(sc));
    };
  self->state.cfg = std::move(cfg);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.owners.find(dm.source);
    if (it == st.owners.end())
      return;
    auto jid = it->second;
    st.owners.erase(it);
    st.sessions.erase(jid);
    if (dm.reason)
      logging::get("manager")->error("the session for {} failed and was removed: {}", jid,
                                     caf::to_string(dm.reason));
    else
      logging::get("manager")->info("the session for {} ended", jid);
  });
  return {
    [self](atoms::gateway, caf::actor gw) { self->state.gateway = std::move(gw); },
    [](atoms::online) { logging::get("manager")->info("online; syncing the roster"); },
    [self](roster_snapshot& r) {
      carry_out(self, sync_roster(whitelisted(self->state), r.items));
    },
    [self](xmpp::inbound_presence& p) {
      auto bare = xmpp::bare_of(p.from);
      bool ok = self->state.cfg.whitelist.contains(bare);
      carry_out(self, answer_presence(ok, p, bare));
    },
    [self](xmpp::inbound_message& m) {
      auto bare = xmpp::bare_of(m.from);
      if (!self->state.cfg.whitelist.contains(bare)) {
        logging::get("manager")->debug("ignored a message from {}: not on the whitelist", bare);
        return;
      }
      self->send(session_for(self, bare), std::move(m));
    },
    [self](atoms::add_jid, const std::string& jid, const std::string& locale) -> std::string {
      auto r = xmpp::parse_bare_jid(jid);
      if (!r)
        return r.error;
      auto bare = r.value->bare();
      auto& wl = self->state.cfg.whitelist;
      bool fresh = !wl.contains(bare);
      wl[bare] = locale.empty() ? self->state.cfg.default_locale : locale;
      if (fresh) {
        logging::get("manager")->info("whitelisted {}", bare);
        carry_out(self, welcome(bare));
      }
      return {};
    },
    [self](atoms::remove_jid, const std::string& jid) -> bool {
      auto bare = xmpp::bare_of(jid);
      auto& st = self->state;
      auto entry = st.cfg.whitelist.find(bare);
      if (entry == st.cfg.whitelist.end())
        return false;
      auto locale = entry->second;
      st.cfg.whitelist.erase(entry);
      end_session(self, bare);
      carry_out(self, farewell(bare, i18n::text(i18n::msg::signed_out, locale,
                                                st.cfg.format_strings)));
      logging::get("manager")->info("removed {} from the whitelist", bare);
      return true;
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
