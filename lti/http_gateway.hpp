// The web side: LTI 1.1 launch, the student's pages and the admin REST API, served by Pistache.
#pragma once

#include "conf/settings.hpp"
#include "i18n/text.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <string>

namespace otrbot {

struct http_gateway_config {
  conf::lti_settings lti;
  std::string admin_token;     ///< empty: the admin API answers 404
  std::string bot_jid;
  std::string default_locale;
  std::string code_format = "XXXX-XXXX";  ///< bot.bot_secret_format, to explain a mistyped code
  i18n::args format_strings;
  std::shared_ptr<const i18n::catalogs> catalogs;  ///< read-only, shared with the sessions
  caf::actor manager;          ///< asked with timed requests; never touched
  caf::actor outcomes;         ///< gets the grades
  caf::actor_system* system = nullptr;
};

/// Pistache on its own threads. Handlers check input with the pure code in
/// lti/, then ask the session manager; their only state is the web sessions
/// (signed tokens, CSRF tokens, the launch data).
class http_gateway {
public:
  explicit http_gateway(http_gateway_config cfg);
  ~http_gateway();
  http_gateway(const http_gateway&) = delete;
  http_gateway& operator=(const http_gateway&) = delete;

  /// Listens on lti.listen; an error message when it cannot.
  std::string start();
  void stop();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace otrbot
