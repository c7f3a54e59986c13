// The one route table: every path the bot serves, with its method, and what is not a route.
#include "lti/pages/routes.hpp"

#include <catch2/catch.hpp>

using otrbot::lti::match_route;
using otrbot::lti::route;

namespace {

route of(const char* method, const char* path) {
  auto m = match_route(method, path);
  REQUIRE(m);
  return m->route;
}

} // namespace

TEST_CASE("routes: each page, LTI and admin path has its route for its method") {
  CHECK(of("GET", "/is_up") == route::is_up);
  CHECK(of("HEAD", "/is_up") == route::is_up);
  CHECK(of("GET", "/static/progress.js") == route::progress_js);
  CHECK(of("POST", "/") == route::launch);
  CHECK(of("GET", "/") == route::dev_index);
  CHECK(of("GET", "/jid_entered") == route::show_jid_entered);
  CHECK(of("POST", "/enter_jid") == route::post_jid);
  CHECK(of("GET", "/enter_jid") == route::show_enter_jid);
  CHECK(of("POST", "/enter_bot_secret") == route::post_code);
  CHECK(of("GET", "/progress") == route::live_view);
  CHECK(of("POST", "/lti13/login") == route::lti13_login);
  CHECK(of("GET", "/lti13/login") == route::lti13_login);
  CHECK(of("GET", "/admin/grades") == route::admin_grades);
  CHECK(of("POST", "/admin/lti13/invites") == route::admin_invite);
}

TEST_CASE("routes: a {} segment is one non-empty segment, handed over as it was") {
  auto m = match_route("DELETE", "/admin/whitelist/student@school.example");
  REQUIRE(m);
  CHECK(m->route == route::admin_whitelist_remove);
  CHECK(m->param == "student@school.example");
  m = match_route("POST", "/admin/grades/42/retry");
  REQUIRE(m);
  CHECK(m->route == route::admin_grade_retry);
  CHECK(m->param == "42");
  CHECK_FALSE(match_route("DELETE", "/admin/whitelist/"));
  CHECK_FALSE(match_route("DELETE", "/admin/whitelist/a/b"));
  CHECK_FALSE(match_route("POST", "/admin/grades//retry"));
  CHECK_FALSE(match_route("POST", "/admin/grades/4/2/retry"));
}

TEST_CASE("routes: a wrong method or an unknown path is no route") {
  CHECK_FALSE(match_route("PUT", "/enter_jid"));
  CHECK_FALSE(match_route("HEAD", "/"));
  CHECK_FALSE(match_route("GET", "/start_again"));
  CHECK_FALSE(match_route("POST", "/jid_entered"));
  CHECK_FALSE(match_route("GET", "/admin"));
  CHECK_FALSE(match_route("GET", "/enter_jid/"));
  CHECK_FALSE(match_route("get", "/is_up"));
  CHECK(otrbot::lti::admin_space("/admin/nothing"));
  CHECK_FALSE(otrbot::lti::admin_space("/class"));
}

TEST_CASE("routes: only the health check and the scripts are answered without the web actor") {
  CHECK(otrbot::lti::answered_here(route::is_up));
  CHECK(otrbot::lti::answered_here(route::lti13_js));
  CHECK_FALSE(otrbot::lti::answered_here(route::launch));
  CHECK_FALSE(otrbot::lti::answered_here(route::admin_whitelist));
}

TEST_CASE("routes: the methods a path has, for the Allow header of a 405") {
  CHECK(otrbot::lti::allowed_methods("/") == "POST, GET");
  CHECK(otrbot::lti::allowed_methods("/is_up") == "GET, HEAD");
  CHECK(otrbot::lti::allowed_methods("/admin/whitelist/a@b.example") == "DELETE");
  CHECK(otrbot::lti::allowed_methods("/nothing").empty());
}
