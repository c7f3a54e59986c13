// LTI 1.3 login states.
#include "lti/lti13/lti13_login.hpp"

#include "lti/wire/json_members.hpp"
#include "lti/wire/token.hpp"

#include <nlohmann/json.hpp>

namespace otrbot::lti13 {

using nlohmann::json;

login_state new_login(const platform& p, const login_request& request, std::int64_t now) {
  login_state s;
  s.id = lti::random_hex(16);
  s.platform = {p.issuer, p.client_id};
  s.expires = now + login_lifetime;
  s.request = request;
  s.carried = request.login_hint.size() + request.lti_message_hint.size() <= max_carried_hints;
  if (!s.carried) {
    s.request.login_hint.clear();
    s.request.lti_message_hint.clear();
  }
  return s;
}

std::string seal_login(const login_state& s, std::string_view key) {
  const auto& r = s.request;
  json j{{"v", 1},          {"id", s.id},          {"iss", s.platform.first},
         {"cid", s.platform.second}, {"exp", s.expires},   {"tlu", r.target_link_uri},
         {"dep", r.lti_deployment_id}, {"lst", r.lti_storage_target}, {"liss", r.iss},
         {"lcid", r.client_id}};
  if (s.carried)
    j.update({{"lh", r.login_hint}, {"lmh", r.lti_message_hint}});
  return lti::seal(j.dump(), key);
}

std::optional<login_state> open_login(std::string_view state, std::string_view key,
                                      std::int64_t now) {
  auto payload = lti::unseal(state, key);
  if (!payload)
    return std::nullopt;
  auto j = json::parse(*payload, nullptr, false);
  if (j.is_discarded() || !j.is_object() || json_members::integer_member(j, "v").value_or(0) != 1)
    return std::nullopt;
  auto str = [&j](const char* name) { return json_members::string_member(j, name); };
  login_state s;
  s.id = str("id");
  s.platform = {str("iss"), str("cid")};
  s.expires = json_members::integer_member(j, "exp").value_or(0);
  if (s.id.empty() || s.expires <= now)
    return std::nullopt;
  auto& r = s.request;
  r.target_link_uri = str("tlu");
  r.lti_deployment_id = str("dep");
  r.lti_storage_target = str("lst");
  r.iss = str("liss");
  r.client_id = str("lcid");
  s.carried = j.contains("lh");
  r.login_hint = str("lh");
  r.lti_message_hint = str("lmh");
  return s;
}

std::string login_nonce(std::string_view key, std::string_view id) {
  return lti::keyed_hex(key, "nonce " + std::string{id});
}

std::string login_bind(std::string_view key, std::string_view id) {
  return lti::keyed_hex(key, "bind " + std::string{id});
}

} // namespace otrbot::lti13
