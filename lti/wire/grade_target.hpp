// Where a student's grade goes (pure, header-only): an LTI 1.1 outcome service or an LTI 1.3
// AGS line item, as one type; and the text columns it is kept in at the edges (the store's rows,
// a visit's launch), the only places that know the "lti13 <issuer> <client_id>" key.
#pragma once

#include <string>
#include <variant>

namespace otrbot::lti {

/// LTI 1.1 Basic Outcomes: the launch's outcome service; the consumer's secret is looked up by
/// its key when the grade is sent.
struct lti11_outcome {
  std::string url;           ///< lis_outcome_service_url
  std::string sourcedid;     ///< lis_result_sourcedid
  std::string consumer_key;
  friend bool operator==(const lti11_outcome&, const lti11_outcome&) = default;
};

/// LTI 1.3 Assignment and Grade Services: a line item of a registered platform.
struct ags_line_item {
  std::string url;        ///< the line item (its scores are posted to url + "/scores")
  std::string user_id;    ///< the student's id on the platform (the launch's sub)
  std::string issuer;     ///< the platform's registration: issuer and client_id
  std::string client_id;
  friend bool operator==(const ags_line_item&, const ags_line_item&) = default;
};

using grade_target = std::variant<lti11_outcome, ags_line_item>;

/// The URL a grade goes to (for logs and the admin API).
inline const std::string& url_of(const grade_target& t) {
  return std::visit([](const auto& x) -> const std::string& { return x.url; }, t);
}

/// How a grade target is kept in text: url, sourcedid (LTI 1.3: the user id) and consumer key
/// (LTI 1.3: "lti13 <issuer> <client_id>"; an issuer is a URL, it has no space).
struct grade_columns {
  std::string url, sourcedid, consumer_key;
};

/// The consumer key an LTI 1.3 launch and its grade are kept under.
inline std::string lti13_consumer_key(const std::string& issuer, const std::string& client_id) {
  return "lti13 " + issuer + " " + client_id;
}

inline grade_columns columns_of(const grade_target& t) {
  if (const auto* o = std::get_if<lti11_outcome>(&t))
    return {o->url, o->sourcedid, o->consumer_key};
  const auto& a = std::get<ags_line_item>(t);
  return {a.url, a.user_id, lti13_consumer_key(a.issuer, a.client_id)};
}

inline grade_target target_of(const grade_columns& c) {
  constexpr std::string_view prefix = "lti13 ";
  if (c.consumer_key.starts_with(prefix)) {
    auto space = c.consumer_key.find(' ', prefix.size());
    if (space != std::string::npos && space > prefix.size() && space + 1 < c.consumer_key.size())
      return ags_line_item{c.url, c.sourcedid,
                           c.consumer_key.substr(prefix.size(), space - prefix.size()),
                           c.consumer_key.substr(space + 1)};
  }
  return lti11_outcome{c.url, c.sourcedid, c.consumer_key};
}

/// Whether two targets grade the same result: the same consumer (or platform) and the same
/// student there, whatever URL each launch named.
inline bool same_result(const grade_target& a, const grade_target& b) {
  auto x = columns_of(a), y = columns_of(b);
  return x.consumer_key == y.consumer_key && x.sourcedid == y.sourcedid;
}

} // namespace otrbot::lti
