// The translator's commands: extract, init, update, compile (gettext's tools, run without a shell).
#pragma once

#include <optional>
#include <string>

namespace otrbot::i18n {

/// Where the sources are: the current directory (a source checkout).
std::string default_source_dir();
/// Where the catalogs are: ./i18n/locales when it exists (a checkout),
/// else the compiled catalogs the bot itself reads.
std::string default_locales_dir();

/// Each returns the process exit code (0, 2 bad input, 5 missing tool) and
/// prints the folder it works in and what it did (stdout), or one line of
/// error (stderr).
int extract(const std::string& pot, const std::string& source_dir);
int init(const std::string& pot, const std::string& locale, const std::string& locales_dir);
int update(const std::string& pot, const std::string& locale, const std::string& locales_dir);
int compile(const std::optional<std::string>& locale, const std::string& locales_dir);

} // namespace otrbot::i18n
