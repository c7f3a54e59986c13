// What comes back to the bot that it sealed itself: an LTI 1.3 login's state (from the platform's
// form post) and a registration invite (typed on the registration page). Unsealed text never
// reads; and what is under a right MAC (the input sealed here) is parsed without a crash, and a
// login read back seals to a state that reads the same.
#include "lti/lti13/lti13_invite.hpp"
#include "lti/lti13/lti13_login.hpp"
#include "lti/wire/token.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot;
  const std::string text{reinterpret_cast<const char*>(data), size};
  const std::string key(32, 'k');
  constexpr std::int64_t now = 1'700'000'000;
  // As sent: a state or an invite the bot did not seal reads as nothing (a MAC is 2^-256 luck).
  if (lti13::open_login(text, key, now) || lti13::read_invite(text, key, now))
    std::abort();
  // Under a right MAC: any payload at all.
  if (auto login = lti13::open_login(lti::seal(text, key), key, now)) {
    auto again = lti13::open_login(lti13::seal_login(*login, key), key, now);
    if (!again || again->id != login->id || again->platform != login->platform ||
        again->expires != login->expires || again->carried != login->carried ||
        again->request.login_hint != login->request.login_hint)
      std::abort();
  }
  if (auto inv = lti13::read_invite("otrbot-invite:" + lti::seal(text, key), key, now))
    if (inv->id.empty() || inv->expires <= now)
      std::abort();
  return 0;
}
