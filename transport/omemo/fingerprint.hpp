// An OMEMO device's fingerprint (pure): the identity key's 32-byte Curve25519 public key, as the
// bot shows it, as students type it from their program, and in the URI that Conversations and
// Monal scan to verify a device.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::omemo {

/// A fingerprint: 64 lowercase hex digits (the 32 bytes of the public key).
class fingerprint {
public:
  /// The fingerprint of a public key: its 32 bytes, or 33 with the key type byte 0x05 first
  /// (libsignal's serialised form). nullopt for any other length.
  static std::optional<fingerprint> of_key(std::string_view public_key);

  /// What a student typed or pasted from their program: any case, and any of space, tab, dash,
  /// colon or nothing between the digits (Profanity prints dashes, Gajim and Monal upper case,
  /// Conversations spaces); the key type "05" before the 64 digits is accepted too. nullopt,
  /// with the reason (a msgid) in `why`, for anything else.
  static std::optional<fingerprint> parse(std::string_view typed, std::string& why);

  /// 64 lowercase hex digits, no separators.
  const std::string& hex() const noexcept { return hex_; }
  /// As the pages show it: 8 groups of 8 lowercase hex digits, separated by spaces.
  std::string grouped() const;

  friend bool operator==(const fingerprint&, const fingerprint&) = default;

private:
  explicit fingerprint(std::string hex) : hex_(std::move(hex)) {}
  std::string hex_;
};

/// The URI a phone scans to verify one device (the bot's QR code on the page):
/// xmpp:<bare JID>?omemo-sid-<device id>=<64 hex digits>.
std::string verification_uri(std::string_view bare_jid, std::uint32_t device_id,
                             const fingerprint& fp);

} // namespace otrbot::omemo
