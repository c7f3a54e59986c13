// What a student's client publishes and sends for OMEMO: an <encrypted> message element, a
// device list, a bundle. Whatever parses is written back and must parse again to the same thing.
#include "transport/omemo/omemo_stanza.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace otrbot::omemo;
  std::string_view xml{reinterpret_cast<const char*>(data), size};
  std::string why;
  if (auto e = parse_encrypted(xml, why); e && parse_encrypted(render(*e), why) != e)
    std::abort();
  if (auto l = parse_device_list(xml, why); l && parse_device_list(render_device_list(*l), why) != l)
    std::abort();
  if (auto b = parse_bundle(xml, why); b && parse_bundle(render(*b), why) != b)
    std::abort();
  return 0;
}
