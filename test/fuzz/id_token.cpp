// What an LTI 1.3 platform (or anyone posing as one) sends: an id_token to /lti13/launch, an
// OpenID configuration and a registration answer. Nothing may crash, no token the fuzzer makes
// may validate (it cannot sign with the platform's key), and base64url has one spelling.
#include "lti/lti13/lti13.hpp"
#include "lti/lti13/registration.hpp"
#include "lti/wire/jose.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot;
  static const auto key = jose::generate_rsa(2048);
  static const auto jwks = nlohmann::json{{"keys", {jose::public_jwk(key, "k")}}};
  const std::string text{reinterpret_cast<const char*>(data), size};
  if (auto bytes = jose::base64url_decode(text); bytes && jose::base64url_encode(*bytes) != text)
    std::abort();
  std::string why;
  if (auto token = jose::parse(text, why)) {
    lti13::platform p;
    p.issuer = "https://lms.example.org";
    p.client_id = "c";
    auto check = lti13::validate_id_token(*token, p, jwks, "n", 1'800'000'000);
    if (check.value || !check.error)
      std::abort();
    (void)jose::key_from_jwk(token->claims, why);
  }
  if (auto config = registration::read_configuration(text, "https://lms.example.org/c", why))
    (void)registration::registered_platform(*config, text, why);
  if (auto p = lti13::decode_platform(text)) {
    auto again = lti13::decode_platform(lti13::encode_platform(*p));
    if (!again || again->issuer != p->issuer || again->deployment_ids != p->deployment_ids)
      std::abort();
  }
  return 0;
}
