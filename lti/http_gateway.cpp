// The web side: routes, web sessions, pages, grades and the admin API (Pistache handlers).
#include "lti/http_gateway.hpp"

#include "actors/logging.hpp"
#include "actors/messages.hpp"
#include "actors/secrets.hpp"
#include "lti/launch.hpp"
#include "lti/oauth1.hpp"
#include "lti/pages.hpp"
#include "lti/token.hpp"
#include "transport/address.hpp"
#include "transport/jid.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <pistache/endpoint.h>
#include <pistache/router.h>

#include <mutex>

namespace otrbot {
namespace {

using namespace Pistache;
using json = nlohmann::json;
using lti::page;
using lti::page_view;

constexpr std::int64_t session_lifetime = 8 * 3600;  // seconds a web session lives
constexpr int max_wrong_codes = 10;
constexpr auto manager_timeout = std::chrono::seconds{10};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}


std::optional<std::string> header(const Rest::Request& req, const char* name) {
  if (auto raw = req.headers().tryGetRaw(name))
    return raw->value();
  return std::nullopt;
}

/// A response header Pistache 0.0.5 has no class for (it writes only typed
/// headers, not raw ones).
#define OTRBOT_HEADER(cls, text)                                                   \
  class cls : public Http::Header::Header {                                        \
  public:                                                                          \
    NAME(text)                                                                     \
    cls() = default;                                                               \
    explicit cls(std::string v) : value_(std::move(v)) {}                          \
    void parseRaw(const char* str, size_t len) override { value_.assign(str, len); } \
    void write(std::ostream& os) const override { os << value_; }                  \
                                                                                   \
  private:                                                                         \
    std::string value_;                                                            \
  };

OTRBOT_HEADER(referrer_policy, "Referrer-Policy")
OTRBOT_HEADER(content_type_options, "X-Content-Type-Options")
OTRBOT_HEADER(set_cookie_header, "Set-Cookie")
OTRBOT_HEADER(www_authenticate, "WWW-Authenticate")
OTRBOT_HEADER(cache_control, "Cache-Control")
OTRBOT_HEADER(location, "Location")

/// A media type with charset=utf-8: the pages are in every language.
Http::Mime::MediaType utf8(Http::Mime::MediaType type) {
  type.setParam("charset", "utf-8");
  return type;
}

/// One student's (or teacher's) visit, from the launch on.
struct web_session {
  std::string id;
  std::string csrf;
  lti::launch launch;
  std::string jid;
  std::string locale;  ///< the best catalog for the launch's language
  int wrong_codes = 0;
  bool graded = false;
  std::int64_t expires = 0;
};

} // namespace

struct http_gateway::impl {
  http_gateway_config cfg;
  std::string token_key = lti::random_hex(32);  // tokens die with the process, as the sessions do
  std::shared_ptr<spdlog::logger> log = logging::get("lti");
  std::shared_ptr<Http::Endpoint> endpoint;
  Rest::Router router;
  std::mutex mtx;  // guards sessions and nonces (Pistache runs handlers on several threads)
  std::map<std::string, web_session> sessions;
  lti::nonce_store nonces;
  bool https = false;

  // -- asking the session manager -------------------------------------------

  template <class R, class... Ts>
  std::optional<R> ask(Ts&&... xs) {
    caf::scoped_actor self{*cfg.system};
    std::optional<R> out;
    self->request(cfg.manager, manager_timeout, std::forward<Ts>(xs)...)
      .receive([&](R& r) { out = std::move(r); },
               [&](caf::error& e) { log->error("the session manager did not answer: {}", caf::to_string(e)); });
    return out;
  }

  // -- web sessions ------------------------------------------------------------

  std::string token_for(const web_session& s) const { return lti::make_token(s.id, s.expires, token_key); }

  web_session create(lti::launch l) {
    web_session s;
    s.id = lti::random_hex(16);
    s.csrf = lti::random_hex(16);
    s.locale = cfg.catalogs->best_match(l.locale, cfg.default_locale);
    s.launch = std::move(l);
    s.expires = unix_now() + session_lifetime;
    std::lock_guard guard{mtx};
    auto now = unix_now();
    for (auto it = sessions.begin(); it != sessions.end();)
      it = it->second.expires <= now ? sessions.erase(it) : std::next(it);
    sessions[s.id] = s;
    return s;
  }

