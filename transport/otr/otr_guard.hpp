// What reaches libotr from a student, bounded (pure): libotr keeps every fragment of a message
// until the last one arrives, and makes a context (and a modular exponentiation) for every new
// sender instance tag. Without bounds one whitelisted student could make the bot hold gigabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

namespace otrbot::otr {

/// Why a message was kept from libotr.
enum class refusal {
  none,                ///< it may go to libotr
  too_many_fragments,  ///< a fragment header announces more than max_fragments pieces
  too_large,           ///< the fragments of one message add up to more than max_message_bytes
  too_many_instances,  ///< a v3 message from yet another sender instance tag
};

constexpr std::string_view describe(refusal r) {
  switch (r) {
    case refusal::none: return "none";
    case refusal::too_many_fragments: return "too many fragments announced";
    case refusal::too_large: return "a fragmented message too large";
    case refusal::too_many_instances: return "too many OTR instances";
  }
  return "";
}

/// One student's bounds, checked before libotr sees a message.
class guard {
public:
  static constexpr std::size_t max_fragments = 64;
  static constexpr std::size_t max_message_bytes = 1 << 20;
  static constexpr std::size_t max_instances = 8;

  /// Whether `body` may go to libotr (and it is counted), or why not.
  refusal admit(std::string_view body);

private:
  std::size_t fragment_bytes_ = 0;      ///< of the message being reassembled
  std::set<std::uint32_t> instances_;   ///< sender instance tags seen (OTR v3)
  refusal instance(std::uint32_t tag);
};

} // namespace otrbot::otr
