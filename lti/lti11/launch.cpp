// LTI 1.1 launch validation (LTI 1.1 Implementation Guide, section 4; RFC 5849).
#include "lti/lti11/launch.hpp"
#include "lti/wire/ows.hpp"

#include "i18n/mark.hpp"
#include "transport/net/address.hpp"

#include <charconv>

namespace otrbot::lti {
namespace {

launch_result refuse(int status, std::string message) {
  return {std::nullopt, launch_error{status, std::move(message)}};
}

} // namespace

bool nonce_store::first_use(const std::string& consumer, const std::string& nonce,
                            std::int64_t now) {
  // order_ holds each remembered nonce once, oldest first (a refused repeat adds nothing).
  while (!order_.empty() && now - order_.front().first > 2 * window_) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  auto key = std::pair{consumer, nonce};
  if (!seen_.emplace(key, now).second)
    return false;
  order_.emplace_back(now, std::move(key));
  return true;
}

std::set<std::string> parse_roles(std::string_view roles) {
  std::set<std::string> out;
  std::size_t pos = 0;
  while (pos <= roles.size()) {
    auto comma = roles.find(',', pos);
    auto role = trim_ows(roles.substr(pos, comma == std::string_view::npos ? roles.npos : comma - pos));
    // Context (membership) roles keep their bare name: only they say what someone is in this
    // course. Institution and system roles get a scope ("institution:Instructor" is a teacher
    // somewhere in the school, not necessarily in this course).
    static constexpr std::pair<std::string_view, std::string_view> scopes[] = {
      {"urn:lti:role:ims/lis/", ""},
      {"http://purl.imsglobal.org/vocab/lis/v2/membership#", ""},
      {"http://purl.imsglobal.org/vocab/lis/v2/membership/", ""},  // a sub-role: "Instructor#TeachingAssistant"
      {"urn:lti:instrole:ims/lis/", "institution:"},
      {"http://purl.imsglobal.org/vocab/lis/v2/institution/person#", "institution:"},
      {"urn:lti:sysrole:ims/lis/", "system:"},
      {"http://purl.imsglobal.org/vocab/lis/v2/system/person#", "system:"}};
    std::string_view scope;
    bool known = false;
    for (auto [prefix, s] : scopes)
      if (role.starts_with(prefix)) {
        role.remove_prefix(prefix.size());
        scope = s;
        known = true;
        break;
      }
    if (known && role.find('#') != std::string_view::npos)
      role.remove_prefix(role.find('#') + 1);  // membership/Instructor#TeachingAssistant
    role = role.substr(0, role.find('/'));  // "TeachingAssistant/Grader" -> its main role
    if (!role.empty() && (known || role.find(':') == std::string_view::npos))
      out.emplace(std::string{scope} + std::string{role});
    else if (!role.empty())
      out.emplace(role);  // another vocabulary's URI: kept whole, it gives no rights
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  return out;
}

launch_result validate_launch(std::string_view base_uri, const params& all,
                              const std::map<std::string, std::string>& consumers,
                              std::int64_t now, nonce_store& nonces, std::int64_t window) {
  for (const char* name : {"oauth_consumer_key", "oauth_signature", "oauth_signature_method",
                           "oauth_timestamp", "oauth_nonce", "oauth_version"})
    if (count_of(all, name) > 1)
      return refuse(400, N_("the launch repeats an OAuth parameter"));
  auto key = value_of(all, "oauth_consumer_key");
  auto consumer = consumers.find(key);
  if (key.empty() || consumer == consumers.end())
    return refuse(401, N_("the launch comes from an unknown consumer key"));
  if (value_of(all, "oauth_signature_method") != "HMAC-SHA1")
    return refuse(400, N_("the launch must be signed with HMAC-SHA1"));
  if (auto v = value_of(all, "oauth_version"); !v.empty() && v != "1.0")
    return refuse(400, N_("the launch must use OAuth 1.0"));
  auto ts_text = value_of(all, "oauth_timestamp");
  std::int64_t ts = 0;
  auto [end, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
  if (ts_text.empty() || ec != std::errc{} || end != ts_text.data() + ts_text.size())
    return refuse(400, N_("the launch has no valid timestamp"));
  if (ts < now - window || ts > now + window)
    return refuse(401, N_("the launch is too old, or the LMS's clock is off by more than 5 minutes"));
  auto nonce = value_of(all, "oauth_nonce");
  if (nonce.empty())
    return refuse(400, N_("the launch has no nonce"));
  if (!verify_hmac_sha1("POST", base_uri, all, consumer->second))
    return refuse(401, N_("the launch's signature does not match (check the consumer secret "
                          "and lti.public_url)"));
  // Only signed launches are remembered: forgeries cannot fill the store.
  if (!nonces.first_use(key, nonce, now))
    return refuse(401, N_("the launch was already used (a replayed nonce)"));
  if (value_of(all, "lti_message_type") != "basic-lti-launch-request")
    return refuse(400, N_("this is not a basic LTI launch request"));
  if (auto v = value_of(all, "lti_version"); v != "LTI-1p0" && v != "LTI-1p1")
    return refuse(400, N_("the LTI version must be LTI-1p0"));
  launch l;
  l.consumer_key = key;
  l.resource_link_id = value_of(all, "resource_link_id");
  if (l.resource_link_id.empty())
    return refuse(400, N_("the launch has no resource_link_id"));
  l.user_id = value_of(all, "user_id");
  l.context_title = value_of(all, "context_title");
  l.person_name = value_of(all, "lis_person_name_full");
  if (l.person_name.empty()) {
    auto given = value_of(all, "lis_person_name_given"), family = value_of(all, "lis_person_name_family");
    l.person_name = given.empty() || family.empty() ? given + family : given + " " + family;
  }
  l.locale = value_of(all, "launch_presentation_locale");
  // Addresses the bot may use later: only http(s) (never javascript:, file:, gopher:, ...).
  if (auto url = value_of(all, "launch_presentation_return_url"); net::is_http_url(url))
    l.return_url = url;
  if (auto url = value_of(all, "lis_outcome_service_url"); net::is_http_url(url))
    l.outcome_url = url;
  l.result_sourcedid = value_of(all, "lis_result_sourcedid");
  set_roles(l, value_of(all, "roles"));
  auto lesson = lesson_of_custom(value_of(all, "custom_lesson"));
  if (!lesson)
    return refuse(400, N_("the custom parameter lesson must be otr, omemo or auto"));
  l.lesson = *lesson;
  return {std::move(l), std::nullopt};
}

std::optional<std::string> lesson_of_custom(std::string_view value) {
  if (value.empty() || value == "auto")
    return std::string{};
  if (value == "otr" || value == "omemo")
    return std::string{value};
  return std::nullopt;
}

void set_roles(launch& l, std::string_view roles) {
  l.roles = parse_roles(roles);
  l.learner = l.roles.contains("Learner") || l.roles.contains("Student") ||
              l.roles.contains("institution:Student") || l.roles.contains("institution:Learner");
  // The teacher view shows every student's name and JID: only this course's instructors and
  // teaching assistants see it. Mentors (observers, parents), content developers, and the
  // school's staff, faculty or administrators without a role in the course do not.
  l.instructor = l.roles.contains("Instructor") || l.roles.contains("TeachingAssistant");
}

} // namespace otrbot::lti
