// What a browser sends back to the pages: a session token (cookie, link or form) and, from the
// store, a web session's JSON. Neither may crash, and a token is only read when it is ours.
#include "lti/pages/web_session_codec.hpp"
#include "lti/wire/token.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::lti;
  const std::string text{reinterpret_cast<const char*>(data), size};
  const std::string key(32, 'k');
  if (auto id = read_token(text, key, 1'700'000'000)) {
    // Only a token made with the key reads: make it again and compare.
    auto expiry = text.substr(text.find('.') + 1);
    expiry = expiry.substr(0, expiry.find('.'));
    if (make_token(*id, std::stoll(expiry), key) != text)
      std::abort();
  }
  if (auto session = decode_session(text)) {
    // What decodes encodes again and decodes to the same visit.
    auto again = decode_session(encode_session(*session));
    if (!again || again->id != session->id || again->jid != session->jid ||
        again->expires != session->expires || again->claim_jid != session->claim_jid ||
        again->claim_word != session->claim_word || again->claim_expires != session->claim_expires)
      std::abort();
  }
  return 0;
}
