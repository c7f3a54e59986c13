// The Signal sessions between the bot's device and one student's devices (legacy OMEMO), through
// libomemo-c: a session is built from a device's bundle or from the student's first message;
// messages are opened and sealed here (the payload cipher is payload.hpp's). Every session and
// every identity key the student's devices showed are kept as bytes the store saves. Not
// thread-safe: one actor owns it; the bot's own device is shared and thread-safe.
#pragma once

#include "transport/omemo/fingerprint.hpp"
#include "transport/omemo/omemo_stanza.hpp"
#include "transport/omemo/own_device.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::omemo {

/// One student's sessions and device identities, as the store keeps them.
struct peer_record {
  std::map<std::uint32_t, std::string> sessions;    ///< device id -> session_record, serialised
  std::map<std::uint32_t, std::string> identities;  ///< device id -> identity key (33 bytes)
  friend bool operator==(const peer_record&, const peer_record&) = default;
};

/// What a message from the student held.
struct opened {
  std::uint32_t device = 0;        ///< the device that sent it
  fingerprint identity;            ///< that device's identity key, as the session knows it
  std::optional<std::string> text; ///< nullopt: a key transport message (no payload)
  bool new_session = false;        ///< the message built a new session (a prekey message)
  /// The bot's devices the student's client encrypted this message to (the <key rid>s).
  std::vector<std::uint32_t> recipients;
};

class peer_cipher {
public:
  peer_cipher(std::shared_ptr<own_device> own, std::string bare_jid, peer_record record = {});
  ~peer_cipher();
  peer_cipher(const peer_cipher&) = delete;
  peer_cipher& operator=(const peer_cipher&) = delete;

  /// Builds a session with one of the student's devices from its published bundle (a random
  /// one of its prekeys). False, with the reason in `why`, when the bundle is unusable (a bad
  /// key or signature).
  bool start_session(std::uint32_t device, const bundle& b, std::string& why);
  bool has_session(std::uint32_t device) const;

  /// Opens a message sent by `sender`'s device to the bot's device. nullopt, with the reason
  /// in `why`, when it is not for the bot's device, does not decrypt or does not authenticate.
  std::optional<opened> open(const encrypted& e, std::string& why);

  /// Seals `text` for the listed devices of the student (each must have a session; the others
  /// are left out and named in `skipped`). nullopt when none is left.
  std::optional<encrypted> seal(std::string_view text, const std::vector<std::uint32_t>& devices,
                                std::vector<std::uint32_t>& skipped);

  /// The identity key a device of the student showed (nullopt: none yet).
  std::optional<fingerprint> identity_of(std::uint32_t device) const;
  const peer_record& record() const noexcept { return record_; }
  const std::string& jid() const noexcept { return jid_; }

  struct store;  // libomemo-c's callbacks (peer_cipher.cpp)

private:
  std::shared_ptr<own_device> own_;
  std::string jid_;
  peer_record record_;
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace otrbot::omemo
