// What a student's client sends before libotr sees it: whether a body is OTR traffic, and the
// guard that bounds fragments and instance tags. The input is a conversation, one body per line,
// all through one student's guard.
#include "transport/otr/otr_events.hpp"
#include "transport/otr/otr_guard.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::otr;
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  guard g;
  std::size_t admitted_bytes = 0;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    auto body = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    (void)is_otr_traffic(body);
    if (g.admit(body) == refusal::none)
      admitted_bytes += body.size();
    (void)describe(g.admit(body));
  }
  (void)admitted_bytes;
  return 0;
}
