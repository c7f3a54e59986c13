// Which message bodies are OTR traffic (pure, header-only); OTR's happenings are the seam's
// events (transport/e2e/conversation.hpp).
#pragma once

#include "transport/e2e/conversation.hpp"

#include <string_view>

namespace otrbot::otr {

/// What happens in an OTR conversation, in the seam's words (transport/e2e): libotr's
/// AKE is `started`/`refreshed`, its SMP is the check of identities.
using event = e2e::event;

/// Whether a message body is OTR traffic rather than plain words: an OTR
/// query or protocol/data message ("?OTR", OTR spec "Query messages" and
/// after), or plaintext carrying the whitespace tag that asks for OTR.
inline bool is_otr_traffic(std::string_view body) {
  constexpr std::string_view whitespace_tag_base = "\x20\x09\x20\x20\x09\x09\x09\x09";
  return body.find("?OTR") != std::string_view::npos ||
         body.find(whitespace_tag_base) != std::string_view::npos;
}

} // namespace otrbot::otr