  /// The web session of a request: from the `s` parameter (query or form),
  /// else the cookie. nullopt when missing, forged or expired.
  std::optional<web_session> find(const Rest::Request& req, const lti::params& form) {
    std::string token = lti::value_of(form, "s");
    if (token.empty())
      if (auto q = req.query().get("s")) {
        bool ok = true;
        token = lti::percent_decode(*q, true, ok);
      }
    if (token.empty() && req.cookies().has("otrbot_session"))
      token = req.cookies().get("otrbot_session").value;
    auto id = lti::read_token(token, token_key, unix_now());
    if (!id)
      return std::nullopt;
    std::lock_guard guard{mtx};
    auto it = sessions.find(*id);
    if (it == sessions.end())
      return std::nullopt;
    return it->second;
  }

  void save(const web_session& s) {
    std::lock_guard guard{mtx};
    sessions[s.id] = s;
  }

  // -- responses -------------------------------------------------------------

  void common_headers(Http::ResponseWriter& res) {
    auto& h = res.headers();
    h.add<cache_control>("no-store");
    h.add<content_type_options>("nosniff");
    // The session token travels in links: never in a Referer.
    h.add<referrer_policy>("no-referrer");
  }

  page_view view_for(page kind, const web_session* s) {
    page_view v;
    v.kind = kind;
    v.catalogs = cfg.catalogs.get();
    v.locale = s ? s->locale : cfg.default_locale;
    v.css_url = cfg.lti.css_url;
    v.bot_jid = cfg.bot_jid;
    auto fs = [&](const char* k) {
      auto it = cfg.format_strings.find(k);
      return it == cfg.format_strings.end() ? std::string{} : it->second;
    };
    v.bot_title = fs("bot_title");
    v.project_name = fs("project_name");
    v.development = !cfg.lti.enabled;
    if (s) {
      v.token = token_for(*s);
      v.csrf = s->csrf;
      v.jid = s->jid;
      v.instructor = s->launch.instructor && !s->launch.learner;
      std::string step;
      if (!s->jid.empty())
        step = ask<std::string>(atoms::step_v, s->jid).value_or("");
      lti::describe_step(step, !s->jid.empty(), v);
      v.completed = step == "completed";
    }
    return v;
  }

  void send_page(Http::ResponseWriter& res, Http::Code code, const page_view& v,
                 const web_session* set_cookie = nullptr) {
    common_headers(res);
    if (set_cookie) {
      // Inside an LMS iframe the cookie is third-party: SameSite=None needs
      // Secure (HTTPS); where it is blocked, the token in the links does the job.
      std::string cookie = "otrbot_session=" + token_for(*set_cookie) + "; Path=/; HttpOnly; " +
                           (https ? "SameSite=None; Secure" : "SameSite=Lax");
      res.headers().add<set_cookie_header>(cookie);
    }
    res.headers().add<Http::Header::ContentType>(utf8(MIME(Text, Html)));
    res.send(code, lti::render(v));
  }

  void send_error(Http::ResponseWriter& res, Http::Code code, const char* msgid,
                  const std::string& reason = {}, const std::string& locale = {}) {
    auto v = view_for(page::error, nullptr);
    if (!locale.empty())
      v.locale = locale;
    v.error = msgid;
    if (!reason.empty())
      v.error_args["reason"] = reason;
    v.step = N_("This page cannot be shown.");
    send_page(res, code, v);
  }

  void redirect(Http::ResponseWriter& res, const std::string& path, const web_session& s) {
    common_headers(res);
    res.headers().add<location>(path + "?s=" + lti::percent_encode(token_for(s)));
    res.send(Http::Code::See_Other, "");
  }

  /// The session of a request, or an error page sent; for POSTs also the CSRF check.
  std::optional<web_session> require(const Rest::Request& req, Http::ResponseWriter& res,
                                     const lti::params& form, bool post) {
    auto s = find(req, form);
    if (!s) {
      send_error(res, Http::Code::Forbidden,
                 N_("Your session has expired or was not started from your course."));
      return std::nullopt;
    }
    if (post && !secrets::constant_time_equal(lti::value_of(form, "csrf"), s->csrf)) {
      send_error(res, Http::Code::Forbidden, N_("This form was not sent from this exercise's page."));
      return std::nullopt;
    }
    return s;
  }

  static bool parse_body(const Rest::Request& req, lti::params& out) {
    return lti::parse_form(req.body(), out);
  }

  // -- the launch and the pages ------------------------------------------------

