// The web actor: the admin REST API (JSON; Authorization: Bearer <admin.token>).
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "lti/pages/routes.hpp"
#include "i18n/text.hpp"
#include "transport/base/secrets.hpp"
#include "transport/xmpp/jid.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

namespace otrbot::web_routes {
namespace {

using json = nlohmann::json;
using lti::web_request;
using lti::web_response;

web_response json_reply(int status, const json& body) { return admin_json(status, body.dump()); }

web_response error_reply(int status, const std::string& message) {
  return admin_error(status, message);
}

/// Wrong admin tokens a client address may send in a minute; then every
/// admin request from it is refused (429) until the minute is over.
constexpr int max_admin_failures_per_minute = 10;

/// Who sent the request: behind a trusted proxy (lti.trust_forwarded_headers), the right-most
/// X-Forwarded-For entry, the one the proxy itself added; else the connection's address.
std::string client_of(web_ptr self, const web_request& r) {
  if (!self->state.cfg.pages.lti.trust_forwarded_headers || r.forwarded_for.empty())
    return r.remote;
  auto last = r.forwarded_for.substr(r.forwarded_for.rfind(',') + 1);
  auto begin = last.find_first_not_of(" \t"), end = last.find_last_not_of(" \t");
  return begin == std::string::npos ? r.remote : last.substr(begin, end - begin + 1);
}

/// 404 for everything when no token is set; 401 without the right one; 429
/// for an address that has guessed too often (checked first: no oracle).
std::optional<web_response> refuse(web_ptr self, const web_request& r) {
  const auto& token = self->state.cfg.admin_token;
  if (token.empty())
    return error_reply(404, "not found");
  auto& failures = self->state.admin_failures;
  auto now = unix_now();
  if (failures.size() > 10000)  // bounded: forget the minutes that are over
    std::erase_if(failures, [now](const auto& f) { return now - f.second.first >= 60; });
  // Behind the proxy every request comes from its address: counted per client, one client's
  // guesses lock out that client only.
  auto client = client_of(self, r);
  auto& [start, count] = failures[client];
  if (now - start >= 60) {
    start = now;
    count = 0;
  }
  if (count >= max_admin_failures_per_minute)
    return error_reply(429, "too many wrong tokens from this address: wait a minute");
  std::string_view given = r.authorization;
  bool bearer = given.starts_with("Bearer ");
  if (bearer)
    given.remove_prefix(7);
  if (!bearer || !secrets::constant_time_equal(given, token)) {
    if (++count == max_admin_failures_per_minute)
      self->state.log->warn("admin API: {} wrong tokens from {} in a minute: refused for the rest "
                            "of it", count, logging::printable(client));
    auto reply = error_reply(401, "a valid bearer token is required");
    reply.bearer_challenge = true;
    return reply;
  }
  return std::nullopt;
}

/// Asks the manager and answers with `on_value(answer)` (a T). An error goes
/// to `on_error`, which may answer it; else the answer is 503.
template <class T, class OnValue, class OnError, class... Ts>
caf::result<web_response> ask_or(web_ptr self, OnValue on_value, OnError on_error, Ts&&... xs) {
  auto rp = self->make_response_promise<web_response>();
  request_within(self, self->state.cfg.manager, self->state.cfg.manager_timeout, std::forward<Ts>(xs)...)
    .then([rp, on_value](T& answer) mutable { rp.deliver(on_value(answer)); },
          [self, rp, on_error](caf::error& e) mutable {
            if (std::optional<web_response> handled = on_error(e)) {
              rp.deliver(std::move(*handled));
              return;
            }
            self->state.log->error("the session manager did not answer: {}", caf::to_string(e));
            rp.deliver(error_reply(503, "the bot did not answer"));
          });
  return rp;
}

template <class T, class OnValue, class... Ts>
caf::result<web_response> ask_then(web_ptr self, OnValue on_value, Ts&&... xs) {
  auto unhandled = [](const caf::error&) { return std::optional<web_response>{}; };
  return ask_or<T>(self, std::move(on_value), unhandled, std::forward<Ts>(xs)...);
}

caf::result<web_response> list_whitelist(web_ptr self) {
  return ask_then<std::vector<whitelist_entry>>(
    self,
    [](std::vector<whitelist_entry>& wl) {
      json out = json::array();
      for (const auto& e : wl)
        out.push_back({{"jid", e.jid}, {"locale", e.locale}});
      return json_reply(200, out);
    },
    atoms::whitelist_v);
}

caf::result<web_response> add(web_ptr self, const web_request& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("jid") || !body["jid"].is_string() ||
      (body.contains("locale") && !body["locale"].is_string()))
    return error_reply(400, "the body must be {\"jid\": \"...\", \"locale\": \"...\"}");
  auto given = body.value("locale", self->state.cfg.pages.default_locale);
  auto locale = i18n::normalise_locale(given);
  if (!locale)
    return error_reply(400, "invalid locale \"" + given + "\": use a name such as en_GB");
  auto parsed = xmpp::parse_bare_jid(body["jid"].get<std::string>());
  if (!parsed)
    return error_reply(400, "invalid JID: " + parsed.error);
  auto id = parsed.bare();  // (the bot's own JID is refused by the manager alone)
  auto jid = id.str();
  return ask_or<bool>(
    self,
    [self, jid, locale = *locale](bool) {
      self->state.log->info("admin API: whitelisted {}", jid);
      return json_reply(201, {{"jid", jid}, {"locale", locale}});
    },
    [](const caf::error& e) -> std::optional<web_response> {
      if (is(e, ec::invalid_jid))
        return error_reply(400, "invalid JID: " + detail_of(e));
      if (is(e, ec::not_stored))
        return error_reply(503, "the bot could not store it; nothing was changed: try again");
      if (is(e, ec::whitelist_full))
        return error_reply(409, "the whitelist is full for the admin API (" + detail_of(e) +
                                "): remove a JID first, or raise the setting");
      return std::nullopt;
    },
    atoms::add_jid_v,
    store::whitelist_request{id, *locale, store::whitelist_source::admin, "admin API"});
}

/// DELETE of a JID's whitelist entry or session: 204, or 404 with `absent`.
template <class Atom>
caf::result<web_response> remove(web_ptr self, const std::string& encoded_jid, Atom what,
                                 const char* absent) {
  bool ok = true;
  auto text = lti::percent_decode(encoded_jid, false, ok);
  auto parsed = xmpp::parse_bare_jid(ok ? text : std::string{});
  if (!parsed)
    return error_reply(404, absent);  // not a JID: neither whitelisted nor in a session
  auto jid = parsed.bare();
  return ask_then<bool>(
    self,
    [absent](bool done) {
      if (!done)
        return error_reply(404, absent);
      web_response none;
      none.status = 204;
      return none;
    },
    what, jid);
}

caf::result<web_response> list_sessions(web_ptr self) {
  return ask_then<std::vector<session_info>>(
    self,
    [](std::vector<session_info>& list) {
      json out = json::array();
      for (const auto& s : list)
        out.push_back({{"jid", s.jid}, {"step", s.step.name}, {"locale", s.locale},
                       {"last_activity", s.last_activity}, {"client", s.client}});
      return json_reply(200, out);
    },
    atoms::session_list_v);
}

} // namespace

web_response admin_json(int status, std::string body) {
  return {status, lti::body_kind::json, std::move(body), {}, {}, false, false};
}

web_response admin_error(int status, const std::string& message) {
  return admin_json(status, json{{"error", message}}.dump());
}

caf::result<web_response> admin(web_ptr self, const web_request& r, const lti::matched_route& m) {
  using lti::route;
  std::optional<std::int64_t> grade;
  if (m.route == route::admin_grade_retry && !(grade = grade_id(m.param)))
    return admin_error(404, "not found");
  if (auto refused = refuse(self, r))
    return *refused;
  switch (m.route) {
  case route::admin_whitelist: return list_whitelist(self);
  case route::admin_whitelist_add: return add(self, r);
  case route::admin_whitelist_remove:
    return remove(self, m.param, atoms::remove_jid_v, "that JID is not whitelisted");
  case route::admin_sessions: return list_sessions(self);
  case route::admin_session_end:
    return remove(self, m.param, atoms::end_session_v, "that JID has no session");
  case route::admin_invite: return admin_invite(self, r);
  case route::admin_grades:
  case route::admin_grade_retry: return admin_grades(self, grade);
  default: return admin_error(404, "not found");
  }
}

} // namespace otrbot::web_routes
