// Bytes on an HTTP connection, arriving in pieces of any size (the first byte picks the size):
// the framer must account for every byte, never take more than it was given, and end every
// request exactly where its Content-Length says.
#include "lti/wire/http_framing.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::lti;
  if (size == 0)
    return 0;
  const std::size_t piece = 1 + data[0] % 64;
  std::string_view rest{reinterpret_cast<const char*>(data + 1), size - 1};
  request_framer framer{{.max_header_bytes = 512, .max_header_fields = 16, .max_body_bytes = 256}};
  std::size_t request_bytes = 0;
  std::string_view pending;  // bytes read but not yet taken (the next request's)
  while (!rest.empty() || !pending.empty()) {
    std::string_view input = pending.empty() ? rest.substr(0, piece) : pending;
    if (pending.empty())
      rest.remove_prefix(input.size());
    auto s = framer.feed(input);
    if (s.take > input.size())
      std::abort();
    if (s.error) {
      if (s.error->status < 400 || s.error->status > 505 || s.error->reason.empty())
        std::abort();
      return 0;
    }
    request_bytes += s.take;
    if (s.complete)
      request_bytes = 0;
    else if (s.take != input.size())
      std::abort();  // an incomplete request takes everything it is given
    if (request_bytes > 512 + 256)
      std::abort();  // no request outgrows the limits
    pending = input.substr(s.take);
    if (!s.complete && !pending.empty())
      std::abort();
    if (s.complete && s.take == 0 && pending.empty() && rest.empty())
      break;
  }
  return 0;
}