  std::string base_uri(const Rest::Request& req) {
    if (!cfg.lti.public_url.empty()) {
      auto& u = cfg.lti.public_url;
      auto scheme_end = u.find("://");
      auto host_start = scheme_end + 3;
      auto path_start = u.find('/', host_start);
      return lti::base_string_uri(u.substr(0, scheme_end), u.substr(host_start, path_start - host_start),
                                  path_start == std::string::npos ? "/" : u.substr(path_start));
    }
    std::string scheme = "http";
    auto host = header(req, "Host").value_or(cfg.lti.listen);
    if (cfg.lti.trust_forwarded_headers) {
      if (auto p = header(req, "X-Forwarded-Proto"))
        scheme = *p;
      if (auto h = header(req, "X-Forwarded-Host"))
        host = *h;
    }
    return lti::base_string_uri(scheme, host, req.resource());
  }

  void launch(const Rest::Request& req, Http::ResponseWriter res) {
    lti::params all;
    for (auto it = req.query().parameters_begin(); it != req.query().parameters_end(); ++it) {
      bool ok = true;
      all.emplace_back(it->first, lti::percent_decode(it->second, true, ok));
    }
    if (!parse_body(req, all))
      return send_error(res, Http::Code::Bad_Request, N_("The launch request is malformed."));
    lti::launch_result r;
    {
      std::lock_guard guard{mtx};
      r = lti::validate_launch(base_uri(req), all, cfg.lti.consumers, unix_now(), nonces);
    }
    if (r.error) {
      log->warn("LTI launch refused ({}): {}", r.error->status, r.error->message);
      // The page speaks the launch's language even when the launch is refused:
      // choosing a language from unverified input harms nothing.
      auto locale = cfg.catalogs->best_match(lti::value_of(all, "launch_presentation_locale"),
                                             cfg.default_locale);
      return send_error(res, static_cast<Http::Code>(r.error->status),
                        N_("This exercise could not be started: {reason}."), r.error->message,
                        locale);
    }
    log->info("LTI launch from consumer {} (user {}, roles {}{})", r.value->consumer_key,
              r.value->user_id, r.value->learner ? "learner" : "",
              r.value->instructor ? " instructor" : "");
    auto s = create(std::move(*r.value));
    send_page(res, Http::Code::Ok, view_for(page::index, &s), &s);
  }

  void index(const Rest::Request&, Http::ResponseWriter res) {
    if (cfg.lti.enabled)
      return send_error(res, Http::Code::Bad_Request,
                        N_("Open this exercise from your course: it needs an LTI launch."));
    log->warn("development mode: a page opened without an LMS launch");
    lti::launch mock;
    mock.user_id = "development-user";
    mock.learner = true;
    mock.roles = {"Learner"};
    auto s = create(std::move(mock));
    send_page(res, Http::Code::Ok, view_for(page::index, &s), &s);
  }

  void show(page kind, const Rest::Request& req, Http::ResponseWriter res) {
    lti::params none;
    auto s = require(req, res, none, false);
    if (!s)
      return;
    if (kind != page::enter_jid && s->jid.empty())
      return redirect(res, "/enter_jid", *s);
    send_page(res, Http::Code::Ok, view_for(kind, &*s));
  }

  void post_jid(const Rest::Request& req, Http::ResponseWriter res) {
    lti::params form;
    parse_body(req, form);
    auto s = require(req, res, form, true);
    if (!s)
      return;
    auto typed = lti::value_of(form, "jid");
    auto parsed = xmpp::parse_bare_jid(typed);
    if (!parsed) {
      auto v = view_for(page::enter_jid, &*s);
      v.jid = typed;
      v.error = N_("That is not a Jabber ID ({reason}). It looks like name@example.org.");
      v.error_args["reason"] = parsed.error;
      return send_page(res, Http::Code::Bad_Request, v);
    }
    auto jid = parsed.value->bare();
    auto err = ask<std::string>(atoms::add_jid_v, jid, s->locale);
    if (!err || !err->empty())
      return send_error(res, Http::Code::Service_Unavailable, N_("The bot could not add you; try again."));
    s->jid = jid;
    save(*s);
    log->info("web session of user {} entered {}", s->launch.user_id, jid);
    redirect(res, "/jid_entered", *s);
  }

