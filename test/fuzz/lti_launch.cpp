// An LTI 1.1 launch as an LMS (or anyone) may POST it: the form body, its OAuth parameters, the
// signature base string and the launch's validation, roles included.
#include "lti/lti11/launch.hpp"
#include "lti/wire/oauth1.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::lti;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  bool ok = true;
  (void)percent_decode(text, true, ok);
  params all;
  if (!parse_form(text, all))
    return 0;
  for (const auto& [name, value] : all) {
    // Encoding and decoding are inverses on whatever the form gave.
    bool decoded = true;
    if (percent_decode(percent_encode(value), false, decoded) != value || !decoded)
      std::abort();
  }
  auto base = signature_base_string("POST", base_string_uri("HTTP", "Bot.Example:80", "/"), all);
  (void)hmac_sha1(base, "secret");
  nonce_store nonces;
  const std::map<std::string, std::string> consumers{{"course", "secret"}};
  auto result = validate_launch("http://bot.example/", all, consumers, 1'700'000'000, nonces);
  if (result.value.has_value() == result.error.has_value())
    std::abort();  // exactly one of them
  (void)parse_roles(value_of(all, "roles"));
  return 0;
}
