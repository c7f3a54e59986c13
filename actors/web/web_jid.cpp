// POST /enter_jid and the proof that the JID is the visitor's: a JID entered on the page is only
// claimed; it binds to the visit when a chat message from it carries the word the page shows.
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"
#include "lti/wire/token.hpp"
#include "transport/xmpp/jid.hpp"

#include <caf/all.hpp>

#include <set>

namespace otrbot::web_routes {
namespace {

using lti::page;
using lti::web_request;
using lti::web_response;
using lti::web_session;

/// Letters of the word a claimed JID must send (30 bits from the code's alphabet).
constexpr std::size_t proof_letters = 6;

const lti::web_settings& pages(web_ptr self) { return self->state.cfg.pages; }

/// The JID page again, with what was typed and why it was refused.
void refuse_jid(web_ptr self, reply rp, const web_session& s, const std::string& typed, int status,
                const char* msgid, const std::string& arg = {}, const char* arg_name = "reason") {
  with_step(self, s, [=](const lti::step_view& step) mutable {
    auto v = lti::view(pages(self), page::enter_jid, &s, step);
    v.jid = typed;
    v.error = msgid;
    if (!arg.empty())
      v.error_args[arg_name] = arg;
    rp.deliver(lti::html(status, v));
  });
}

bool same_person(const web_session& a, const web_session& b) {
  return a.lms.consumer_key == b.lms.consumer_key && a.lms.user_id == b.lms.user_id;
}

/// The JIDs that live visits (other than `s` itself) of the LMS user of `s` (same: true), or of
/// others, have proved; with `claimed`, also those they wait for.
std::set<std::string> jids_of(web_ptr self, const web_session& s, bool same, bool claimed) {
  auto now = unix_now();
  std::set<std::string> out;
  for (const auto& [id, other] : self->state.sessions) {
    if (other.expires <= now || id == s.id || same_person(other, s) != same)
      continue;
    if (!other.jid.empty())
      out.insert(other.jid);
    else if (claimed && lti::claim_waiting(other, now))
      out.insert(other.claim_jid);
  }
  return out;
}

void clear_claim(web_session& s) {
  s.claim_jid.clear();
  s.claim_word.clear();
  s.claim_expires = 0;
}

/// The visit binds `jid` (proved, or the same person proved it before): its grade is the
/// manager's to send on completion.
void bind_visit(web_ptr self, web_session& s, const std::string& jid) {
  s.jid = jid;
  clear_claim(s);
  update(self, s.id, [&s](web_session& live) {
    live.jid = s.jid;
    clear_claim(live);
  });
}

/// The JID page again when the manager refused (or did not answer).
void refused_by_manager(web_ptr self, reply rp, const web_session& s, const std::string& typed,
                        const caf::error& e) {
  if (is(e, ec::whitelist_full))
    refuse_jid(self, rp, s, typed, 503,
               N_("The bot is teaching as many students as it may right now. Try again in a "
                  "few minutes, or tell your teacher."));
  else if (is(e, ec::invalid_jid))
    refuse_jid(self, rp, s, typed, 400,
               N_("That is the bot's own Jabber ID. Enter yours: the one you use in your chat "
                  "program."));
  else
    rp.deliver(unavailable(self, e, N_("The bot could not add you; try again.")));
}

/// JID entered by a visit of someone who proved it already: whitelisted at once, as before
/// there were proofs (a relaunch from the course, a second device's page).
void add_proved(web_ptr self, reply rp, web_session s, const xmpp::bare_jid& id,
                const std::string& typed) {
  const auto& jid = id.str();
  ask(
    self,
    [self, rp, s, jid](bool) mutable {
      bind_visit(self, s, jid);
      self->state.log->info("web session of user {} entered {} (proved in another of their visits)",
                            logging::printable(s.lms.user_id), jid);
      if (s.lms.gradable() && self->state.cfg.grades)
        self->send(self->state.cfg.grades, atoms::grade_when_done_v, jid,
                   grade_job{s.lms.target(), 1.0});
      rp.deliver(lti::redirect(pages(self), "/jid_entered", s));
    },
    [self, rp, s, typed](caf::error& e) { refused_by_manager(self, rp, s, typed, e); },
    atoms::add_jid_v, store::whitelist_request{id, s.locale, store::whitelist_source::pages, lti::visitor(s)});
}

/// The JID claimed for the visit: the page then shows the word to send from it.
void claim(web_ptr self, reply rp, web_session s, const std::string& jid, const std::string& typed) {
  auto now = unix_now();
  if (!(lti::claim_waiting(s, now) && s.claim_jid == jid))
    s.claim_word = lti::random_word(proof_letters);  // a new JID (or an old claim): a new word
  s.claim_jid = jid;
  s.claim_expires = now + claim_lifetime;
  ask(
    self,
    [self, rp, s, jid](claim_state state) mutable {
      if (state == claim_state::too_many) {
        refuse_jid(self, rp, s, jid, 429,
                   N_("Too many visits are waiting for a word from that Jabber ID right now. If "
                      "it is yours, try again in an hour, or ask your teacher."));
        return;
      }
      if (state == claim_state::bound)
        bind_visit(self, s, jid);
      else
        update(self, s.id, [&s](web_session& live) {
          live.claim_jid = s.claim_jid;
          live.claim_word = s.claim_word;
          live.claim_expires = s.claim_expires;
        });
      self->state.log->info("web session of user {} entered {}: waiting for the word from it",
                            logging::printable(s.lms.user_id), jid);
      rp.deliver(lti::redirect(pages(self), "/jid_entered", s));
    },
    [self, rp, s, typed](caf::error& e) { refused_by_manager(self, rp, s, typed, e); },
    atoms::claim_jid_v, lti::claim_of(s));
}

} // namespace

void with_claim(web_ptr self, web_session s, std::function<void(const web_session&)> next) {
  if (!lti::has_claim(s)) {
    next(s);
    return;
  }
  bool expired = !lti::claim_waiting(s, unix_now());
  if (expired || jids_of(self, s, false, false).contains(s.claim_jid)) {
    self->state.log->info("web session of user {}: the claim of {} ended ({})",
                          logging::printable(s.lms.user_id), s.claim_jid,
                          expired ? "it expired without its word" : "another person's visit proved it");
    clear_claim(s);
    update(self, s.id, [](web_session& live) { clear_claim(live); });
    next(s);
    return;
  }
  ask(
    self,
    [self, s, next](claim_state state) mutable {
      if (state == claim_state::bound) {
        self->state.log->info("web session of user {} is bound to {}: the word came from it",
                              logging::printable(s.lms.user_id), s.claim_jid);
        bind_visit(self, s, s.claim_jid);
      }
      next(s);
    },
    [self, s, next](caf::error& e) mutable {
      self->state.log->warn("no answer about a claim from the session manager: {}",
                            caf::to_string(e));
      next(s);
    },
    atoms::claim_jid_v, lti::claim_of(s));
}

caf::result<web_response> post_jid(web_ptr self, const web_request& r) {
  lti::params form;
  lti::parse_form(r.body, form);
  auto found = require(self, r, form, true);
  if (auto* err = std::get_if<web_response>(&found))
    return *err;
  auto s = std::get<web_session>(found);
  auto typed = lti::value_of(form, "jid");
  auto rp = self->make_response_promise<web_response>();
  auto parsed = xmpp::parse_bare_jid(typed);
  if (!parsed) {
    refuse_jid(self, rp, s, typed, 400,
               N_("That is not a Jabber ID ({reason}). It looks like name@example.org."),
               parsed.error);
    return rp;
  }
  auto id = parsed.bare();  // (the bot's own JID is refused by the manager alone)
  const auto& jid = id.str();
  // One student, one Jabber ID: a visit cannot make the bot invite anyone
  // else, nor take over another student's JID (their secret, their grade).
  if (!s.jid.empty() && s.jid != jid) {
    refuse_jid(self, rp, s, typed, 409,
               N_("This exercise is already linked to {jid}. To use another Jabber ID, start "
                  "the exercise again from your course."),
               s.jid, "jid");
    return rp;
  }
  if (s.jid == jid) {
    rp.deliver(lti::redirect(pages(self), "/jid_entered", s));
    return rp;
  }
  auto mine = jids_of(self, s, true, true);  // (this visit's own claim is replaced by the new one)
  if (!mine.contains(jid) && mine.size() >= lti::max_jids_per_lms_user) {
    self->state.log->warn("web session of user {} entered a JID beyond its {}: refused",
                          logging::printable(s.lms.user_id), lti::max_jids_per_lms_user);
    refuse_jid(self, rp, s, typed, 429,
               N_("You have linked as many Jabber IDs to your exercises as one person may. Use "
                  "one of those, or ask your teacher."));
    return rp;
  }
  if (jids_of(self, s, false, false).contains(jid)) {
    self->state.log->warn("web session of user {} entered {}, which another launch uses: refused",
                          logging::printable(s.lms.user_id), jid);
    refuse_jid(self, rp, s, typed, 409,
               N_("That Jabber ID is already used in another student's exercise. Enter your "
                  "own."));
    return rp;
  }
  if (jids_of(self, s, true, false).contains(jid))
    add_proved(self, rp, s, id, typed);
  else
    claim(self, rp, s, jid, typed);
  return rp;
}

} // namespace otrbot::web_routes