  /// The start of a form that needs the student's JID: the form, the
  /// session (CSRF checked), or a response already sent.
  std::optional<web_session> form_with_jid(const Rest::Request& req, Http::ResponseWriter& res,
                                           lti::params& form) {
    parse_body(req, form);
    auto s = require(req, res, form, true);
    if (s && s->jid.empty()) {
      redirect(res, "/enter_jid", *s);
      return std::nullopt;
    }
    return s;
  }

  void post_secret(const Rest::Request& req, Http::ResponseWriter res) {
    lti::params form;
    auto s = form_with_jid(req, res, form);
    if (!s)
      return;
    auto err = ask<std::string>(atoms::set_secret_v, s->jid, lti::value_of(form, "secret"));
    if (!err)
      return send_error(res, Http::Code::Service_Unavailable, N_("The bot did not answer; try again."));
    if (*err == "unknown JID") {
      auto v = view_for(page::enter_jid, &*s);
      v.error = N_("Your session with the bot has ended. Enter your Jabber ID to start again.");
      return send_page(res, Http::Code::Conflict, v);
    }
    if (!err->empty()) {
      auto v = view_for(page::ask_for_secret, &*s);
      v.error = N_("That secret was refused: {reason}.");
      v.error_args["reason"] = *err;
      return send_page(res, Http::Code::Bad_Request, v);
    }
    redirect(res, "/enter_bot_secret", *s);
  }

  void post_code(const Rest::Request& req, Http::ResponseWriter res) {
    lti::params form;
    auto s = form_with_jid(req, res, form);
    if (!s)
      return;
    if (s->wrong_codes >= max_wrong_codes) {
      auto v = view_for(page::enter_bot_secret, &*s);
      v.error = N_("Too many wrong codes. Start the exercise again from your course.");
      return send_page(res, Http::Code::Too_Many_Requests, v);
    }
    if (ask<std::string>(atoms::step_v, s->jid).value_or("") == "completed") {
      log->info("{} completed the exercise (no grade: already sent)", s->jid);
      return redirect(res, "/enter_bot_secret", *s);
    }
    auto typed = lti::value_of(form, "bot_secret");
    if (auto problem = secrets::code_format_problem(cfg.code_format, typed)) {
      // Cannot be any code: a typing problem, not a guess (not counted).
      auto v = view_for(page::enter_bot_secret, &*s);
      v.typed_code = typed;
      v.error = N_("That cannot be the code: {reason}.");
      v.error_args = {{"reason", std::string{problem->reason}},
                      {"expected", std::to_string(problem->expected)},
                      {"typed", std::to_string(problem->typed)}};
      return send_page(res, Http::Code::Bad_Request, v);
    }
    auto r = ask<check_result>(atoms::check_code_v, s->jid, typed);
    if (!r)
      return send_error(res, Http::Code::Service_Unavailable, N_("The bot did not answer; try again."));
    if (!r->known || !r->correct) {
      if (r->known)
        ++s->wrong_codes;
      save(*s);
      auto v = view_for(page::enter_bot_secret, &*s);
      v.error = r->known ? N_("That is not the code the bot sent you. Check it and try again.")
                         : N_("The bot has no lesson running for you: say hello to it first.");
      return send_page(res, Http::Code::Bad_Request, v);
    }
    if (s->launch.gradable() && !s->graded) {
      s->graded = true;
      auto secret = cfg.lti.consumers.at(s->launch.consumer_key);
      caf::anon_send(cfg.outcomes, atoms::grade_v,
                     grade_job{s->launch.outcome_url, s->launch.result_sourcedid,
                               s->launch.consumer_key, secret, 1.0},
                     std::int32_t{0});
      log->info("{} completed the exercise: sending the grade to {}", s->jid, s->launch.outcome_url);
    } else {
      log->info("{} completed the exercise (no grade: {})", s->jid,
                s->graded ? "already sent" : "not a graded learner launch");
    }
    save(*s);
    redirect(res, "/enter_bot_secret", *s);
  }

  /// Development mode only: ends the student's bot session (as the admin
  /// API's DELETE does) and forgets this visit, so the next one starts from
  /// the beginning with a new key, without restarting anything.
  void start_again(const Rest::Request& req, Http::ResponseWriter res) {
    if (cfg.lti.enabled)
      return send_error(res, Http::Code::Not_Found, N_("There is no such page."));
    lti::params form;
    parse_body(req, form);
    auto s = require(req, res, form, true);
    if (!s)
      return;
    if (!s->jid.empty() && !ask<bool>(atoms::end_session_v, s->jid))
      return send_error(res, Http::Code::Service_Unavailable, N_("The bot did not answer; try again."));
    {
      std::lock_guard guard{mtx};
      sessions.erase(s->id);
    }
    log->info("development mode: {} starts again", s->jid.empty() ? "a visitor" : s->jid);
    common_headers(res);
    res.headers().add<location>("/");
    res.send(Http::Code::See_Other, "");
  }

