// Loading the compiled catalogs.
#include "i18n/catalog_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace otrbot::i18n {

catalogs load_catalogs(const std::string& dir, const std::string& source_locale) {
  std::map<std::string, catalog> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in{entry.path() / "LC_MESSAGES" / "messages.mo", std::ios::binary};
    if (!in)
      continue;
    std::stringstream buf;
    buf << in.rdbuf();
    if (auto c = catalog::parse(buf.str()))
      found.emplace(entry.path().filename().string(), std::move(*c));
  }
  return catalogs{source_locale, std::move(found)};
}

} // namespace otrbot::i18n
