// Legacy OMEMO's elements (XEP-0384 v0.3, namespace eu.siacs.conversations.axolotl), pure: an
// <encrypted> message element, a device <list> and a key <bundle>, from and to XML text
// (pugixml). Everything read from a student's client is bounded and checked here: device ids,
// base64, counts and sizes; a bad element is refused with the reason, never half taken.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::omemo {

inline constexpr std::string_view legacy_ns = "eu.siacs.conversations.axolotl";

/// The most keys one message may carry (one per device of both accounts), devices a list may
/// name, and prekeys a bundle may hold; the most bytes of a payload.
inline constexpr std::size_t max_keys = 64;
inline constexpr std::size_t max_devices = 64;
inline constexpr std::size_t max_prekeys = 1000;
inline constexpr std::size_t max_payload = 64 * 1024;

/// The key of a message for one device: its Signal message (a PreKeySignalMessage when
/// `prekey`: the sender builds a new session with that device).
struct device_key {
  std::uint32_t rid = 0;
  bool prekey = false;
  std::string data;  ///< bytes
  friend bool operator==(const device_key&, const device_key&) = default;
};

/// An <encrypted> element.
struct encrypted {
  std::uint32_t sid = 0;           ///< the sending device
  std::vector<device_key> keys;
  std::string iv;                  ///< bytes
  std::optional<std::string> payload;  ///< bytes; none: a key transport message
  friend bool operator==(const encrypted&, const encrypted&) = default;
};

/// A device's published keys.
struct bundle {
  std::uint32_t signed_prekey_id = 0;
  std::string signed_prekey;         ///< bytes
  std::string signed_prekey_signature;
  std::string identity_key;
  struct prekey {
    std::uint32_t id = 0;
    std::string key;
    friend bool operator==(const prekey&, const prekey&) = default;
  };
  std::vector<prekey> prekeys;
  friend bool operator==(const bundle&, const bundle&) = default;
};

/// Each parser takes the element's XML text; nullopt and `why` (for the log) when it is not a
/// well-formed element of that kind within the bounds above.
std::optional<encrypted> parse_encrypted(std::string_view xml, std::string& why);
std::optional<std::vector<std::uint32_t>> parse_device_list(std::string_view xml, std::string& why);
std::optional<bundle> parse_bundle(std::string_view xml, std::string& why);

std::string render(const encrypted& e);
std::string render_device_list(const std::vector<std::uint32_t>& devices);
std::string render(const bundle& b);

/// A device id as XEP-0384 allows it: decimal, 1 to 2^31 - 1.
std::optional<std::uint32_t> parse_device_id(std::string_view text);

/// The PEP nodes: an account's device list, and each device's bundle.
inline constexpr std::string_view devicelist_node = "eu.siacs.conversations.axolotl.devicelist";
inline constexpr std::string_view bundles_prefix = "eu.siacs.conversations.axolotl.bundles:";
std::string bundle_node(std::uint32_t device);
/// The device whose bundle node this is; nullopt for another node.
std::optional<std::uint32_t> bundle_device(std::string_view node);

} // namespace otrbot::omemo
