// Dynamic registration: configuration, request, answer.
#include "lti/lti13/registration.hpp"

#include "lti/wire/json_members.hpp"

#include <algorithm>
#include <cctype>

namespace otrbot::registration {

using lti13::url_host;

namespace {

using nlohmann::json;

std::string str(const json& j, const char* name) { return json_members::string_member(j, name); }

/// No control characters, spaces or DEL: an identifier or URL the bot keeps, shows and logs.
bool plain(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u > 0x20 && u != 0x7f;
  });
}

} // namespace

std::optional<platform_configuration> read_configuration(const std::string& body,
                                                         const std::string& configuration_url,
                                                         std::string& why) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    why = "the platform's OpenID configuration is not a JSON object";
    return std::nullopt;
  }
  platform_configuration c;
  c.issuer = str(j, "issuer");
  c.authorization_endpoint = str(j, "authorization_endpoint");
  c.token_endpoint = str(j, "token_endpoint");
  c.jwks_uri = str(j, "jwks_uri");
  c.registration_endpoint = str(j, "registration_endpoint");
  for (auto [value, name] : {std::pair{&c.issuer, "issuer"},
                             {&c.authorization_endpoint, "authorization_endpoint"},
                             {&c.token_endpoint, "token_endpoint"},
                             {&c.jwks_uri, "jwks_uri"},
                             {&c.registration_endpoint, "registration_endpoint"}})
    if (url_host(*value).empty() || !plain(*value)) {
      why = std::string{"the platform's OpenID configuration has no http(s) "} + name;
      return std::nullopt;
    }
  // One platform must not register under another's name: the issuer is on the configuration's
  // host. Canvas alone has one issuer for every school (https://canvas.instructure.com and its
  // beta and test twins) and serves each school's configuration and registration endpoint from
  // the school's own host: for those issuers, the registration endpoint on the configuration's
  // host will do.
  auto host = url_host(configuration_url);
  bool canvas = std::find(std::begin(canvas_issuers), std::end(canvas_issuers), c.issuer) !=
                std::end(canvas_issuers);
  if (url_host(c.issuer) != host && !(canvas && url_host(c.registration_endpoint) == host)) {
    why = "the platform's issuer " + c.issuer + " is not on the host of its configuration URL (" +
          host + ")";
    return std::nullopt;
  }
  c.configuration_host = host;
  if (auto algs = j.find("id_token_signing_alg_values_supported"); algs != j.end()) {
    bool rs256 = algs->is_array() && std::any_of(algs->begin(), algs->end(), [](const json& a) {
                   return a.is_string() && a.get<std::string>() == "RS256";
                 });
    if (!rs256) {
      why = "the platform does not sign id_tokens with RS256";
      return std::nullopt;
    }
  }
  if (auto* pc = j.contains("https://purl.imsglobal.org/spec/lti-platform-configuration")
                   ? &j["https://purl.imsglobal.org/spec/lti-platform-configuration"]
                   : nullptr;
      pc && pc->is_object())
    c.product_family_code = str(*pc, "product_family_code");
  return c;
}

std::string registration_request(const tool_description& tool) {
  auto launch = tool.public_url + "/lti13/launch";
  json message{{"type", "LtiResourceLinkRequest"}, {"target_link_uri", launch}, {"label", tool.name}};
  if (!tool.logo_url.empty())
    message["icon_uri"] = tool.logo_url;
  json config{{"domain", url_host(tool.public_url)},
              {"target_link_uri", launch},
              {"description", tool.description},
              {"claims", {"iss", "sub", "name", "given_name", "family_name", "locale"}},
              {"messages", json::array({message})}};
  json request{{"application_type", "web"},
               {"response_types", {"id_token"}},
               {"grant_types", {"implicit", "client_credentials"}},
               {"initiate_login_uri", tool.public_url + "/lti13/login"},
               {"redirect_uris", {launch}},
               {"client_name", tool.name},
               {"jwks_uri", tool.public_url + "/lti13/jwks"},
               {"token_endpoint_auth_method", "private_key_jwt"},
               {"scope", lti13::score_scope},
               {"https://purl.imsglobal.org/spec/lti-tool-configuration", config}};
  if (!tool.logo_url.empty())
    request["logo_uri"] = tool.logo_url;
  return request.dump();
}

std::optional<lti13::platform> registered_platform(const platform_configuration& config,
                                                   const std::string& answer, std::string& why) {
  auto j = json::parse(answer, nullptr, false);
  if (j.is_discarded() || !j.is_object() || str(j, "client_id").empty() || !plain(str(j, "client_id"))) {
    why = "the platform's registration answer has no client_id (or one with spaces or control "
          "characters)";
    return std::nullopt;
  }
  lti13::platform p;
  p.issuer = config.issuer;
  p.client_id = str(j, "client_id");
  p.auth_login_url = config.authorization_endpoint;
  p.auth_token_url = config.token_endpoint;
  p.key_set_url = config.jwks_uri;
  p.source = "registered";
  p.configuration_host = config.configuration_host;
  auto tc = j.find("https://purl.imsglobal.org/spec/lti-tool-configuration");
  if (tc != j.end() && tc->is_object() && !str(*tc, "deployment_id").empty())
    p.deployment_ids.insert(str(*tc, "deployment_id"));
  return p;
}

std::string conflict(const lti13::platforms& all, const lti13::platform& candidate) {
  for (const auto& [id, p] : all) {
    if (p.issuer != candidate.issuer)
      continue;
    if (p.client_id == candidate.client_id)
      return "the platform " + p.issuer + " with client " + p.client_id + " is registered already";
    if (p.source != "registered")
      return "the platform " + p.issuer + " is set by hand in the settings";
    if (p.configuration_host != candidate.configuration_host)
      return "the platform " + p.issuer + " was registered from " + p.configuration_host +
             ", not from " + candidate.configuration_host;
  }
  return {};
}

} // namespace otrbot::registration
