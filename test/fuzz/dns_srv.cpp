// A DNS answer to the SRV question of `otrbot check-config` (from whatever resolver the host
// uses): glibc's parser reads it, ours reads the records' data; what comes out is sorted.
#include "transport/net/dns.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65535)
    return 0;  // a DNS message is at most 64 KiB
  auto targets = otrbot::net::parse_srv_answer(data, static_cast<int>(size));
  for (std::size_t i = 1; i < targets.size(); ++i)
    if (targets[i - 1].priority > targets[i].priority)
      std::abort();  // tried lowest priority first
  return 0;
}
