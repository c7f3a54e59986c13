// The web actor: the LTI 1.1 launch (POST /) and the development index (GET /).
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"
#include "lti/pages/web_session_codec.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/unix_time.hpp"

namespace otrbot::web_routes {


namespace {

/// A new visit for a launch (not yet kept: keep_visit).
lti::web_session new_visit(web_ptr self, lti::launch l) {
  auto& st = self->state;
  lti::web_session s;
  s.id = lti::random_hex(16);
  s.csrf = lti::random_hex(16);
  s.locale = st.cfg.pages.catalogs->best_match(l.locale, st.cfg.pages.default_locale);
  s.lms = std::move(l);
  s.expires = unix_now() + lti::session_lifetime;
  return s;
}

/// Among the live visits (the store keeps it apart).
void keep_visit(web_ptr self, const lti::web_session& s) {
  auto& st = self->state;
  auto now = unix_now();
  // Expired visits go at most once a minute (not a walk through every visit
  // per launch); until then their tokens are refused anyway (read_token).
  if (now - st.last_sweep >= 60) {
    st.last_sweep = now;
    for (auto it = st.sessions.begin(); it != st.sessions.end();) {
      if (it->second.expires > now) {
        ++it;
        continue;
      }
      st.spoken.erase(it->first);
      it = st.sessions.erase(it);
    }
  }
  st.sessions[s.id] = s;
}

lti::web_response first_page(web_ptr self, const lti::web_session& s) {
  auto page = lti::html(200, lti::view(self->state.cfg.pages, lti::page::index, &s, {}));
  page.set_cookie = lti::session_cookie(self->state.cfg.pages, s);
  return page;
}

/// A visit without a launch's nonce (development mode), kept.
lti::web_session create_session(web_ptr self, lti::launch l) {
  auto s = new_visit(self, std::move(l));
  keep_visit(self, s);
  persist(self, s);
  return s;
}

} // namespace

void start_visit(web_ptr self, reply rp, const char* protocol, lti::launch l,
                 const std::string& nonce_key, const std::string& nonce, const std::string& locale) {
  auto& st = self->state;
  auto s = new_visit(self, std::move(l));
  if (!st.cfg.store) {
    keep_visit(self, s);
    rp.deliver(first_page(self, s));
    return;
  }
  // The store remembers the nonce across restarts (a launch replayed after a restart is refused
  // too), and keeps the visit with it in the same write. Urgent: a student waits for the page,
  // so it goes ahead of the lessons' writes queued on the store's thread.
  auto row = store::web_session_row{s.id, s.expires, lti::encode_session(s)};
  request_within<caf::message_priority::high>(self, st.cfg.store, st.cfg.manager_timeout,
                                              atoms::st_launch_v, nonce_key, nonce, unix_now(),
                                              std::move(row))
    .then(
      [self, rp, protocol, s = std::move(s), locale](bool fresh) mutable {
        const auto& pages = self->state.cfg.pages;
        if (!fresh) {
          self->state.log->warn("{} launch refused (401): the launch was already used (a nonce "
                                "seen before a restart)", protocol);
          rp.deliver(lti::error_page(pages, 401, N_("This exercise could not be started: {reason}."),
                                     N_("the launch was already used (a replayed nonce)"), locale));
          return;
        }
        keep_visit(self, s);
        rp.deliver(first_page(self, s));
      },
      [self, rp, protocol, locale](caf::error& e) mutable {
        self->state.log->error("the store did not record the {} launch: {}", protocol,
                               caf::to_string(e));
        rp.deliver(lti::error_page(self->state.cfg.pages, 503,
                                   N_("This exercise could not be started: {reason}."),
                                   N_("the bot could not record the launch; try again"), locale));
      });
}

caf::result<lti::web_response> launch(web_ptr self, const lti::web_request& r) {
  auto& st = self->state;
  const auto& cfg = st.cfg.pages;
  lti::params all = r.query;
  if (!lti::parse_form(r.body, all))
    return lti::error_page(cfg, 400, N_("The launch request is malformed."));
  auto v = lti::validate_launch(lti::signed_uri(cfg.lti, r), all, cfg.lti.consumers, unix_now(),
                                st.nonces);
  if (v.error) {
    st.log->warn("LTI launch refused ({}): {}", v.error->status, v.error->message);
    // The page speaks the launch's language even when the launch is refused:
    // choosing a language from unverified input harms nothing.
    auto locale = cfg.catalogs->best_match(lti::value_of(all, "launch_presentation_locale"),
                                           cfg.default_locale);
    return lti::error_page(cfg, v.error->status, N_("This exercise could not be started: {reason}."),
                           v.error->message, locale);
  }
  if (v.value->outcome_url.empty() && !lti::value_of(all, "lis_outcome_service_url").empty())
    st.log->warn("LTI launch from consumer {} names a grade URL that is not http(s): no grade "
                 "will be sent for it", v.value->consumer_key);
  st.log->info("LTI launch from consumer {} (user {}, roles {}{})", v.value->consumer_key,
               logging::printable(v.value->user_id), v.value->learner ? "learner" : "",
               v.value->instructor ? " instructor" : "");
  auto rp = self->make_response_promise<lti::web_response>();
  auto consumer = v.value->consumer_key;
  auto locale = cfg.catalogs->best_match(v.value->locale, cfg.default_locale);
  start_visit(self, rp, "LTI", std::move(*v.value), consumer, lti::value_of(all, "oauth_nonce"),
              locale);
  return rp;
}

caf::result<lti::web_response> dev_index(web_ptr self, const lti::web_request&) {
  auto& st = self->state;
  if (st.cfg.pages.lti.enabled)
    return lti::error_page(st.cfg.pages, 400,
                           N_("Open this exercise from your course: it needs an LTI launch."));
  st.log->warn("development mode: a page opened without an LMS launch");
  // Each visit is another student of the development class (the teacher view lists them).
  lti::launch mock;
  mock.user_id = "development-user-" + std::to_string(++st.dev_visits);
  mock.person_name = "Development student " + std::to_string(st.dev_visits);
  mock.learner = true;
  mock.roles = {"Learner"};
  return first_page(self, create_session(self, std::move(mock)));
}

} // namespace otrbot::web_routes
