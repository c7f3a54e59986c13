// Settings that load but deserve a warning at start (pure): what an attacker could use.
#pragma once

#include "conf/settings.hpp"

#include <string>
#include <vector>

namespace otrbot::conf {

/// The warnings, one line each (nothing here is an error: the bot starts).
std::vector<std::string> advice(const settings& s);

/// The warning for a settings file that every user of the machine may read
/// (`mode` as stat gives it), or "" when it is private enough.
std::string file_mode_advice(const std::string& path, unsigned mode);

} // namespace otrbot::conf
