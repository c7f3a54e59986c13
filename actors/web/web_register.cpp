// The web actor: LTI Dynamic Registration. The platform opens /lti13/register with its
// openid_configuration (and a registration_token); the LMS's administrator types the invite the
// bot's administrator made for that platform; the bot then registers itself. A registration adds
// a platform, never replaces one (registration::conflict). Also the admin API's invites.
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"
#include "lti/lti13/lti13_invite.hpp"
#include "lti/lti13/registration.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

namespace otrbot::web_routes {
namespace {

using lti::web_request;
using lti::web_response;

const lti::web_settings& pages(web_ptr self) { return self->state.cfg.pages; }
lti13_web_config& lti13_cfg(web_ptr self) { return self->state.cfg.lti13; }

/// The registration code's form (again, with what went wrong).
web_response form(web_ptr self, int status, const std::string& config_url, const std::string& token,
                  const char* error = nullptr) {
  auto v = lti::view(pages(self), lti::page::handoff, nullptr, {});
  v.locale = pages(self).catalogs->best_match({}, pages(self).default_locale);
  v.handoff = "register";
  v.handoff_data = {{"openid_configuration", config_url}, {"registration_token", token}};
  if (error)
    v.error = error;
  return lti::html(status, v);
}

web_response failed(web_ptr self, const char* reason) {
  return lti::error_page(pages(self), 502, N_("The registration failed: {reason}."), reason);
}

/// What became of an invite's use.
enum class taken { now, before, not_recorded };

/// Marks the invite used (the store remembers it until it expires; without a store, this
/// process does), then `next(taken::now)`; `taken::before` when it was used before,
/// `taken::not_recorded` when the store could not say (the invite stays usable).
template <class Next>
void take_invite(web_ptr self, const lti13::invite& inv, Next next) {
  auto& st = self->state;
  if (!st.cfg.store) {
    next(st.used_invites.insert(inv.id).second ? taken::now : taken::before);
    return;
  }
  request_within(self, st.cfg.store, st.cfg.manager_timeout, atoms::st_invite_v, inv.id, inv.expires, true)
    .then([next](bool fresh) mutable { next(fresh ? taken::now : taken::before); },
          [self, next](caf::error& e) mutable {
            self->state.log->error("the store did not record a registration invite's use: {}",
                                   caf::to_string(e));
            next(taken::not_recorded);
          });
}

/// The invite usable again (nothing was registered with it).
void release_invite(web_ptr self, const lti13::invite& inv) {
  auto& st = self->state;
  if (!st.cfg.store)
    st.used_invites.erase(inv.id);
  else
    request_within(self, st.cfg.store, st.cfg.manager_timeout, atoms::st_invite_v, inv.id, inv.expires, false)
      .then([](bool) {},
            [self](caf::error& e) {
              self->state.log->warn("a registration invite could not be released: {}",
                                    caf::to_string(e));
            });
}

/// The registration itself, once the invite is taken.
void register_with(web_ptr self, caf::typed_response_promise<web_response> rp, lti13::invite inv,
                   std::string config_url, std::string token, std::string base) {
  registration::tool_description tool;
  tool.public_url = std::move(base);
  auto names = i18n::with_defaults(*pages(self).catalogs, pages(self).default_locale,
                                   pages(self).format_strings);
  tool.name = names["bot_title"];
  tool.description = names["bot_description"];
  request_within(self, lti13_cfg(self).client, std::chrono::seconds{40}, atoms::register_tool_v,
                config_url, token, registration::registration_request(tool))
    .then(
      [self, rp](lti13::platform& registered) mutable {
        auto& st = self->state;
        auto* p = &registered;
        if (auto why = registration::conflict(lti13_cfg(self).platforms, *p); !why.empty()) {
          st.log->warn("LTI 1.3 registration refused: {} (the invite is used up)",
                       logging::printable(why));
          rp.deliver(lti::error_page(pages(self), 409, N_("The registration failed: {reason}."),
                                     N_("the platform is registered with this bot already, or "
                                        "another registration speaks for its issuer; the bot's "
                                        "log says which")));
          return;
        }
        lti13_cfg(self).platforms[{p->issuer, p->client_id}] = *p;
        st.log->info("LTI 1.3: platform {} (client {}) registered from {}",
                     logging::printable(p->issuer), logging::printable(p->client_id),
                     logging::printable(p->configuration_host));
        if (st.cfg.store)
          self->send(st.cfg.store, atoms::lti13_platform_v, *p);
        if (st.cfg.outcomes)
          self->send(st.cfg.outcomes, atoms::lti13_platform_v, *p);
        rp.deliver(handoff(self, 200, "close", {}, {}));
      },
      [self, rp, inv](caf::error& e) mutable {
        // Nothing was registered: the invite may be used again.
        release_invite(self, inv);
        self->state.log->error("LTI 1.3 registration failed: {}",
                               logging::printable(detail_of(e).empty() ? caf::to_string(e) : detail_of(e)));
        rp.deliver(failed(self, N_("the platform could not be reached or refused it; the bot's "
                                   "log says why")));
      });
}

} // namespace

caf::result<web_response> lti13_register(web_ptr self, const web_request& r) {
  auto& st = self->state;
  if (!lti13_cfg(self).enabled)
    return lti::error_page(pages(self), 404, N_("LTI 1.3 is not set up on this bot."));
  lti::params form_values = r.query;
  if (r.method == "POST" && !lti::parse_form(r.body, form_values))
    return lti::error_page(pages(self), 400, N_("The registration failed: {reason}."),
                           N_("the form was malformed"));
  auto config_url = lti::value_of(form_values, "openid_configuration");
  auto token = lti::value_of(form_values, "registration_token");
  if (config_url.empty())
    return lti::error_page(pages(self), 400,
                           N_("Open this page from your platform's tool registration: it needs "
                              "the platform's openid_configuration."));
  if (r.method == "GET")
    return form(self, 200, config_url, token);
  // The code is typed on the bot's own page, inside the platform's registration window.
  if (!from_own_page(self, r)) {
    st.log->warn("LTI 1.3 registration refused (403): the form was posted from another site");
    return form(self, 403, config_url, token,
                N_("Send the registration code from this page of the bot."));
  }
  auto inv = lti13::read_invite(lti::value_of(form_values, "invite"), lti13_cfg(self).invite_key,
                                unix_now());
  if (!inv) {
    st.log->warn("LTI 1.3 registration refused (403): a wrong or expired invite");
    return form(self, 403, config_url, token,
                N_("This registration code is not valid or has expired: ask the bot's "
                   "administrator for a new one."));
  }
  auto host = lti13::url_host(config_url);
  if (!inv->host.empty() && inv->host != host) {
    st.log->warn("LTI 1.3 registration refused (403): the invite is for {}, the configuration "
                 "is on {}", inv->host, logging::printable(host));
    return form(self, 403, config_url, token,
                N_("This registration code was made for another platform: ask the bot's "
                   "administrator for one for yours."));
  }
  auto rp = self->make_response_promise<web_response>();
  take_invite(self, *inv,
              [self, rp, inv = *inv, config_url, token, base = base_url(self, r)](taken t) mutable {
                if (t == taken::not_recorded) {
                  rp.deliver(form(self, 503, config_url, token,
                                  N_("The bot could not record this code's use just now, so "
                                     "nothing was registered. Try again in a moment.")));
                  return;
                }
                if (t == taken::before) {
                  self->state.log->warn("LTI 1.3 registration refused (403): the invite was used before");
                  rp.deliver(form(self, 403, config_url, token,
                                  N_("This registration code was used already: ask the bot's "
                                     "administrator for a new one.")));
                  return;
                }
                register_with(self, rp, std::move(inv), std::move(config_url), std::move(token),
                              std::move(base));
              });
  return rp;
}

caf::result<web_response> admin_invite(web_ptr self, const web_request& r) {
  using nlohmann::json;
  if (!lti13_cfg(self).enabled)
    return admin_error(404, "LTI 1.3 is not set up on this bot");
  auto body = r.body.empty() ? json::object() : json::parse(r.body, nullptr, false);
  auto hours = body.is_object() && body.contains("hours") ? body["hours"] : json(lti13::default_invite_hours);
  auto host = body.is_object() && body.contains("host") ? body["host"] : json("");
  if (!body.is_object() || !hours.is_number_integer() || hours.get<std::int64_t>() < 1 ||
      hours.get<std::int64_t>() > lti13::max_invite_hours || !host.is_string() ||
      (!host.get<std::string>().empty() && !lti13::valid_invite_host(host.get<std::string>())))
    return admin_error(400, "the body must be {\"hours\": 1 to " +
                              std::to_string(lti13::max_invite_hours) +
                              " (default " + std::to_string(lti13::default_invite_hours) +
                              "), \"host\": the platform's host name (optional)}");
  auto expires = unix_now() + hours.get<std::int64_t>() * 3600;
  auto text = lti13::make_invite(lti13_cfg(self).invite_key, expires, host.get<std::string>());
  self->state.log->info("admin API: a registration invite made, valid for {} h{}", hours.get<std::int64_t>(),
                        host.get<std::string>().empty() ? "" : " for " + host.get<std::string>());
  return admin_json(201, json{{"invite", text},
                              {"expires", expires},
                              {"host", host},
                              {"register_url", base_url(self, r) + "/lti13/register"}}
                           .dump());
}

} // namespace otrbot::web_routes
