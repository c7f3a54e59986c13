// The one route table of the bot's HTTP surface: the pages, LTI 1.1 and 1.3, the teacher's view
// and the admin API (pure). The HTTP adapter answers the routes marked `here` itself (a health
// check and the pages' scripts, which need no actor); the web actor dispatches every other one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otrbot::lti {

enum class route {
  // answered by the HTTP adapter itself
  is_up,            ///< GET|HEAD /is_up
  progress_js,      ///< GET /static/progress.js
  lti13_js,         ///< GET /static/lti13.js
  // the student's pages
  launch,            ///< POST /  (LTI 1.1 launch)
  dev_index,         ///< GET /   (development mode's start)
  show_enter_jid,    ///< GET /enter_jid
  show_jid_entered,  ///< GET /jid_entered
  show_secret,       ///< GET /ask_for_secret
  show_code,         ///< GET /enter_bot_secret
  post_jid,          ///< POST /enter_jid
  post_secret,       ///< POST /ask_for_secret
  post_code,         ///< POST /enter_bot_secret
  start_again,       ///< POST /start_again (development mode)
  live_view,         ///< GET /progress
  // LTI 1.3
  lti13_login,     ///< GET|POST /lti13/login
  lti13_launch,    ///< POST /lti13/launch
  lti13_jwks,      ///< GET /lti13/jwks
  lti13_register,  ///< GET|POST /lti13/register
  // the teacher's view
  class_view,    ///< GET /class
  class_resend,  ///< POST /class/resend
  // the admin API (bearer token)
  admin_whitelist,         ///< GET /admin/whitelist
  admin_whitelist_add,     ///< POST /admin/whitelist
  admin_whitelist_remove,  ///< DELETE /admin/whitelist/{jid}
  admin_sessions,          ///< GET /admin/sessions
  admin_session_end,       ///< DELETE /admin/sessions/{jid}
  admin_grades,            ///< GET /admin/grades
  admin_grade_retry,       ///< POST /admin/grades/{id}/retry
  admin_invite,            ///< POST /admin/lti13/invites
};

struct matched_route {
  lti::route route;
  std::string param;  ///< the {jid} or {id} segment, as it was in the path ("" for none)
};

/// The route of a request, or nullopt (404: JSON under /admin, else the error page).
std::optional<matched_route> match_route(std::string_view method, std::string_view path);

/// The methods the table has for `path` ("GET, POST"), or "" when it has none: a request with
/// another method is answered 405 with this as its Allow header.
std::string allowed_methods(std::string_view path);

/// The route's name in the metrics ("launch", "show_code", "admin_grades", ...).
std::string_view route_name(route r);

/// Whether the HTTP adapter answers this route itself, without the web actor.
constexpr bool answered_here(route r) {
  return r == route::is_up || r == route::progress_js || r == route::lti13_js;
}

/// Whether an unknown path is in the admin API's space (its 404 is JSON, not a page).
constexpr bool admin_space(std::string_view path) { return path.starts_with("/admin"); }

} // namespace otrbot::lti