  // -- the admin API -----------------------------------------------------------

  void json_reply(Http::ResponseWriter& res, Http::Code code, const json& body) {
    common_headers(res);
    res.headers().add<Http::Header::ContentType>(utf8(MIME(Application, Json)));
    res.send(code, body.dump());
  }

  /// 404 for everything when no token is set; 401 without the right one.
  bool admin_allowed(const Rest::Request& req, Http::ResponseWriter& res) {
    if (cfg.admin_token.empty()) {
      json_reply(res, Http::Code::Not_Found, {{"error", "not found"}});
      return false;
    }
    auto auth = header(req, "Authorization").value_or("");
    std::string_view given = auth;
    bool bearer = given.starts_with("Bearer ");
    if (bearer)
      given.remove_prefix(7);
    if (!bearer || !secrets::constant_time_equal(given, cfg.admin_token)) {
      res.headers().add<www_authenticate>("Bearer");
      json_reply(res, Http::Code::Unauthorized, {{"error", "a valid bearer token is required"}});
      return false;
    }
    return true;
  }

  static std::string path_jid(const Rest::Request& req) {
    bool ok = true;
    auto raw = req.param(":jid").as<std::string>();
    auto decoded = lti::percent_decode(raw, false, ok);
    return ok ? decoded : std::string{};
  }

  void admin_list_whitelist(const Rest::Request& req, Http::ResponseWriter res) {
    if (!admin_allowed(req, res))
      return;
    auto wl = ask<std::vector<whitelist_entry>>(atoms::whitelist_v);
    if (!wl)
      return json_reply(res, Http::Code::Service_Unavailable, {{"error", "the bot did not answer"}});
    json out = json::array();
    for (const auto& e : *wl)
      out.push_back({{"jid", e.jid}, {"locale", e.locale}});
    json_reply(res, Http::Code::Ok, out);
  }

