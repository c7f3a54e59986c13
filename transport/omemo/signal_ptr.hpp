// Owning pointers for libomemo-c's reference-counted objects and buffers (internal to
// transport/omemo).
#pragma once

#include <omemo/signal_protocol.h>

#include <memory>
#include <string>
#include <string_view>

namespace otrbot::omemo::detail {

struct unref {
  void operator()(void* object) const noexcept {
    if (object != nullptr) signal_type_unref(static_cast<signal_type_base*>(object));
  }
};
/// One reference to a libomemo-c object (keys, records, messages).
template <class T> using ref = std::unique_ptr<T, unref>;

struct buffer_free {
  void operator()(signal_buffer* b) const noexcept { signal_buffer_bzero_free(b); }
};
/// A signal_buffer, wiped when freed (it may hold key material).
using buffer = std::unique_ptr<signal_buffer, buffer_free>;

inline std::string bytes(signal_buffer* b) {
  return b == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(signal_buffer_data(b)),
                                    signal_buffer_len(b));
}

inline const std::uint8_t* u8(std::string_view s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

} // namespace otrbot::omemo::detail
