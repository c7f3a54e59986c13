// The OMEMO records as the store keeps them: the bot's devices and each student's sessions, as
// JSON text with their bytes in base64. Read back through checked members only: a stored row that
// does not hold a record is refused with the reason, never half taken.
#pragma once

#include "transport/omemo/own_device.hpp"
#include "transport/omemo/peer_cipher.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace otrbot::store {

std::string encode(const omemo::own_device_record& r);
std::string encode(const omemo::peer_record& r);

std::optional<omemo::own_device_record> decode_own_device(std::string_view text, std::string& why);
std::optional<omemo::peer_record> decode_peer(std::string_view text, std::string& why);

} // namespace otrbot::store
