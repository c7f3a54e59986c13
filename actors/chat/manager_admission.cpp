// The session manager's admission (see manager_admission.hpp).
#include "actors/chat/manager_admission.hpp"

#include "actors/chat/manager_progress.hpp"
#include "actors/chat/manager_sessions.hpp"
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/rules/clients.hpp"
#include "actors/rules/roster_policy.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/omemo/omemo_stanza.hpp"
#include "transport/xmpp/jid.hpp"

namespace otrbot::manager_admission {

using manager_sessions::carry_out;
using manager_sessions::session_for;
using manager_sessions::terminate;
using manager_sessions::omemo_client;
using manager_sessions::lesson_requested;
using manager_sessions::to_session;

namespace {

std::shared_ptr<spdlog::logger> log() { return logging::get("manager"); }

/// Asks whether the student's account publishes an OMEMO device list (XEP-0384): a program the
/// bot cannot name may still speak OMEMO. The answer comes to on_published. Not asked again once
/// the student's program is known to have OMEMO.
void read_device_list(manager_ptr self, const std::string& bare) {
  auto& st = self->state;
  if (st.gateway && !st.omemo_clients.contains(bare))
    self->send(st.gateway, xmpp::pep_query{bare, std::string{omemo::devicelist_node}});
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

/// The bare JID `jid` (parsed by its sender, at its edge) if `source` may whitelist it: not
/// the bot's own (the one place that rule is checked), within the source's limit; else the
/// error to answer with.
caf::expected<std::string> admissible(const session_manager_state& st, const xmpp::bare_jid& jid,
                                      store::whitelist_source source) {
  if (jid.empty())
    return make_error(ec::invalid_jid, "the JID is empty");
  const auto& bare = jid.str();
  if (own(st, bare)) {
    log()->warn("the {} asked to whitelist the bot's own JID: refused", store::name(source));
    return make_error(ec::invalid_jid, "it is the bot's own Jabber ID (it would talk to itself)");
  }
  if (auto full = manager_progress::whitelist_full(st, bare, source))
    return make_error(ec::whitelist_full, *full);
  return bare;
}

/// Whitelists `jid` once the store keeps it (subscribing to a new JID), then `done` with no
/// error, or with ec::not_stored.
void admit(manager_ptr self, const xmpp::bare_jid& jid, const std::string& locale,
           store::whitelist_source source, const std::string& by,
           std::function<void(caf::error)> done) {
  const auto& bare = jid.str();
  auto chosen = locale.empty() ? self->state.cfg.default_locale : locale;
  auto take = [self, bare, chosen, source] {
    auto& st = self->state;
    bool fresh = !st.cfg.whitelist.contains(bare);
    st.cfg.whitelist[bare] = chosen;
    if (fresh) {
      st.source_of[bare] = source;
      st.progress.forget(bare);  // a new start
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
  self->request(self->state.cfg.store, std::chrono::seconds{5}, atoms::st_put_wl_v,
                store::whitelist_request{jid, chosen, source, by})
    .then([take, done](bool) { take(); done({}); },
          [bare, done](caf::error& e) {
            log()->error("{} was not whitelisted: the store did not keep it ({})", bare,
                         caf::to_string(e));
            done(make_error(ec::not_stored, caf::to_string(e)));
          });
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
  admit(self, proved->jid, proved->locale, store::whitelist_source::pages, proved->by,
        [self, bare, claim = *proved, m = std::move(m)](caf::error e) mutable {
          if (e) {
            self->state.claims.unbind(std::move(claim));  // the word may be sent again
            return;
          }
          if (claim.graded && self->state.cfg.grades)
            self->send(self->state.cfg.grades, atoms::grade_when_done_v, bare, claim.grade);
          lesson_requested(self, bare, claim.lesson);
          if (!m.element.empty())  // an OMEMO message: the student's program speaks it
            omemo_client(self, bare);
          to_session(self, bare, std::move(m));
        });
  return true;
}

} // namespace

void on_presence(manager_ptr self, xmpp::inbound_presence& p) {
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
    if (clients::identify("", p.caps_node).id == clients::client::without_otr)
      omemo_client(self, bare);  // before the session starts: its lesson is OMEMO's
    else if (new_resource)
      read_device_list(self, bare);  // (and again at the first words: it may come after this)
    auto session = session_for(self, bare);  // its key is made while the student reads
    if (!p.caps_node.empty())
      self->send(session, xmpp::inbound_software{p.from, {}, p.caps_node});
  } else if (p.type == "unavailable")
    if (auto it = st.sessions.find(bare); it != st.sessions.end())
      self->send(it->second.actor, atoms::offline_v, p.from);

}

namespace {

/// The student's program has OMEMO: their lesson becomes OMEMO's unless their course chose
/// another. A session it replaces after the student's first words (its lesson had begun) leaves
/// them waiting: the new one greets them at once, in its own lesson's words.
void has_omemo(manager_ptr self, const std::string& bare, const std::string& from) {
  auto& st = self->state;
  auto it = st.sessions.find(bare);
  const bool begun = it != st.sessions.end() && it->second.heard;
  const auto before = it != st.sessions.end() ? it->second.actor.address() : caf::actor_addr{};
  omemo_client(self, bare);
  it = st.sessions.find(bare);
  if (begun && it != st.sessions.end() && it->second.actor.address() != before)
    self->send(it->second.actor, xmpp::inbound_message{from, {}, {}});
}

} // namespace

void on_software(manager_ptr self, xmpp::inbound_software& s) {
  auto& st = self->state;
  auto bare = xmpp::bare_of(s.from);
  if (!st.sessions.contains(bare))
    return;
  if (clients::identify(s.name, s.caps_node).id == clients::client::without_otr)
    has_omemo(self, bare, s.from);  // may replace the session: the name goes to the one that runs
  if (auto it = st.sessions.find(bare); it != st.sessions.end())
    self->send(it->second.actor, std::move(s));
}

void on_published(manager_ptr self, xmpp::inbound_pep& p) {
  auto& st = self->state;
  if (!st.sessions.contains(p.from))
    return;
  std::string why;
  if (p.node == omemo::devicelist_node && !p.payload_xml.empty())
    if (auto list = omemo::parse_device_list(p.payload_xml, why); list && !list->empty())
      has_omemo(self, p.from, p.from);  // an OMEMO device list: the program speaks OMEMO
  if (auto it = st.sessions.find(p.from); it != st.sessions.end())
    self->send(it->second.actor, std::move(p));
}

void on_message(manager_ptr self, xmpp::inbound_message& m) {
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
  if (!m.element.empty()) {  // an OMEMO message: the student's program speaks it
    omemo_client(self, bare);
  } else if (auto it = st.sessions.find(bare); it == st.sessions.end() || !it->second.heard) {
    read_device_list(self, bare);  // the first words: a list published after the presence is there
  }
  to_session(self, bare, std::move(m));

}

caf::result<bool> add_jid(manager_ptr self, const store::whitelist_request& r) {
  if (self->state.cfg.before_admission)
    self->state.cfg.before_admission();
  auto bare = admissible(self->state, r.jid, r.source);
  if (!bare)
    return std::move(bare.error());
  auto rp = self->make_response_promise<bool>();
  admit(self, r.jid, r.locale, r.source, r.added_by, [rp](caf::error e) mutable {
    if (e)
      rp.deliver(std::move(e));
    else
      rp.deliver(true);
  });
  return rp;
}

caf::result<claim_state> claim_jid(manager_ptr self, jid_claim& c) {
  if (self->state.cfg.before_admission)
    self->state.cfg.before_admission();
  auto& st = self->state;
  auto bare = admissible(st, c.jid, store::whitelist_source::pages);
  if (!bare)
    return std::move(bare.error());
  auto limit = st.cfg.max_whitelisted.find(store::whitelist_source::pages);
  if (limit != st.cfg.max_whitelisted.end() && limit->second > 0 &&
      !st.claims.holds(c.jid.str(), c.visit) &&
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

}

caf::result<bool> remove_jid(manager_ptr self, const std::string& bare) {
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

}

void sweep(manager_ptr self) {
  auto& st = self->state;
  st.claims.sweep(unix_now());
  // The rates of JIDs that only claimed (never proved) go with their claims.
  std::erase_if(st.rates, [&st](const auto& r) {
    return !st.cfg.whitelist.contains(r.first) && !st.claims.waiting(r.first, unix_now());
  });
}

} // namespace otrbot::manager_admission
