// A translator's catalog (.mo bytes, either byte order) and the ICU MessageFormat patterns in it:
// a broken translation must never crash the bot or lose a line.
#include "i18n/catalog.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::i18n;
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  const std::map<std::string, std::string, std::less<>> values{
    {"n", "3"}, {"jid", "student@example.org"}, {"project_name", "the course"}};
  if (auto c = catalog::parse(bytes)) {
    for (const auto& id : c->msgids()) {
      const std::string* text = c->find(id);
      if (text == nullptr)
        std::abort();  // every listed msgid has its translation
      (void)format(*text, "nl_NL", values);
    }
  }
  (void)format(bytes, "de_DE", values);
  return 0;
}
