// `otrbot check-config`: checks the settings and what they point at, one line per check.
#pragma once

#include <string>

namespace otrbot {

struct check_options {
  std::string config_path;  ///< empty: OTRBOT_CONFIG, else conf/otrbot.toml
  std::string jid;          ///< empty: xmpp.default_account
  /// The bot runs already (the container's health check): its own pages must answer on
  /// lti.listen; the XMPP login, the store and the listen address are not tried again.
  bool running = false;
  /// Only what the settings say and the files they name (the settings, the catalogs, the
  /// store's folder, the LTI 1.3 key): no server is reached and no port bound (the systemd
  /// unit's ExecStartPre).
  bool offline = false;
};

/// Prints one line per check ("ok", "FAIL" or "skip", its name, what was found) on stdout and
/// returns the exit code of the first failure (exit_code.hpp; 9: a server could not be
/// reached), 0 when every check passed.
int check_config(const check_options& opts);

} // namespace otrbot
