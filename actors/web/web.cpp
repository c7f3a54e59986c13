// The web actor: routing, web sessions, and the student's pages (JID, secret, code).
#include "actors/web/web.hpp"

#include <algorithm>

#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"
#include "lti/pages/web_session_codec.hpp"
#include "lti/pages/routes.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/secrets.hpp"
#include "transport/xmpp/jid.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include <set>
#include <variant>

namespace otrbot {
namespace {

using namespace web_routes;
using lti::page;
using lti::web_request;
using lti::web_response;
using lti::web_session;

const lti::web_settings& pages(web_ptr self) { return self->state.cfg.pages; }

/// How long a request may take in all: longer than any deadline of its route's own requests
/// (a platform's registration has 40 s), which come first, so that the page can say which one
/// failed. Only a route that never answered meets this one.
constexpr std::chrono::seconds answer_within{60};

caf::result<web_response> show(web_ptr self, page kind, const web_request& r) {
  auto found = require(self, r, {}, false);
  if (auto* err = std::get_if<web_response>(&found))
    return *err;
  auto rp = self->make_response_promise<web_response>();
  with_claim(self, std::get<web_session>(found), [self, rp, kind](const web_session& s) mutable {
    if (s.jid.empty()) {
      rp.deliver(lti::show(pages(self), kind, s, {}));
      return;
    }
    with_step(self, s, [self, rp, kind, s](const lti::step_view& step) mutable {
      rp.deliver(lti::show(pages(self), kind, s, step));
    });
  });
  return rp;
}

/// A POST's form, then `next(visit)` with the student's JID known (proved); else the page
/// that asks for it (or for its proof) goes back instead.
template <class Next>
caf::result<web_response> form_with_jid(web_ptr self, const web_request& r, Next next) {
  lti::params form;
  lti::parse_form(r.body, form);
  auto found = require(self, r, form, true);
  if (auto* early = std::get_if<web_response>(&found))
    return *early;
  auto rp = self->make_response_promise<web_response>();
  with_claim(self, std::get<web_session>(found),
             [self, rp, form, next](const web_session& s) mutable {
               if (!s.jid.empty())
                 next(rp, s, form);
               else
                 rp.deliver(lti::redirect(pages(self), s.claim_jid.empty() ? "/enter_jid"
                                                                           : "/jid_entered", s));
             });
  return rp;
}

/// Whether this visit may make the bot speak once more (a refused secret is
/// also a chat message to the student): at most lti::max_spoken_per_minute.
bool may_speak(web_ptr self, const web_session& s) {
  auto now = unix_now();
  auto& [start, count] = self->state.spoken[s.id];
  if (now - start >= 60) {
    start = now;
    count = 0;
  }
  return ++count <= lti::max_spoken_per_minute;
}

caf::result<web_response> post_secret(web_ptr self, const web_request& r) {
  return form_with_jid(self, r, [self](reply rp, const web_session& s, const lti::params& form) {
    if (!may_speak(self, s)) {
      self->state.log->warn("web session of user {} sent more than {} secrets in a minute: refused",
                            logging::printable(s.lms.user_id), lti::max_spoken_per_minute);
      with_step(self, s, [self, rp, s](const lti::step_view& step) mutable {
        rp.deliver(lti::page_with_error(pages(self), 429, page::ask_for_secret, s, step,
                                        N_("Too many attempts. Wait a minute, then try again.")));
      });
      return;
    }
    ask(
      self, [self, rp, s](bool) mutable { rp.deliver(lti::redirect(pages(self), "/enter_bot_secret", s)); },
      [self, rp, s](caf::error& e) mutable {
        if (is(e, ec::unknown_jid)) {
          rp.deliver(lti::page_with_error(
            pages(self), 409, page::enter_jid, s, {},
            N_("Your session with the bot has ended. Enter your Jabber ID to start again.")));
        } else if (is(e, ec::weak_secret)) {
          with_step(self, s, [self, rp, s, why = detail_of(e)](const lti::step_view& step) mutable {
            rp.deliver(lti::page_with_error(pages(self), 400, page::ask_for_secret, s, step,
                                            step.lesson == "omemo"
                                              ? N_("That fingerprint was refused: {reason}.")
                                              : N_("That secret was refused: {reason}."),
                                            why));
          });
        } else {
          rp.deliver(unavailable(self, e, N_("The bot did not answer; try again.")));
        }
      },
      // The OMEMO lesson's page gives the student's device fingerprint in place of a secret.
      atoms::set_secret_v, jid_of(s),
      lti::value_of(form, std::any_of(form.begin(), form.end(),
                                      [](const auto& kv) { return kv.first == "device_fingerprint"; })
                            ? "device_fingerprint"
                            : "secret"));
  });
}

/// The code page's answer to `typed` at the student's `step`.
void check_code(web_ptr self, reply rp, const web_session& s, const std::string& typed,
                const lti::step_view& step) {
  if (s.wrong_codes >= lti::max_wrong_codes) {
    rp.deliver(lti::page_with_error(
      pages(self), 429, page::enter_bot_secret, s, step,
      N_("Too many wrong codes. Start the exercise again from your course.")));
    return;
  }
  if (step.done) {
    self->state.log->info("{} completed the exercise (no grade: already sent)", s.jid);
    rp.deliver(lti::redirect(pages(self), "/enter_bot_secret", s));
    return;
  }
  // Cannot be any code: a typing problem, not a guess (not counted).
  if (auto refused = lti::refuse_code_format(pages(self), s, step, typed)) {
    rp.deliver(*refused);
    return;
  }
  ask(
    self,
    [self, rp, s, step](bool right) mutable {
      if (!right) {
        update(self, s.id, [](web_session& live) { ++live.wrong_codes; });
        rp.deliver(lti::page_with_error(
          pages(self), 400, page::enter_bot_secret, s, step,
          N_("That is not the code the bot sent you. Check it and try again.")));
        return;
      }
      rp.deliver(lti::redirect(pages(self), "/enter_bot_secret", s));
    },
    [self, rp, s, step](caf::error& e) mutable {
      if (is(e, ec::no_session)) {
        rp.deliver(lti::page_with_error(
          pages(self), 400, page::enter_bot_secret, s, step,
          N_("The bot has no lesson running for you: say hello to it first.")));
        return;
      }
      if (is(e, ec::not_stored)) {  // the right code; the completion waits for the disk
        self->state.log->error("the completion of {} is not on disk yet; the page says so",
                               s.jid);
        rp.deliver(lti::page_with_error(
          pages(self), 503, page::enter_bot_secret, s, step,
          N_("That is the right code, but the bot could not record it just now. The code stays "
             "valid: try again in a minute.")));
        return;
      }
      rp.deliver(unavailable(self, e, N_("The bot did not answer; try again.")));
    },
    atoms::check_code_v, jid_of(s), typed);
}

caf::result<web_response> post_code(web_ptr self, const web_request& r) {
  return form_with_jid(self, r, [self](reply rp, const web_session& s, const lti::params& form) {
    with_step(self, s, [self, rp, s, typed = lti::value_of(form, "bot_secret")](
                         const lti::step_view& step) mutable { check_code(self, rp, s, typed, step); });
  });
}

/// Development mode only: ends the student's bot session (as the admin
/// API's DELETE does) and forgets this visit, so the next one starts from
/// the beginning with a new key, without restarting anything.
caf::result<web_response> start_again(web_ptr self, const web_request& r) {
  if (pages(self).lti.enabled)
    return lti::error_page(pages(self), 404, N_("There is no such page."));
  lti::params form;
  lti::parse_form(r.body, form);
  auto found = require(self, r, form, true);
  if (auto* err = std::get_if<web_response>(&found))
    return *err;
  auto s = std::get<web_session>(found);
  auto done = [self, s] {
    self->state.sessions.erase(s.id);
    self->state.log->info("development mode: {} starts again", s.jid.empty() ? "a visitor" : s.jid);
    // (Built whole: GCC 12 at -O2 warns, wrongly, about assigning "/" to its location: -Wrestrict.)
    return web_response{303, lti::body_kind::none, {}, std::string{"/"}, {}, false, false};
  };
  if (s.jid.empty())
    return done();
  auto rp = self->make_response_promise<web_response>();
  ask(
    self, [rp, done](bool) mutable { rp.deliver(done()); },
    [self, rp](caf::error& e) mutable {
      rp.deliver(unavailable(self, e, N_("The bot did not answer; try again.")));
    },
    atoms::start_over_v, jid_of(s));
  return rp;
}

/// The web actor's side of the one route table (lti/pages/routes.hpp).
caf::result<web_response> route(web_ptr self, const web_request& r) {
  using lti::route;
  auto m = lti::match_route(r.method, r.path);
  if (!m)
    return lti::admin_space(r.path) ? admin_error(404, "not found")
                                    : lti::error_page(pages(self), 404, N_("There is no such page."));
  switch (m->route) {
  case route::launch: return launch(self, r);
  case route::dev_index: return dev_index(self, r);
  case route::show_enter_jid: return show(self, page::enter_jid, r);
  case route::show_jid_entered: return show(self, page::jid_entered, r);
  case route::show_secret: return show(self, page::ask_for_secret, r);
  case route::show_code: return show(self, page::enter_bot_secret, r);
  case route::post_jid: return post_jid(self, r);
  case route::post_secret: return post_secret(self, r);
  case route::post_code: return post_code(self, r);
  case route::start_again: return start_again(self, r);
  case route::live_view: return live_view(self, r);
  case route::lti13_login:
  case route::lti13_launch:
  case route::lti13_jwks:
  case route::lti13_register: return lti13_routes(self, r, m->route);
  case route::class_view: return class_view(self, r);
  case route::class_resend: return class_resend(self, r);
  case route::admin_whitelist:
  case route::admin_whitelist_add:
  case route::admin_whitelist_remove:
  case route::admin_sessions:
  case route::admin_session_end:
  case route::admin_grades:
  case route::admin_grade_retry:
  case route::admin_invite: return admin(self, r, *m);
  case route::is_up:
  case route::progress_js:
  case route::lti13_js: break;  // the HTTP adapter answers these itself
  }
  return lti::error_page(pages(self), 404, N_("There is no such page."));
}

} // namespace

namespace web_routes {

/// The web session of a request (and, for POSTs, its CSRF check), or the
/// error page to send instead.
std::variant<web_session, web_response> require(web_ptr self, const web_request& r,
                                                const lti::params& form, bool post) {
  auto id = lti::read_token(lti::token_of(r, form), self->state.cfg.pages.token_key, unix_now());
  auto it = id ? self->state.sessions.find(*id) : self->state.sessions.end();
  if (it == self->state.sessions.end())
    return lti::error_page(self->state.cfg.pages, 403,
                           N_("Your session has expired or was not started from your course."));
  if (post && !secrets::constant_time_equal(lti::value_of(form, "csrf"), it->second.csrf))
    return lti::error_page(self->state.cfg.pages, 403, N_("This form was not sent from this exercise's page."));
  return it->second;
}

xmpp::bare_jid jid_of(const web_session& s) {
  auto parsed = xmpp::parse_bare_jid(s.jid);
  return parsed ? parsed.bare() : xmpp::bare_jid{};
}

void with_step(web_ptr self, const web_session& s, std::function<void(const lti::step_view&)> next) {
  if (s.jid.empty()) {
    next({});
    return;
  }
  ask(
    self, [next](lti::step_view& step) { next(step); },
    [self, next](caf::error& e) {
      self->state.log->warn("no lesson step from the session manager: {}", caf::to_string(e));
      next({});
    },
    atoms::step_v, jid_of(s));
}

web_response unavailable(web_ptr self, const caf::error& e, const char* msgid) {
  self->state.log->error("the session manager did not answer: {}", caf::to_string(e));
  return lti::error_page(self->state.cfg.pages, 503, msgid);
}

void persist(web_ptr self, const web_session& s) {
  if (self->state.cfg.store)
    self->send(self->state.cfg.store, atoms::st_web_v,
               store::web_session_row{s.id, s.expires, lti::encode_session(s)});
}

} // namespace web_routes

web_actor::behavior_type web(web_actor::stateful_pointer<web_state> self, web_config cfg) {
  self->state.cfg = std::move(cfg);
  self->state.log = logging::get("lti");
  for (auto& s : self->state.cfg.restored)
    self->state.sessions[s.id] = std::move(s);
  self->state.cfg.restored.clear();
  for (auto* key : {&self->state.cfg.lti13.state_key, &self->state.cfg.lti13.invite_key})
    if (key->empty())
      *key = lti::random_hex(32);
  return {
    [self](lti::web_request& r) -> caf::result<web_response> { return route(self, r); },
    [self](web_call& call) {
      // Asked of itself, so that a route that answers later (a promise) answers here too; within
      // answer_within: a route that never answered would otherwise leave its browser waiting.
      request_within(self, caf::actor_cast<web_actor>(self), answer_within, std::move(call.request))
        .then([answer = call.answer](web_response& w) { answer->write(w); },
              [self, answer = call.answer](caf::error& e) {
                self->state.log->error("a web request failed: {}", caf::to_string(e));
                answer->write(lti::error_page(pages(self), 503, N_("The bot did not answer; try again.")));
              });
    },
    [self](atoms::tick) { expire_deadlines(self); },
  };
}

} // namespace otrbot
