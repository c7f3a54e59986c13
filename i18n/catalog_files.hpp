// Loading the compiled catalogs from disk (the runtime side of i18n/catalog.hpp).
#pragma once

#include "i18n/catalog.hpp"

#include <string>

namespace otrbot::i18n {

/// Reads <dir>/<locale>/LC_MESSAGES/messages.mo for every locale folder in
/// `dir`; files that are not .mo files are skipped.
catalogs load_catalogs(const std::string& dir, const std::string& source_locale);

} // namespace otrbot::i18n
