// A JID typed on the pages, posted to the admin API or read from a stanza: the parse is
// stringprep's (ICU), and what it accepts is a fixed point.
#include "transport/xmpp/jid.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::xmpp;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  (void)bare_of(text);
  (void)parse_bare_jid(text);
  auto parsed = parse_jid(text);
  if (parsed.value) {
    auto again = parse_jid(parsed.value->full());
    if (!again.value || again.value->full() != parsed.value->full())
      std::abort();  // the normalised form must parse to itself
  }
  return 0;
}
