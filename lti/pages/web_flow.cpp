// The pages' flow without I/O.
#include "lti/pages/web_flow.hpp"

#include "lti/wire/token.hpp"
#include "transport/base/secrets.hpp"

namespace otrbot::lti {

std::string token_for(const web_settings& cfg, const web_session& s) {
  return make_token(s.id, s.expires, cfg.token_key);
}

std::string session_cookie(const web_settings& cfg, const web_session& s) {
  bool https = cfg.lti.public_url.starts_with("https://");
  return "otrbot_session=" + token_for(cfg, s) + "; Path=/; HttpOnly; " +
         (https ? "SameSite=None; Secure" : "SameSite=Lax");
}

std::string token_of(const web_request& r, const params& form) {
  auto token = value_of(form, "s");
  if (token.empty())
    token = value_of(r.query, "s");
  if (token.empty())
    token = r.cookie_token;
  return token;
}

std::string signed_uri(const conf::lti_settings& lti, const web_request& r) {
  if (!lti.public_url.empty()) {
    const auto& u = lti.public_url;
    auto scheme_end = u.find("://");
    auto host_start = scheme_end + 3;
    auto path_start = u.find('/', host_start);
    return base_string_uri(u.substr(0, scheme_end), u.substr(host_start, path_start - host_start),
                           path_start == std::string::npos ? "/" : u.substr(path_start));
  }
  std::string scheme = "http";
  auto host = r.host.empty() ? lti.listen : r.host;
  if (lti.trust_forwarded_headers) {
    if (!r.forwarded_proto.empty())
      scheme = r.forwarded_proto;
    if (!r.forwarded_host.empty())
      host = r.forwarded_host;
  }
  return base_string_uri(scheme, host, r.path);
}

page_view view(const web_settings& cfg, page kind, const web_session* s, const step_view& step) {
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
    v.token = token_for(cfg, *s);
    v.csrf = s->csrf;
    v.jid = s->jid;
    v.instructor = s->lms.instructor && !s->lms.learner;
    auto chosen = cfg.first_steps.find(s->lms.lesson);
    const auto& at = !step.line.empty()                ? step
                     : chosen != cfg.first_steps.end() ? chosen->second
                                                       : cfg.before_session;
    describe_visit(*s, at, v);
    v.completed = step.done;
    // Before the bot has a session, the lesson is the course's choice, or not known yet.
    if (!step.line.empty() && !at.lesson.empty())
      v.lesson = at.lesson;
    else
      v.lesson = s->lms.lesson.empty() ? std::string{"auto"} : s->lms.lesson;
    v.bot_fingerprint = cfg.omemo_fingerprint;
    v.verify_uri = cfg.omemo_uri;
  }
  return v;
}

web_response html(int status, const page_view& v) {
  return {status, body_kind::html, render(v), {}, {}, false, false};
}

web_response error_page(const web_settings& cfg, int status, const char* msgid,
                        const std::string& reason, const std::string& locale) {
  auto v = view(cfg, page::error, nullptr, {});
  if (!locale.empty())
    v.locale = locale;
  v.error = msgid;
  if (!reason.empty())
    v.error_args["reason"] = reason;
  v.step = N_("This page cannot be shown.");
  return html(status, v);
}

web_response redirect(const web_settings& cfg, const std::string& path, const web_session& s) {
  web_response r;
  r.status = 303;
  r.location = path + "?s=" + percent_encode(token_for(cfg, s));
  return r;
}

bool has_claim(const web_session& s) { return s.jid.empty() && !s.claim_jid.empty(); }

bool claim_waiting(const web_session& s, std::int64_t now) {
  return has_claim(s) && s.claim_expires > now;
}

std::string visitor(const web_session& s) {
  return "LMS user " + s.lms.user_id + (s.lms.consumer_key.empty() ? "" : " (" + s.lms.consumer_key + ")");
}

jid_claim claim_of(const web_session& s) {
  // The claimed JID was parsed when it was typed; it comes back from the stored visit as text.
  auto parsed = xmpp::parse_bare_jid(s.claim_jid);
  jid_claim c{parsed ? parsed.bare() : xmpp::bare_jid{}, s.id, s.claim_word, s.locale, visitor(s),
              s.lms.gradable(), {}, s.claim_expires, s.lms.lesson};
  if (c.graded)
    c.grade = grade_job{s.lms.target(), 1.0};
  return c;
}

void describe_visit(const web_session& s, const step_view& step, page_view& v) {
  describe_step(step, !s.jid.empty(), v);
  if (has_claim(s)) {
    v.jid = s.claim_jid;
    v.proof_word = s.claim_word;
    v.step = N_("Step 0 of 4: show the bot that this Jabber ID is yours.");
    v.lesson_step = proof_step;
  }
}

web_response show(const web_settings& cfg, page kind, const web_session& s, const step_view& step) {
  bool waiting = has_claim(s);
  if (kind != page::enter_jid && s.jid.empty() && !(waiting && kind == page::jid_entered))
    return redirect(cfg, waiting ? "/jid_entered" : "/enter_jid", s);
  return html(200, view(cfg, kind, &s, step));
}

web_response page_with_error(const web_settings& cfg, int status, page kind, const web_session& s,
                             const step_view& step, const char* msgid, const std::string& reason) {
  auto v = view(cfg, kind, &s, step);
  v.error = msgid;
  if (!reason.empty())
    v.error_args["reason"] = reason;
  return html(status, v);
}

std::optional<web_response> refuse_code_format(const web_settings& cfg, const web_session& s,
                                               const step_view& step, const std::string& typed) {
  auto problem = secrets::code_format_problem(cfg.code_format, typed);
  if (!problem)
    return std::nullopt;
  auto v = view(cfg, page::enter_bot_secret, &s, step);
  v.typed_code = typed;
  v.error = N_("That cannot be the code: {reason}.");
  v.error_args = {{"reason", std::string{problem->reason}},
                  {"expected", std::to_string(problem->expected)},
                  {"typed", std::to_string(problem->typed)}};
  return html(400, v);
}

std::string content_security_policy(const conf::lti_settings& lti) {
  std::string style = "'self' 'unsafe-inline'";  // the built-in style is inline
  if (!lti.css_url.empty()) {
    auto scheme_end = lti.css_url.find("://");
    auto path = scheme_end == std::string::npos ? std::string::npos
                                                : lti.css_url.find('/', scheme_end + 3);
    style += " " + lti.css_url.substr(0, path);
  }
  std::string frames = "'self'";
  for (const auto& origin : lti.frame_ancestors)
    frames += " " + origin;
  // The one script is the pages' own (/static/progress.js), which asks /progress.
  return "default-src 'none'; script-src 'self'; connect-src 'self'; style-src " + style +
         "; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors " + frames;
}

} // namespace otrbot::lti
