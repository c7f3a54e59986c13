// LTI 1.3: platforms, the login's redirect, the id_token's validation.
#include "lti/lti13/lti13.hpp"

#include "i18n/mark.hpp"
#include "lti/wire/json_members.hpp"
#include "transport/base/secrets.hpp"

#include <algorithm>

namespace otrbot::lti13 {
namespace {

using nlohmann::json;

std::string str(const json& j, const std::string& name) { return json_members::string_member(j, name); }

const json* object(const json& j, const std::string& name) {
  auto it = j.find(name);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

std::string claim(const json& claims, const char* name) { return str(claims, std::string{claim_prefix} + name); }

const json* claim_object(const json& claims, const char* name) {
  return object(claims, std::string{claim_prefix} + name);
}

/// A NumericDate claim (exp, iat, nbf): seconds since 1970, up to 2^53 (so that differences of
/// two of them never overflow).
std::optional<std::int64_t> number(const json& j, const char* name) {
  return json_members::integer_member(j, name, 0, std::int64_t{1} << 53);
}

/// A refusal: `msgid` for the page (translated), `detail` for the log.
launch_check refuse(int status, const char* msgid, std::string detail = {}) {
  launch_check c;
  c.error = lti::launch_error{status, msgid};
  c.detail = detail.empty() ? msgid : std::move(detail);
  return c;
}

/// Whether aud (a string or an array) names the client, with azp where the array names others.
bool audience_ok(const json& claims, const std::string& client_id) {
  auto aud = claims.find("aud");
  if (aud == claims.end())
    return false;
  auto azp = claims.find("azp");
  if (azp != claims.end() && (!azp->is_string() || azp->get<std::string>() != client_id))
    return false;
  if (aud->is_string())
    return aud->get<std::string>() == client_id;
  if (!aud->is_array())
    return false;
  bool named = std::any_of(aud->begin(), aud->end(),
                           [&](const json& a) { return a.is_string() && a.get<std::string>() == client_id; });
  return named && (aud->size() == 1 || azp != claims.end());
}

/// The launch's roles as LTI 1.1 spells them, for parse_roles.
std::string roles_text(const json& roles) {
  std::string out;
  for (const auto& r : roles)
    if (r.is_string())
      out += (out.empty() ? "" : ",") + r.get<std::string>();
  return out;
}

} // namespace

std::string url_host(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return {};
  auto s = url.substr(0, scheme);
  if (s != "https" && s != "http")
    return {};
  auto rest = url.substr(scheme + 3);
  auto host = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = host.rfind('@'); at != std::string::npos)
    host = host.substr(at + 1);
  if (host.starts_with('['))
    host = host.substr(0, host.find(']') + 1);
  else
    host = host.substr(0, host.find(':'));
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool on_platform_host(const platform& p, const std::string& url) {
  auto host = url_host(url);
  if (host.empty())
    return false;
  for (const auto* own : {&p.issuer, &p.auth_login_url, &p.auth_token_url, &p.key_set_url})
    if (url_host(*own) == host)
      return true;
  return host == p.configuration_host || p.grade_hosts.contains(host);
}

std::string encode_platform(const platform& p) {
  return json{{"issuer", p.issuer},
              {"client_id", p.client_id},
              {"auth_login_url", p.auth_login_url},
              {"auth_token_url", p.auth_token_url},
              {"key_set_url", p.key_set_url},
              {"deployment_ids", p.deployment_ids},
              {"fixed_deployments", p.fixed_deployments},
              {"source", p.source},
              {"configuration_host", p.configuration_host}}
    .dump();
}

std::optional<platform> decode_platform(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  platform p;
  p.issuer = str(j, "issuer");
  p.client_id = str(j, "client_id");
  p.auth_login_url = str(j, "auth_login_url");
  p.auth_token_url = str(j, "auth_token_url");
  p.key_set_url = str(j, "key_set_url");
  p.source = str(j, "source");
  p.configuration_host = str(j, "configuration_host");
  if (auto d = j.find("deployment_ids"); d != j.end() && d->is_array())
    for (const auto& id : *d)
      if (id.is_string())
        p.deployment_ids.insert(id.get<std::string>());
  p.fixed_deployments = json_members::boolean_member(j, "fixed_deployments").value_or(false);
  if (p.issuer.empty() || p.client_id.empty() || p.auth_login_url.empty() || p.key_set_url.empty())
    return std::nullopt;
  return p;
}

const platform* find_platform(const platforms& all, const std::string& issuer,
                              const std::string& client_id) {
  if (!client_id.empty()) {
    auto it = all.find({issuer, client_id});
    return it == all.end() ? nullptr : &it->second;
  }
  const platform* only = nullptr;
  for (auto it = all.lower_bound({issuer, ""}); it != all.end() && it->first.first == issuer; ++it) {
    if (only)
      return nullptr;  // several registrations: the login must say which
    only = &it->second;
  }
  return only;
}

std::optional<login_request> read_login(const lti::params& all, std::string& why) {
  login_request l;
  l.iss = lti::value_of(all, "iss");
  l.login_hint = lti::value_of(all, "login_hint");
  l.target_link_uri = lti::value_of(all, "target_link_uri");
  l.lti_message_hint = lti::value_of(all, "lti_message_hint");
  l.client_id = lti::value_of(all, "client_id");
  l.lti_deployment_id = lti::value_of(all, "lti_deployment_id");
  l.lti_storage_target = lti::value_of(all, "lti_storage_target");
  for (auto [value, name] : {std::pair{&l.iss, "iss"}, {&l.login_hint, "login_hint"},
                             {&l.target_link_uri, "target_link_uri"}})
    if (value->empty()) {
      why = std::string{"the login has no "} + name;
      return std::nullopt;
    }
  for (auto [value, name] : {std::pair{&l.iss, "iss"}, {&l.login_hint, "login_hint"},
                             {&l.target_link_uri, "target_link_uri"},
                             {&l.lti_message_hint, "lti_message_hint"}, {&l.client_id, "client_id"},
                             {&l.lti_deployment_id, "lti_deployment_id"},
                             {&l.lti_storage_target, "lti_storage_target"}})
    if (value->size() > max_login_field) {
      why = std::string{"the login's "} + name + " is longer than " +
            std::to_string(max_login_field) + " bytes";
      return std::nullopt;
    }
  return l;
}

std::string auth_redirect(const platform& p, const login_request& login,
                          const std::string& redirect_uri, const std::string& state,
                          const std::string& nonce) {
  lti::params q{{"scope", "openid"},
                {"response_type", "id_token"},
                {"response_mode", "form_post"},
                {"prompt", "none"},
                {"client_id", p.client_id},
                {"redirect_uri", redirect_uri},
                {"login_hint", login.login_hint},
                {"state", state},
                {"nonce", nonce}};
  if (!login.lti_message_hint.empty())
    q.emplace_back("lti_message_hint", login.lti_message_hint);
  std::string url = p.auth_login_url;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : q) {
    url += sep + lti::percent_encode(k) + "=" + lti::percent_encode(v);
    sep = '&';
  }
  return url;
}

std::string launch_locale(const json& claims) {
  auto* presentation = claim_object(claims, "launch_presentation");
  return presentation ? str(*presentation, "locale") : std::string{};
}

std::optional<std::string> signing_key_id(const jose::compact& token, std::string& why) {
  auto alg = str(token.header, "alg");
  if (alg != "RS256") {
    why = "the token is signed with " + (alg.empty() ? std::string{"no algorithm"} : alg) +
          ", not RS256";
    return std::nullopt;
  }
  return str(token.header, "kid");
}

launch_check validate_id_token(const jose::compact& token, const platform& p, const json& jwks,
                               const std::string& expected_nonce, std::int64_t now) {
  std::string why;
  auto kid = signing_key_id(token, why);
  if (!kid)
    return refuse(401, N_("the token is not signed with RS256"), why);
  auto key = jose::select_key(jwks, *kid, why);
  if (!key) {
    auto c = refuse(401, N_("the platform's key for the token was not found"), why);
    c.unknown_key = true;
    return c;
  }
  if (!jose::verify_rs256(token, key))
    return refuse(401, N_("the token's signature is wrong"));
  // RFC 7515 4.1.11: extensions the bot must understand to accept the token; it knows none.
  if (token.header.is_object() && token.header.contains("crit"))
    return refuse(401, N_("the token needs extensions the bot does not know (crit)"));
  const auto& c = token.claims;
  if (str(c, "iss") != p.issuer)
    return refuse(401, N_("the token comes from another platform (iss)"));
  if (!audience_ok(c, p.client_id))
    return refuse(401, N_("the token is meant for another tool (aud)"));
  auto exp = number(c, "exp"), iat = number(c, "iat");
  if (!exp || !iat)
    return refuse(401, N_("the token has no exp or iat"));
  if (now > *exp + leeway)
    return refuse(401, N_("the token has expired"));
  if (*iat > now + leeway)
    return refuse(401, N_("the token was issued in the future (check the clocks)"));
  if (*exp - *iat > max_token_lifetime)
    return refuse(401, N_("the token is valid for too long (exp minus iat is over a day)"));
  if (c.is_object() && c.contains("nbf")) {
    auto nbf = number(c, "nbf");
    if (!nbf || *nbf > now + leeway)
      return refuse(401, N_("the token is not valid yet (nbf)"));
  }
  if (expected_nonce.empty() || !secrets::constant_time_equal(str(c, "nonce"), expected_nonce))
    return refuse(401, N_("the token's nonce is not this login's"));
  verified_launch v;
  v.deployment_id = claim(c, "deployment_id");
  v.target_link_uri = claim(c, "target_link_uri");
  if (v.deployment_id.empty())
    return refuse(400, N_("the token has no deployment_id"));
  if (!p.deployment_ids.contains(v.deployment_id)) {
    if (p.fixed_deployments)
      return refuse(403, N_("the deployment is not one this tool accepts"),
                    "deployment " + v.deployment_id + " is not one this tool accepts");
    v.new_deployment = true;
  }
  if (claim(c, "message_type") != "LtiResourceLinkRequest")
    return refuse(400, N_("the token is not a resource link launch (message_type)"));
  if (claim(c, "version") != "1.3.0")
    return refuse(400, N_("the token is not LTI version 1.3.0"));
  auto roles = c.find(std::string{claim_prefix} + "roles");
  if (roles == c.end() || !roles->is_array())
    return refuse(400, N_("the token has no roles"));
  auto* link = claim_object(c, "resource_link");
  if (!link || str(*link, "id").empty())
    return refuse(400, N_("the token has no resource_link id"));
  auto& l = v.launch;
  l.user_id = str(c, "sub");
  if (l.user_id.empty())
    return refuse(400, N_("the token names no user (sub)"));
  l.consumer_key = lti::lti13_consumer_key(p.issuer, p.client_id);
  l.resource_link_id = str(*link, "id");
  l.person_name = str(c, "name");
  if (l.person_name.empty())
    l.person_name = str(c, "given_name") + (str(c, "family_name").empty() ? "" : " " + str(c, "family_name"));
  if (auto* context = claim_object(c, "context"))
    l.context_title = str(*context, "title");
  l.locale = launch_locale(c);
  if (auto* presentation = claim_object(c, "launch_presentation"))
    l.return_url = str(*presentation, "return_url");
  lti::set_roles(l, roles_text(*roles));
  std::string chosen;
  if (auto* custom = claim_object(c, "custom"))
    chosen = str(*custom, "lesson");
  auto lesson = lti::lesson_of_custom(chosen);
  if (!lesson)
    return refuse(400, N_("the custom parameter lesson must be otr, omemo or auto"));
  l.lesson = *lesson;
  // A grade goes back when the platform offers a line item and lets the tool post scores to it.
  if (auto* ags = object(c, ags_endpoint_claim)) {
    auto scopes = ags->find("scope");
    bool may_score = scopes != ags->end() && scopes->is_array() &&
                     std::any_of(scopes->begin(), scopes->end(),
                                 [](const json& s) { return s.is_string() && s.get<std::string>() == score_scope; });
    auto lineitem = str(*ags, "lineitem");
    // The tool's access token for this platform goes with the score: only to the platform's own
    // hosts, never to a host a token names.
    if (may_score && !lineitem.empty() && !on_platform_host(p, lineitem)) {
      return refuse(400, N_("the launch names a grade service on a host that is not your platform's"),
                    "its AGS line item " + lineitem + " is not on a host of the platform (add the "
                    "host to the platform's grade_hosts if it is the platform's)");
    }
    if (may_score && (lineitem.starts_with("https://") || lineitem.starts_with("http://"))) {
      l.outcome_url = lineitem;
      l.result_sourcedid = l.user_id;
    }
  }
  launch_check ok;
  ok.value = std::move(v);
  return ok;
}

} // namespace otrbot::lti13
