// `otrbot lti13-invite`: a single-use LTI 1.3 registration invite, made from the settings and the
// store's key (the bot need not run; the running bot accepts it).
#pragma once

#include <cstdint>
#include <string>

namespace otrbot {

struct invite_options {
  std::string config_path;  ///< empty: OTRBOT_CONFIG, else conf/otrbot.toml
  std::int64_t hours = 24;  ///< how long it is good for (1 to 720)
  std::string host;         ///< the platform's host it admits ("": any)
};

/// Prints the invite on stdout (what it is good for on stderr); returns an exit code.
int lti13_invite(const invite_options& opts);

} // namespace otrbot
