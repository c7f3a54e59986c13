// One HTTP exchange as plain data: what the Pistache adapter hands the web actor, and the
// answer it writes back (pure; no Pistache, no CAF).
#pragma once

#include "lti/wire/oauth1.hpp"

#include <string>

namespace otrbot::lti {

/// A request, decoded by the adapter: nothing in it refers to a socket.
struct web_request {
  std::string method;          ///< GET, POST, DELETE, ...
  std::string path;            ///< the resource, without the query
  params query;                ///< the query's parameters, percent-decoded
  std::string body;            ///< as received (a form or JSON)
  std::string cookie_token;    ///< the otrbot_session cookie, when sent
  params lti13_cookies;        ///< the otrbot_lti13_* cookies (LTI 1.3 logins under way)
  std::string authorization;   ///< the Authorization header
  std::string host;            ///< Host
  std::string forwarded_proto; ///< X-Forwarded-Proto
  std::string forwarded_host;  ///< X-Forwarded-Host
  std::string forwarded_for;   ///< X-Forwarded-For (a proxy's list of client addresses)
  std::string origin;          ///< Origin (browsers send it on every POST)
  std::string fetch_site;      ///< Sec-Fetch-Site ("same-origin", "cross-site", ...)
  std::string remote;          ///< the client's IP address (the proxy's, behind one)
};

/// What a response's body is.
enum class body_kind { none, html, json, text };

/// What goes back.
struct web_response {
  int status = 200;
  body_kind kind = body_kind::none;
  std::string body;
  std::string location;        ///< Location, for 303
  std::string set_cookie;      ///< Set-Cookie, when a web session starts
  bool bearer_challenge = false;  ///< WWW-Authenticate: Bearer (admin API, 401)
  bool plain = false;          ///< without the pages' security headers (GET /is_up)
};

} // namespace otrbot::lti
