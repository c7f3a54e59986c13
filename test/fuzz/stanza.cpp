// An inbound stanza as anyone who reaches the bot's server may send it: libstrophe parses the XML
// (as it does off the wire), the codec turns it into an event or a reason to ignore it.
#include "transport/xmpp/stanza_codec.hpp"

#include <strophe.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = (xmpp_initialize(), true);
  (void)ready;
  static std::unique_ptr<xmpp_ctx_t, decltype(&xmpp_ctx_free)> ctx{xmpp_ctx_new(nullptr, nullptr),
                                                                    xmpp_ctx_free};
  const std::string xml{reinterpret_cast<const char*>(data), size};  // NUL-terminated
  auto* stanza = xmpp_stanza_new_from_string(ctx.get(), xml.c_str());
  if (stanza == nullptr)
    return 0;
  (void)otrbot::xmpp::decode(ctx.get(), stanza);
  xmpp_stanza_release(stanza);
  return 0;
}
