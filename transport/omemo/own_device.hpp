// The bot's own OMEMO device (legacy OMEMO, eu.siacs.conversations.axolotl): its device id, its
// identity key pair, its signed prekey and its one-time prekeys, made by libomemo-c and kept as
// bytes that the store saves. One device is shared by every student's conversation: it is
// thread-safe, and a prekey a student used stays usable for a grace period (a lecture hall
// fetches the bundle at once, and several students may pick the same prekey) while a fresh one
// takes its place in the bundle.
#pragma once

#include "transport/omemo/fingerprint.hpp"
#include "transport/omemo/omemo_stanza.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace otrbot::omemo {

/// Everything a device is, as the store keeps it (libomemo-c's own serialised forms).
struct own_device_record {
  std::uint32_t device_id = 0;
  std::string identity_public;    ///< 33 bytes: the key type 0x05, then the Curve25519 key
  std::string identity_private;   ///< 32 bytes
  std::uint32_t signed_prekey_id = 0;
  std::string signed_prekey;      ///< session_signed_pre_key, serialised
  std::map<std::uint32_t, std::string> prekeys;  ///< id -> session_pre_key, serialised
  /// Prekeys a student used, still accepted until the unix time given (id -> deadline).
  std::map<std::uint32_t, std::int64_t> retired;
  std::uint32_t next_prekey_id = 1;
  friend bool operator==(const own_device_record&, const own_device_record&) = default;
};

class own_device {
public:
  /// How many one-time prekeys the bundle offers, and how long a used one is still accepted.
  static constexpr std::size_t prekey_count = 100;
  static constexpr std::int64_t grace_seconds = 600;

  /// A new device: a random device id (1 to 2^31 - 1) unless `device_id` is given, a new
  /// identity, a signed prekey and prekey_count prekeys. Throws std::runtime_error when
  /// libomemo-c fails (out of memory or randomness).
  static std::shared_ptr<own_device> generate(std::uint32_t device_id = 0);
  /// The device the store kept; nullopt when the record does not hold a usable device.
  static std::shared_ptr<own_device> restore(own_device_record record, std::string& why);

  std::uint32_t id() const noexcept { return id_; }
  const fingerprint& fp() const noexcept { return fp_; }
  const std::string& identity_public() const noexcept { return identity_public_; }
  const std::string& identity_private() const noexcept { return identity_private_; }

  /// A copy of the record to save; `changed` tells whether it changed since the last copy.
  own_device_record record(bool* changed = nullptr) const;
  /// The bundle to publish (the prekeys not yet used).
  bundle published() const;

  /// For libomemo-c's stores: a prekey (also a retired one, in its grace period), the signed
  /// prekey, and the removal of a used prekey (retired, replaced by a fresh one).
  std::optional<std::string> prekey(std::uint32_t id) const;
  std::optional<std::string> signed_prekey(std::uint32_t id) const;
  void retire_prekey(std::uint32_t id, std::int64_t now);
  /// Forgets the retired prekeys whose grace period ended; true when any was.
  bool expire(std::int64_t now);

  explicit own_device(own_device_record record, fingerprint fp);

private:
  void add_prekeys(std::size_t count);

  const std::uint32_t id_;
  const fingerprint fp_;
  const std::string identity_public_;
  const std::string identity_private_;
  mutable std::mutex mutex_;
  own_device_record record_;
  mutable bool changed_ = true;
};

} // namespace otrbot::omemo
