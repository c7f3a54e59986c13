// `otrbot runclient`: wires the actor system together and runs until a signal or a fatal failure.
#pragma once

#include <string>

namespace otrbot {

struct runclient_options {
  std::string config_path;  ///< empty: OTRBOT_CONFIG, else conf/otrbot.toml
  std::string jid;          ///< empty: xmpp.default_account
};

/// Returns the process exit code (see exit_code.hpp).
int runclient(const runclient_options& opts);

} // namespace otrbot
