// The payload cipher of legacy OMEMO (XEP-0384 v0.3, eu.siacs.conversations.axolotl), pure but
// for OpenSSL's AES: AES-128-GCM under a fresh 16-byte key and a 12-byte IV. The key and the
// 16-byte tag (32 bytes) are what goes to each device, through its Signal session; the
// ciphertext without the tag is the <payload>. Clients refuse a key shorter than 32 bytes.
#pragma once

#include "transport/base/secrets.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace otrbot::omemo {

/// A message sealed for sending.
struct sealed {
  std::string key_and_tag;  ///< 32 bytes, to be encrypted for each device
  std::string iv;           ///< 12 bytes, the <iv>
  std::string ciphertext;   ///< the <payload>, as long as the text
};

/// Seals `text` under a fresh key and IV from `rng`.
sealed seal(std::string_view text, const secrets::random_bytes& rng);

/// Opens a received payload: `key_and_tag` as a device decrypted it (32 bytes or more: the key,
/// then the tag; 16 bytes: only the key, the tag then ends the payload, as older clients sent
/// it), the <iv> (12 bytes, or 16 as older clients sent it) and the <payload>. nullopt when
/// anything does not fit or the tag does not match.
std::optional<std::string> open(std::string_view key_and_tag, std::string_view iv,
                                std::string_view ciphertext);

} // namespace otrbot::omemo
