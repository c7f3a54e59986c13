// AGS: client assertion, token request and answer, score.
#include "lti/lti13/ags.hpp"

#include "lti/lti13/lti13.hpp"
#include "lti/wire/json_members.hpp"
#include "lti/wire/oauth1.hpp"

#include <ctime>

namespace otrbot::ags {

std::string client_assertion(const jose::key& tool_key, const std::string& key_id,
                             const std::string& client_id, const std::string& token_url,
                             const std::string& jti, std::int64_t now) {
  nlohmann::json claims{{"iss", client_id}, {"sub", client_id}, {"aud", token_url},
                        {"iat", now},       {"exp", now + 300},  {"jti", jti}};
  return jose::sign_rs256(tool_key, {{"kid", key_id}}, claims);
}

std::string token_request(const std::string& assertion, const std::string& scope) {
  return "grant_type=client_credentials"
         "&client_assertion_type=" +
         lti::percent_encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
         "&client_assertion=" + lti::percent_encode(assertion) + "&scope=" + lti::percent_encode(scope);
}

std::optional<access_token> read_token_response(const std::string& body, std::int64_t now,
                                                std::string& why) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    why = "the token endpoint's answer is not JSON";
    return std::nullopt;
  }
  auto token = j.find("access_token");
  if (token == j.end() || !token->is_string() || token->get<std::string>().empty()) {
    why = "the token endpoint's answer has no access_token";
    if (auto error = j.find("error"); error != j.end() && error->is_string())
      why += " (error: " + error->get<std::string>() + ")";
    return std::nullopt;
  }
  if (auto type = j.find("token_type"); type != j.end() &&
      (!type->is_string() || (type->get<std::string>() != "Bearer" && type->get<std::string>() != "bearer"))) {
    why = "the token endpoint's token is not a bearer token";
    return std::nullopt;
  }
  // Seconds, at most a year: a lifetime that would overflow the clock is no lifetime.
  std::int64_t lifetime =
    json_members::integer_member(j, "expires_in", 0, 365 * 24 * 3600).value_or(3600);
  return access_token{token->get<std::string>(), now + std::max<std::int64_t>(0, lifetime - 60)};
}

std::string scores_url(const std::string& lineitem) {
  auto query = lineitem.find_first_of("?#");
  auto path = lineitem.substr(0, query);
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  return path + "/scores" + (query == std::string::npos ? "" : lineitem.substr(query));
}

std::string score_body(const std::string& user_id, double score, std::int64_t unix_millis) {
  std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  auto millis = std::to_string(unix_millis % 1000);
  auto stamp = std::string{date} + "." + std::string(3 - millis.size(), '0') + millis + "Z";
  return nlohmann::json{{"userId", user_id},
                        {"scoreGiven", score},
                        {"scoreMaximum", 1},
                        {"activityProgress", "Completed"},
                        {"gradingProgress", "FullyGraded"},
                        {"timestamp", stamp}}
    .dump();
}

} // namespace otrbot::ags
