// The web actor: LTI 1.3. A login (OIDC third-party initiated) sends the browser to the platform
// with a state and a nonce, and binds the state to that browser (a partitioned cookie, or the
// platform's storage when it offers it); the launch comes back with an id_token, checked
// against the platform's key set; then the visit goes on as after an LTI 1.1 launch. Also the
// tool's key set and dynamic registration.
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"
#include "lti/lti13/lti13_login.hpp"
#include "lti/lti13/registration.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/secrets.hpp"
#include "transport/base/unix_time.hpp"

#include <algorithm>
#include <cctype>

namespace otrbot::web_routes {
namespace {

using lti::web_request;
using lti::web_response;

constexpr const char* cookie_prefix = "otrbot_lti13_";
constexpr const char* not_started = N_("This exercise could not be started: {reason}.");

const lti::web_settings& pages(web_ptr self) { return self->state.cfg.pages; }
lti13_web_config& lti13_cfg(web_ptr self) { return self->state.cfg.lti13; }

} // namespace

std::string base_url(web_ptr self, const web_request& r) {
  auto root = r;
  root.path = "/";
  auto u = lti::signed_uri(pages(self).lti, root);
  while (u.ends_with('/'))
    u.pop_back();
  return u;
}

namespace {

/// Whether `url` is the tool's base URL or under it.
bool ours(const std::string& base, const std::string& url) {
  return url == base || url.starts_with(base + "/");
}

/// scheme://host[:port] of a URL.
std::string origin_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return {};
  return url.substr(0, url.find_first_of("/?#", scheme + 3));
}

} // namespace

bool from_own_page(web_ptr self, const web_request& r) {
  if (!r.fetch_site.empty())
    return r.fetch_site == "same-origin";
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  return !r.origin.empty() && lower(r.origin) == lower(origin_of(base_url(self, r)));
}

namespace {

web_response refused(web_ptr self, int status, const char* reason, const std::string& locale = {}) {
  return lti::error_page(pages(self), status, not_started, reason, locale);
}

} // namespace

web_response handoff(web_ptr self, int status, std::string action,
                     std::map<std::string, std::string> values, const std::string& locale) {
  auto v = lti::view(pages(self), lti::page::handoff, nullptr, {});
  v.locale = pages(self).catalogs->best_match(locale, pages(self).default_locale);
  v.handoff = std::move(action);
  v.handoff_data = std::move(values);
  return lti::html(status, v);
}

