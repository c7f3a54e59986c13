// The web side's HTTP server: Pistache's routes in front of the web actor (actors/web/web.hpp), which
// serves the LTI 1.1 launch, the student's pages and the admin REST API.
#pragma once

#include "actors/contract/interfaces.hpp"
#include "actors/web/web.hpp"
#include "lti/pages/web_flow.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <string>

namespace otrbot {

struct http_gateway_config {
  lti::web_settings pages;     ///< what the pages show (lti settings, names, catalogs, token key)
  std::string admin_token;     ///< empty: the admin API answers 404
  session_manager_actor manager;  ///< asked with timed requests; never touched
  store_actor store;              ///< web sessions and nonces across restarts (none: memory only)
  outcomes_actor outcomes;        ///< the admin API's grade retries
  grade_keeper_actor grades;      ///< where graded launches go, for their grade on completion
  std::vector<lti::web_session> restored;  ///< the web sessions the store had at start
  lti13_web_config lti13;                  ///< LTI 1.3 (off without [lti13])
  caf::actor_system* system = nullptr;
};

/// Pistache on its own threads. Each handler decodes the request, hands it
/// to the web actor (spawned here) and returns at once; the answer is
/// written when it comes. GET /is_up is answered by the handler itself.
class http_gateway {
public:
  explicit http_gateway(http_gateway_config cfg);
  ~http_gateway();
  http_gateway(const http_gateway&) = delete;
  http_gateway& operator=(const http_gateway&) = delete;

  /// Listens on lti.listen; an error message when it cannot.
  std::string start();
  /// The web actor it hands requests to (to be monitored).
  web_actor web_handle() const;
  void stop();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace otrbot
