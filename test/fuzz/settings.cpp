// The settings file (TOML) an admin writes: parsing and validation end in settings or in one
// clear error, never in a crash.
#include "conf/settings.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::conf;
  const std::string text{reinterpret_cast<const char*>(data), size};
  secret_sources secrets{
    [](const std::string&) -> std::optional<std::string> { return "from-the-environment"; },
    [](const std::string&) -> std::optional<std::string> { return "from-a-file"; }};
  auto result = parse_settings(text, "fuzz.toml", secrets);
  if (result.value.has_value() == result.error.has_value())
    std::abort();  // exactly one of them
  return 0;
}