namespace {

/// The login again, for a new window (where the browser keeps first-party cookies).
std::string login_again(const std::string& base, const lti13::login_request& l) {
  std::string url = base + "/lti13/login";
  char sep = '?';
  for (auto [name, value] : {std::pair{"iss", &l.iss}, {"login_hint", &l.login_hint},
                             {"target_link_uri", &l.target_link_uri},
                             {"lti_message_hint", &l.lti_message_hint}, {"client_id", &l.client_id},
                             {"lti_deployment_id", &l.lti_deployment_id}})
    if (!value->empty()) {
      url += sep + std::string{name} + "=" + lti::percent_encode(*value);
      sep = '&';
    }
  return url;
}

/// A verified launch's last checks (the nonce in the store), then the visit's first page.
void finish_launch(web_ptr self, reply rp, lti13::verified_launch v, const std::string& nonce) {
  auto& st = self->state;
  // The launch's platform: its grade target names it (an AGS line item's issuer and client).
  auto target = v.launch.target();
  const auto* line = std::get_if<lti::ags_line_item>(&target);
  auto id = line ? lti13::platform_id{line->issuer, line->client_id} : lti13::platform_id{};
  auto locale = pages(self).catalogs->best_match(v.launch.locale, pages(self).default_locale);
  auto nonce_key = "lti13 " + id.first;
  if (!st.nonces.first_use(nonce_key, nonce, unix_now())) {
    st.log->warn("LTI 1.3 launch refused (401): its nonce was used before");
    rp.deliver(refused(self, 401, N_("the launch was already used (a replayed nonce)"), locale));
    return;
  }
  if (v.new_deployment) {
    auto it = lti13_cfg(self).platforms.find(id);
    if (it != lti13_cfg(self).platforms.end()) {
      it->second.deployment_ids.insert(v.deployment_id);
      st.log->info("LTI 1.3: a new deployment {} of platform {} (client {}) recorded",
                   logging::printable(v.deployment_id), id.first, id.second);
      if (st.cfg.store)
        self->send(st.cfg.store, atoms::lti13_platform_v, it->second);
    }
  }
  st.log->info("LTI 1.3 launch from {} (user {}, roles {}{}{})", id.first,
               logging::printable(v.launch.user_id), v.launch.learner ? "learner" : "",
               v.launch.instructor ? " instructor" : "",
               v.launch.gradable() ? ", graded through AGS" : "");
  // As for LTI 1.1: the store remembers the nonce across restarts (urgent, as there).
  start_visit(self, rp, "LTI 1.3", std::move(v.launch), nonce_key, nonce, locale);
}

/// Checks the token against the platform's key set (fetched again once for an unknown key).
void check_token(web_ptr self, reply rp, jose::compact token, lti13::platform p,
                 std::string nonce, std::string kid, std::string locale, std::string base) {
  auto url = p.key_set_url;
  bool registered = p.source == "registered";
  // 12 s at most; a slow fetch goes on and its set
  // is cached for the next launch.
  request_within(self, lti13_cfg(self).client, std::chrono::seconds{12}, atoms::key_set_v, url, kid, registered)
    .then(
      [self, rp, token = std::move(token), p = std::move(p), nonce = std::move(nonce),
       locale, base](std::string& jwks_text) mutable {
        auto jwks = nlohmann::json::parse(jwks_text, nullptr, false);
        auto check = lti13::validate_id_token(token, p, jwks, nonce, unix_now());
        if (check.error) {
          // The detail may quote the token's own header (its kid, its alg): made printable.
          self->state.log->warn("LTI 1.3 launch from {} refused ({}): {}", logging::printable(p.issuer),
                                check.error->status, logging::printable(check.detail));
          rp.deliver(refused(self, check.error->status, check.error->message.c_str(), locale));
          return;
        }
        if (const auto& target = check.value->target_link_uri; !target.empty() && !ours(base, target)) {
          self->state.log->warn("LTI 1.3 launch from {} refused (400): its target_link_uri {} is "
                                "not under {}", p.issuer, logging::printable(target), base);
          rp.deliver(refused(self, 400, N_("the launch is for another tool's address (target_link_uri)"),
                             locale));
          return;
        }
        finish_launch(self, rp, std::move(*check.value), nonce);
      },
      [self, rp, url, locale](caf::error& e) mutable {
        self->state.log->error("LTI 1.3 launch: no key set from {}: {}", logging::printable(url),
                               logging::printable(detail_of(e).empty() ? caf::to_string(e) : detail_of(e)));
        rp.deliver(refused(self, 502, N_("the bot could not fetch your platform's keys; try again"),
                           locale));
      });
}

caf::result<web_response> lti13_login(web_ptr self, const web_request& r) {
  auto& st = self->state;
  if (!lti13_cfg(self).enabled)
    return lti::error_page(pages(self), 404, N_("LTI 1.3 is not set up on this bot."));
  lti::params all = r.query;
  if (r.method == "POST" && !lti::parse_form(r.body, all))
    return refused(self, 400, N_("the login request is malformed"));
  std::string why;
  auto login = lti13::read_login(all, why);
  if (!login) {
    st.log->warn("LTI 1.3 login refused (400): {}", logging::printable(why));
    return refused(self, 400, N_("the login request is incomplete"));
  }
  const auto* p = lti13::find_platform(lti13_cfg(self).platforms, login->iss, login->client_id);
  if (!p) {
    st.log->warn("LTI 1.3 login refused (400): no platform {} with client {} is registered",
                 logging::printable(login->iss), logging::printable(login->client_id));
    return refused(self, 400, N_("your platform is not registered with this bot"));
  }
  if (!login->lti_deployment_id.empty() && p->fixed_deployments &&
      !p->deployment_ids.contains(login->lti_deployment_id)) {
    st.log->warn("LTI 1.3 login refused (403): deployment {} of {} is not accepted",
                 logging::printable(login->lti_deployment_id), p->issuer);
    return refused(self, 403, N_("the deployment is not one this tool accepts"));
  }
  // The launch must come back here: a login for another tool's URL is not ours to start.
  auto base = base_url(self, r);
  if (!ours(base, login->target_link_uri)) {
    st.log->warn("LTI 1.3 login refused (400): its target_link_uri {} is not under {}",
                 logging::printable(login->target_link_uri), base);
    return refused(self, 400, N_("the login is for another tool's address (target_link_uri)"));
  }
  // Nothing is kept for the login: its state carries what the launch needs, sealed.
  auto login_state = lti13::new_login(*p, *login, unix_now());
  const auto& key = lti13_cfg(self).state_key;
  auto state = lti13::seal_login(login_state, key);
  auto bind = lti13::login_bind(key, login_state.id);
  auto next = lti13::auth_redirect(*p, *login, base + "/lti13/launch", state,
                                   lti13::login_nonce(key, login_state.id));
  // The cookie goes where the browser keeps it (also partitioned inside the LMS's frame); the
  // platform's storage where it offers one.
  auto cookie = std::string{cookie_prefix} + login_state.id + "=" + bind +
                "; Path=/lti13/; Max-Age=" + std::to_string(lti13::login_lifetime) +
                "; HttpOnly; Secure; SameSite=None; Partitioned";
  web_response out;
  if (login->lti_storage_target.empty()) {
    out.status = 302;
    out.location = next;
  } else {
    out = handoff(self, 200, "put",
                  {{"target", login->lti_storage_target}, {"origin", origin_of(p->auth_login_url)},
                   {"key", cookie_prefix + login_state.id}, {"value", bind}, {"next", next}},
                  {});
  }
  out.set_cookie = cookie;
  st.log->debug("LTI 1.3 login from {}: sent to the platform", p->issuer);
  return out;
}

caf::result<web_response> lti13_launch(web_ptr self, const web_request& r) {
  auto& st = self->state;
  if (!lti13_cfg(self).enabled)
    return lti::error_page(pages(self), 404, N_("LTI 1.3 is not set up on this bot."));
  lti::params form;
  if (!lti::parse_form(r.body, form))
    return refused(self, 400, N_("the launch request is malformed"));
  auto id_token = lti::value_of(form, "id_token");
  auto state = lti::value_of(form, "state");
  std::string why;
  auto token = jose::parse(id_token, why);
  // The page speaks the launch's language even when it is refused.
  auto locale = token ? lti13::launch_locale(token->claims) : std::string{};
  if (!lti::value_of(form, "error").empty()) {
    st.log->warn("LTI 1.3 launch refused (400): the platform sent error {}",
                 logging::printable(lti::value_of(form, "error")));
    return refused(self, 400, N_("your platform did not authorise the launch"), locale);
  }
  const auto& key = lti13_cfg(self).state_key;
  auto login = lti13::open_login(state, key, unix_now());
  if (!login) {
    st.log->warn("LTI 1.3 launch refused (401): its state is not that of a login under way");
    return refused(self, 401, N_("the launch does not belong to a login started here (or it took "
                                 "more than ten minutes)"), locale);
  }
  auto cookie_name = cookie_prefix + login->id;
  auto bind = lti13::login_bind(key, login->id);
  auto cookie = lti::value_of(r.lti13_cookies, cookie_name);
  // The binding read from the platform's storage counts only when the tool's own page posted it
  // (lti13.js on the handoff page): posted from elsewhere, it would log a victim's browser in as
  // whoever made the state and id_token (login CSRF).
  bool posted_binding = lti::count_of(form, "lti13_bind") > 0;
  bool asked_storage = posted_binding && from_own_page(self, r);
  if (posted_binding && !asked_storage)
    st.log->warn("LTI 1.3 launch: a browser binding posted from another site (Origin {}, "
                 "Sec-Fetch-Site {}) is ignored", logging::printable(r.origin),
                 logging::printable(r.fetch_site));
  bool bound = (!cookie.empty() && secrets::constant_time_equal(cookie, bind)) ||
               (asked_storage && secrets::constant_time_equal(lti::value_of(form, "lti13_bind"), bind));
  auto p = lti13_cfg(self).platforms.find(login->platform);
  if (p == lti13_cfg(self).platforms.end())
    return refused(self, 400, N_("your platform is not registered with this bot"), locale);
  if (!bound) {
    const auto& target = login->request.lti_storage_target;
    if (!target.empty() && !asked_storage)
      return handoff(self, 200, "get",
                     {{"target", target}, {"origin", origin_of(p->second.auth_login_url)},
                      {"key", cookie_name}, {"id_token", id_token}, {"state", state}},
                     locale);
    // Never a launch whose state cannot be tied to the browser that started its login.
    st.log->warn("LTI 1.3 launch refused (401): the browser kept neither the login's cookie nor "
                 "its storage{}", asked_storage ? " (the storage gave another value)" : "");
    if (asked_storage || !cookie.empty() || !login->carried)
      return refused(self, 401, N_("the launch does not belong to a login started in this browser"),
                     locale);
    return handoff(self, 401, "window", {{"window_url", login_again(base_url(self, r), login->request)}},
                   locale);
  }
  if (!token) {
    st.log->warn("LTI 1.3 launch refused (400): {}", logging::printable(why));
    return refused(self, 400, N_("the launch's token is not a signed JWT"), locale);
  }
  auto kid = lti13::signing_key_id(*token, why);
  if (!kid) {
    st.log->warn("LTI 1.3 launch refused (401): {}", logging::printable(why));
    return refused(self, 401, N_("the token is not signed with RS256"), locale);
  }
  auto rp = self->make_response_promise<web_response>();
  check_token(self, rp, std::move(*token), p->second, lti13::login_nonce(key, login->id), *kid, locale,
              base_url(self, r));
  return rp;
}

caf::result<web_response> lti13_jwks(web_ptr self, const web_request&) {
  if (!lti13_cfg(self).enabled)
    return lti::error_page(pages(self), 404, N_("LTI 1.3 is not set up on this bot."));
  return web_response{200, lti::body_kind::json, lti13_cfg(self).jwks, {}, {}, false, false};
}

} // namespace

caf::result<web_response> lti13_routes(web_ptr self, const web_request& r, lti::route which) {
  switch (which) {
  case lti::route::lti13_login: return lti13_login(self, r);
  case lti::route::lti13_launch: return lti13_launch(self, r);
  case lti::route::lti13_jwks: return lti13_jwks(self, r);
  case lti::route::lti13_register: return lti13_register(self, r);
  default: return lti::error_page(pages(self), 404, N_("There is no such page."));
  }
}

} // namespace otrbot::web_routes