  void admin_add(const Rest::Request& req, Http::ResponseWriter res) {
    if (!admin_allowed(req, res))
      return;
    json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("jid") || !body["jid"].is_string() ||
        (body.contains("locale") && !body["locale"].is_string()))
      return json_reply(res, Http::Code::Bad_Request,
                        {{"error", "the body must be {\"jid\": \"...\", \"locale\": \"...\"}"}});
    auto jid = body["jid"].get<std::string>();
    auto given = body.value("locale", cfg.default_locale);
    auto normal = i18n::normalise_locale(given);
    if (!normal)
      return json_reply(res, Http::Code::Bad_Request,
                        {{"error", "invalid locale \"" + given + "\": use a name such as en_GB"}});
    auto locale = *normal;
    auto parsed = xmpp::parse_bare_jid(jid);
    if (!parsed)
      return json_reply(res, Http::Code::Bad_Request, {{"error", "invalid JID: " + parsed.error}});
    auto err = ask<std::string>(atoms::add_jid_v, parsed.value->bare(), locale);
    if (!err)
      return json_reply(res, Http::Code::Service_Unavailable, {{"error", "the bot did not answer"}});
    if (!err->empty())
      return json_reply(res, Http::Code::Bad_Request, {{"error", *err}});
    log->info("admin API: whitelisted {}", parsed.value->bare());
    json_reply(res, Http::Code::Created, {{"jid", parsed.value->bare()}, {"locale", locale}});
  }

  /// DELETE of a JID's whitelist entry or session: 204, or 404 with `absent`.
  template <class Atom>
  void admin_delete(const Rest::Request& req, Http::ResponseWriter& res, Atom what,
                    const char* absent) {
    if (!admin_allowed(req, res))
      return;
    auto done = ask<bool>(what, path_jid(req));
    if (!done)
      return json_reply(res, Http::Code::Service_Unavailable, {{"error", "the bot did not answer"}});
    if (!*done)
      return json_reply(res, Http::Code::Not_Found, {{"error", absent}});
    common_headers(res);
    res.send(Http::Code::No_Content, "");
  }

  void admin_sessions(const Rest::Request& req, Http::ResponseWriter res) {
    if (!admin_allowed(req, res))
      return;
    auto list = ask<std::vector<session_info>>(atoms::session_list_v);
    if (!list)
      return json_reply(res, Http::Code::Service_Unavailable, {{"error", "the bot did not answer"}});
    json out = json::array();
    for (const auto& s : *list)
      out.push_back({{"jid", s.jid}, {"step", s.step}, {"locale", s.locale},
                     {"last_activity", s.last_activity}});
    json_reply(res, Http::Code::Ok, out);
  }

  void not_found(const Rest::Request& req, Http::ResponseWriter res) {
    if (req.resource().starts_with("/admin"))
      return json_reply(res, Http::Code::Not_Found, {{"error", "not found"}});
    send_error(res, Http::Code::Not_Found, N_("There is no such page."));
  }

  void is_up(const Rest::Request&, Http::ResponseWriter res) {
    res.headers().add<Http::Header::ContentType>(MIME(Text, Plain));
    res.send(Http::Code::Ok, "OK");
  }

  void routes() {
    using namespace Rest;
    Routes::Post(router, "/", Routes::bind(&impl::launch, this));
    Routes::Get(router, "/", Routes::bind(&impl::index, this));
    Routes::Get(router, "/is_up", Routes::bind(&impl::is_up, this));
    Routes::Get(router, "/enter_jid", [this](const Request& q, Http::ResponseWriter r) { show(page::enter_jid, q, std::move(r)); return Route::Result::Ok; });
    Routes::Post(router, "/enter_jid", Routes::bind(&impl::post_jid, this));
    Routes::Get(router, "/jid_entered", [this](const Request& q, Http::ResponseWriter r) { show(page::jid_entered, q, std::move(r)); return Route::Result::Ok; });
    Routes::Get(router, "/ask_for_secret", [this](const Request& q, Http::ResponseWriter r) { show(page::ask_for_secret, q, std::move(r)); return Route::Result::Ok; });
    Routes::Post(router, "/ask_for_secret", Routes::bind(&impl::post_secret, this));
    Routes::Get(router, "/enter_bot_secret", [this](const Request& q, Http::ResponseWriter r) { show(page::enter_bot_secret, q, std::move(r)); return Route::Result::Ok; });
    Routes::Post(router, "/enter_bot_secret", Routes::bind(&impl::post_code, this));
    Routes::Post(router, "/start_again", Routes::bind(&impl::start_again, this));
    Routes::Get(router, "/admin/whitelist", Routes::bind(&impl::admin_list_whitelist, this));
    Routes::Post(router, "/admin/whitelist", Routes::bind(&impl::admin_add, this));
    Routes::Delete(router, "/admin/whitelist/:jid", [this](const Request& q, Http::ResponseWriter r) {
      admin_delete(q, r, atoms::remove_jid_v, "that JID is not whitelisted");
      return Route::Result::Ok;
    });
    Routes::Get(router, "/admin/sessions", Routes::bind(&impl::admin_sessions, this));
    Routes::Delete(router, "/admin/sessions/:jid", [this](const Request& q, Http::ResponseWriter r) {
      admin_delete(q, r, atoms::end_session_v, "that JID has no session");
      return Route::Result::Ok;
    });
    router.addNotFoundHandler(Routes::bind(&impl::not_found, this));
  }
};

http_gateway::http_gateway(http_gateway_config cfg) : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->https = impl_->cfg.lti.public_url.starts_with("https://");
  impl_->routes();
}

http_gateway::~http_gateway() { stop(); }

std::string http_gateway::start() {
  auto hp = net::parse_host_port(impl_->cfg.lti.listen);
  if (!hp)
    return "lti.listen is not host:port";
  try {
    Address addr{hp->host, Port{hp->port}};
    impl_->endpoint = std::make_shared<Http::Endpoint>(addr);
    impl_->endpoint->init(Http::Endpoint::options()
                            .threads(2)
                            .flags(Tcp::Options::ReuseAddr)
                            .maxRequestSize(64 * 1024));
    impl_->endpoint->setHandler(impl_->router.handler());
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    impl_->endpoint.reset();
    return std::string{"cannot listen on "} + impl_->cfg.lti.listen + ": " + e.what();
  }
  impl_->log->info("web pages on http://{}/ (LTI launch: POST /){}", impl_->cfg.lti.listen,
                   impl_->cfg.lti.enabled ? "" : "; DEVELOPMENT MODE: pages without a launch");
  return {};
}

void http_gateway::stop() {
  if (impl_ && impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

} // namespace otrbot
