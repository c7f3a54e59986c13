// The route table (see routes.hpp).
#include "lti/pages/routes.hpp"

#include <array>

namespace otrbot::lti {
namespace {

struct entry {
  std::string_view method;
  std::string_view pattern;  ///< "{}" stands for one non-empty segment without '/'
  route r;
};

constexpr std::array table{
  entry{"GET", "/is_up", route::is_up},
  entry{"HEAD", "/is_up", route::is_up},
  entry{"GET", "/static/progress.js", route::progress_js},
  entry{"GET", "/static/lti13.js", route::lti13_js},
  entry{"POST", "/", route::launch},
  entry{"GET", "/", route::dev_index},
  entry{"GET", "/enter_jid", route::show_enter_jid},
  entry{"GET", "/jid_entered", route::show_jid_entered},
  entry{"GET", "/ask_for_secret", route::show_secret},
  entry{"GET", "/enter_bot_secret", route::show_code},
  entry{"POST", "/enter_jid", route::post_jid},
  entry{"POST", "/ask_for_secret", route::post_secret},
  entry{"POST", "/enter_bot_secret", route::post_code},
  entry{"POST", "/start_again", route::start_again},
  entry{"GET", "/progress", route::live_view},
  entry{"GET", "/lti13/login", route::lti13_login},
  entry{"POST", "/lti13/login", route::lti13_login},
  entry{"POST", "/lti13/launch", route::lti13_launch},
  entry{"GET", "/lti13/jwks", route::lti13_jwks},
  entry{"GET", "/lti13/register", route::lti13_register},
  entry{"POST", "/lti13/register", route::lti13_register},
  entry{"GET", "/class", route::class_view},
  entry{"POST", "/class/resend", route::class_resend},
  entry{"GET", "/admin/whitelist", route::admin_whitelist},
  entry{"POST", "/admin/whitelist", route::admin_whitelist_add},
  entry{"DELETE", "/admin/whitelist/{}", route::admin_whitelist_remove},
  entry{"GET", "/admin/sessions", route::admin_sessions},
  entry{"DELETE", "/admin/sessions/{}", route::admin_session_end},
  entry{"GET", "/admin/grades", route::admin_grades},
  entry{"POST", "/admin/grades/{}/retry", route::admin_grade_retry},
  entry{"POST", "/admin/lti13/invites", route::admin_invite},
};

/// Whether `path` has the form of `pattern`; the segment standing for "{}" goes to `param`.
bool fits(std::string_view pattern, std::string_view path, std::string& param) {
  auto hole = pattern.find("{}");
  if (hole == std::string_view::npos)
    return pattern == path;
  auto before = pattern.substr(0, hole), after = pattern.substr(hole + 2);
  if (path.size() <= before.size() + after.size() || !path.starts_with(before) ||
      !path.ends_with(after))
    return false;
  auto segment = path.substr(before.size(), path.size() - before.size() - after.size());
  if (segment.find('/') != std::string_view::npos)
    return false;
  param = std::string{segment};
  return true;
}

} // namespace

std::optional<matched_route> match_route(std::string_view method, std::string_view path) {
  for (const auto& e : table) {
    std::string param;
    if (e.method == method && fits(e.pattern, path, param))
      return matched_route{e.r, std::move(param)};
  }
  return std::nullopt;
}

std::string_view route_name(route r) {
  switch (r) {
    case route::is_up: return "is_up";
    case route::progress_js: return "progress_js";
    case route::lti13_js: return "lti13_js";
    case route::launch: return "launch";
    case route::dev_index: return "dev_index";
    case route::show_enter_jid: return "show_enter_jid";
    case route::show_jid_entered: return "show_jid_entered";
    case route::show_secret: return "show_secret";
    case route::show_code: return "show_code";
    case route::post_jid: return "post_jid";
    case route::post_secret: return "post_secret";
    case route::post_code: return "post_code";
    case route::start_again: return "start_again";
    case route::live_view: return "live_view";
    case route::lti13_login: return "lti13_login";
    case route::lti13_launch: return "lti13_launch";
    case route::lti13_jwks: return "lti13_jwks";
    case route::lti13_register: return "lti13_register";
    case route::class_view: return "class_view";
    case route::class_resend: return "class_resend";
    case route::admin_whitelist: return "admin_whitelist";
    case route::admin_whitelist_add: return "admin_whitelist_add";
    case route::admin_whitelist_remove: return "admin_whitelist_remove";
    case route::admin_sessions: return "admin_sessions";
    case route::admin_session_end: return "admin_session_end";
    case route::admin_grades: return "admin_grades";
    case route::admin_grade_retry: return "admin_grade_retry";
    case route::admin_invite: return "admin_invite";
  }
  return "unknown";
}

std::string allowed_methods(std::string_view path) {
  std::string out;
  for (const auto& e : table) {
    std::string param;
    if (fits(e.pattern, path, param) && out.find(e.method) == std::string::npos)
      out += (out.empty() ? "" : ", ") + std::string{e.method};
  }
  return out;
}

} // namespace otrbot::lti
