// LTI 1.1 basic launch validation: OAuth signature, time window, nonces, required fields, roles (pure).
#pragma once

#include "lti/wire/grade_target.hpp"
#include "lti/wire/oauth1.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace otrbot::lti {

/// What a valid launch tells the bot.
struct launch {
  std::string consumer_key;
  std::string user_id;
  std::string person_name;            ///< lis_person_name_full (or given + family), when sent
  std::string resource_link_id;
  std::string context_title;
  std::string locale;                 ///< launch_presentation_locale, as sent
  std::string return_url;             ///< launch_presentation_return_url
  std::string outcome_url;            ///< lis_outcome_service_url
  std::string result_sourcedid;       ///< lis_result_sourcedid
  std::set<std::string> roles;        ///< normalised: Learner, Instructor, ...
  /// The lesson the course chose (custom parameter `lesson`): "otr", "omemo", "" for auto.
  std::string lesson;
  bool learner = false;
  bool instructor = false;
  /// Whether a grade goes back: a learner launch with both outcome fields.
  bool gradable() const { return learner && !outcome_url.empty() && !result_sourcedid.empty(); }
  /// Where its grade goes (an LTI 1.3 launch keeps its AGS line item in the same fields).
  grade_target target() const { return target_of({outcome_url, result_sourcedid, consumer_key}); }
};

/// The custom parameter `lesson` as a launch keeps it: "otr", "omemo", or "" (auto, also when
/// absent or empty); nullopt for any other value (the launch is refused).
std::optional<std::string> lesson_of_custom(std::string_view value);

/// Why a launch was refused: the HTTP status and a message for the page and the log.
struct launch_error {
  int status;
  std::string message;
};

/// Remembers nonces per consumer for twice the timestamp window, so that a
/// replayed launch is refused (RFC 5849 3.3).
class nonce_store {
public:
  explicit nonce_store(std::int64_t window_seconds = 300) : window_(window_seconds) {}
  /// True (and remembered) when (consumer, nonce) was not seen in the window.
  bool first_use(const std::string& consumer, const std::string& nonce, std::int64_t now);
  std::size_t size() const { return seen_.size(); }

private:
  std::int64_t window_;
  std::map<std::pair<std::string, std::string>, std::int64_t> seen_;  // -> when
  /// The same nonces in the order they came, to forget the old ones from the
  /// front instead of walking through all of them at every launch.
  std::deque<std::pair<std::int64_t, std::pair<std::string, std::string>>> order_;
};

struct launch_result {
  std::optional<launch> value;
  std::optional<launch_error> error;
};

/// Validates a launch POST: `base_uri` is the URL the LMS signed (see
/// lti.public_url), `all` the query and body parameters, `now` Unix time.
launch_result validate_launch(std::string_view base_uri, const params& all,
                              const std::map<std::string, std::string>& consumers,
                              std::int64_t now, nonce_store& nonces,
                              std::int64_t window_seconds = 300);

/// Normalises LTI role names: context roles, as short names ("Learner"), LIS URNs
/// ("urn:lti:role:ims/lis/Learner") or LIS v2 URIs (".../lis/v2/membership#Learner"), become
/// the bare name; institution and system roles get a scope ("institution:Student",
/// "system:Administrator").
std::set<std::string> parse_roles(std::string_view roles);

/// Sets roles, learner and instructor from a comma-separated role list (LTI 1.1's roles, or
/// LTI 1.3's role URIs joined).
void set_roles(launch& l, std::string_view roles);

} // namespace otrbot::lti
