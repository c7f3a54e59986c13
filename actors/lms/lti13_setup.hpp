// LTI 1.3 at start: the tool's key (made when its file is absent) and the platforms (the
// config's and those registered at run time, from the store).
#pragma once

#include "conf/settings.hpp"
#include "lti/lti13/lti13.hpp"

#include <optional>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace otrbot::lti13 {

struct setup {
  jose::key key;
  std::string key_file;
  std::string jwks;  ///< the tool's public key set
  platforms all;
};

/// The key file: [lti13] private_key_file, else lti13-key.pem beside the store.
std::string key_file_path(const conf::settings& s);

/// Reads the tool's key (or makes and writes it, mode 0600, when the file does not exist) and
/// merges the platforms: the config's win for their URLs; deployments recorded in the store are
/// known deployments of a platform whose config lists none. nullopt and `error` (a line for
/// the operator) when the key file cannot be read or written.
std::optional<setup> load_setup(const conf::settings& s, const std::vector<std::string>& stored,
                                spdlog::logger& log, std::string& error);

} // namespace otrbot::lti13
