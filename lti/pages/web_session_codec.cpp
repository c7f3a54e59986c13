// Web sessions as JSON.
#include "lti/pages/web_session_codec.hpp"

#include "lti/wire/json_members.hpp"

#include <nlohmann/json.hpp>

namespace otrbot::lti {

using json = nlohmann::json;

std::string encode_session(const web_session& s) {
  // Member by member: an initializer list of pairs builds each pair as an array first, then
  // copies it; this way costs half the instructions (callgrind: 113 k -> 55 k per LTI launch).
  const auto& l = s.lms;
  json out = json::object();
  out["v"] = 1;
  out["id"] = s.id;
  out["csrf"] = s.csrf;
  out["jid"] = s.jid;
  out["locale"] = s.locale;
  out["wrong_codes"] = s.wrong_codes;
  out["expires"] = s.expires;
  auto& lms = out["lms"] = json::object();
  lms["consumer_key"] = l.consumer_key;
  lms["user_id"] = l.user_id;
  lms["person_name"] = l.person_name;
  lms["resource_link_id"] = l.resource_link_id;
  lms["context_title"] = l.context_title;
  lms["locale"] = l.locale;
  lms["return_url"] = l.return_url;
  lms["outcome_url"] = l.outcome_url;
  lms["result_sourcedid"] = l.result_sourcedid;
  lms["roles"] = l.roles;
  lms["learner"] = l.learner;
  lms["instructor"] = l.instructor;
  lms["lesson"] = l.lesson;
  if (!s.claim_jid.empty()) {
    auto& claim = out["claim"] = json::object();
    claim["jid"] = s.claim_jid;
    claim["word"] = s.claim_word;
    claim["expires"] = s.claim_expires;
  }
  return out.dump();
}

std::optional<web_session> decode_session(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || json_members::integer_member(j, "v") != 1)
    return std::nullopt;
  try {
    web_session s;
    s.id = j.at("id").get<std::string>();
    s.csrf = j.at("csrf").get<std::string>();
    s.jid = j.at("jid").get<std::string>();
    s.locale = j.at("locale").get<std::string>();
    auto wrong_codes = json_members::integer_member(j, "wrong_codes", 0, std::numeric_limits<int>::max());
    auto expires = json_members::integer_member(j, "expires");
    if (!wrong_codes || !expires)
      return std::nullopt;  // absent, not an integer, or out of range: not a session we wrote
    s.wrong_codes = static_cast<int>(*wrong_codes);
    s.expires = *expires;
    if (j.contains("claim")) {  // (not in sessions stored before the proof of JIDs)
      const auto& c = j.at("claim");
      auto claim_expires = c.is_object() ? json_members::integer_member(c, "expires") : std::nullopt;
      if (!claim_expires)
        return std::nullopt;
      s.claim_jid = c.at("jid").get<std::string>();
      s.claim_word = c.at("word").get<std::string>();
      s.claim_expires = *claim_expires;
    }
    const auto& l = j.at("lms");
    s.lms.consumer_key = l.at("consumer_key").get<std::string>();
    s.lms.user_id = l.at("user_id").get<std::string>();
    s.lms.person_name = l.value("person_name", std::string{});  // (not in sessions stored before it)
    s.lms.resource_link_id = l.at("resource_link_id").get<std::string>();
    s.lms.context_title = l.at("context_title").get<std::string>();
    s.lms.locale = l.at("locale").get<std::string>();
    s.lms.return_url = l.at("return_url").get<std::string>();
    s.lms.outcome_url = l.at("outcome_url").get<std::string>();
    s.lms.result_sourcedid = l.at("result_sourcedid").get<std::string>();
    s.lms.roles = l.at("roles").get<std::set<std::string>>();
    s.lms.learner = l.at("learner").get<bool>();
    s.lms.instructor = l.at("instructor").get<bool>();
    // (not in sessions stored before the OMEMO lesson: auto)
    s.lms.lesson = lesson_of_custom(json_members::string_member(l, "lesson")).value_or("");
    return s;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

} // namespace otrbot::lti
