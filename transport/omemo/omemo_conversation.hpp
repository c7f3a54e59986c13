// One student's OMEMO conversation behind the seam (e2e::conversation), legacy OMEMO. OMEMO has
// no SMP: the check of identities is two halves, one for each side.
//  - The student verifies the bot: the bot's account shows two devices, the real one and a
//    decoy it never uses; the student's program must encrypt to the real one and not to the
//    decoy (the <key rid>s of each message say which of the bot's devices it trusts).
//  - The bot verifies the student: the student types their own device's fingerprint on the
//    page (the "secret" of start_check); it must be the identity of a device that wrote to the
//    bot, in the session the bot decrypts from.
// The events, in OMEMO's meaning:
//   started        a message decrypted: encryption is on
//   ended          plaintext came while it was on, or end()
//   check_started  the typed fingerprint is that of a device that wrote (the bot knows it),
//                  whose last message was encrypted to the decoy too
//   check_failed   the typed fingerprint matches none of them (or the device's identity changed)
//   check_aborted  a message was encrypted to the decoy as well: the student still trusts it
//   check_question a message was not encrypted to the bot's real device (it is not trusted)
//   check_passed   both halves hold for one device: the verified channel is that device (in
//                  place of check_started when the typed fingerprint completes the check)
//   other_device   once it holds, a message from another of the student's devices (read, and
//                  answered with a warning; nothing private goes to it)
//   unreadable     a message did not decrypt (the bot or the student's program lost its latest
//                  state): a new session was started from the device's bundle, announced with
//                  a key transport message; the student should send it again
// The code then goes to that device alone. Every other line goes to each device that wrote and
// to each device the student's account lists (read when encryption starts: the bot does not
// subscribe to device list notifications), with a session built from its bundle: a device the
// server injected reads that chatter and never the code. Not thread-safe: one actor owns it.
#pragma once

#include "transport/e2e/conversation.hpp"
#include "transport/omemo/peer_cipher.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace spdlog {
class logger;
}

namespace otrbot::omemo {

class conversation final : public e2e::conversation {
public:
  /// Called with the sessions after every change (a message opened or sealed): to keep them.
  using keep_fn = std::function<void(const peer_record&)>;

  /// `real`: the bot's device; `decoy`: the id of the device it shows and never uses.
  conversation(std::shared_ptr<own_device> real, std::uint32_t decoy, std::string student,
               peer_record record, std::shared_ptr<spdlog::logger> log, keep_fn keep = {});

  std::string_view protocol_name() const noexcept override { return "OMEMO"; }
  bool is_traffic(const e2e::wire& m) const override { return !m.element.empty(); }
  bool needs_key() const noexcept override { return false; }
  bool install_key(const std::string&) override { return false; }
  /// The bot's real device's fingerprint, in 8 groups of 8.
  std::string fingerprint() const override;

  e2e::outcome receive(const e2e::wire& message) override;
  e2e::outcome send(const std::string& text) override;
  e2e::outcome send_private(const std::string& text, const std::string& channel,
                            bool& sent) override;
  /// The student's fingerprint as typed on the page (any format fingerprint::parse takes).
  e2e::outcome start_check(const std::string& typed) override;
  e2e::outcome answer_check(const std::string& typed) override { return start_check(typed); }
  e2e::outcome abort_check() override { return {}; }
  e2e::outcome end(bool tell_peer) override;
  /// The student's device list, or a bundle of a listed device (asked for in lookups).
  e2e::outcome found(const std::string& node, const std::string& item_xml) override;
  e2e::outcome poll() override { return {}; }
  unsigned poll_interval() const noexcept override { return 0; }
  bool encrypted() const override { return on_; }
  /// "omemo:<device id>:<its fingerprint>" once both halves hold, else "".
  std::string channel() const override;

  /// The sessions and identities to keep (the store saves them).
  const peer_record& record() const noexcept { return cipher_.record(); }
  /// The most listed devices the bot builds sessions with (a list is bounded at max_devices).
  static constexpr std::size_t max_listed = 16;
  /// The fallback body of every encrypted message, for programs without OMEMO.
  static constexpr const char* fallback =
    "This message is encrypted with OMEMO, which your chat program does not support.";

private:
  struct device_state {
    omemo::fingerprint identity;
    bool to_decoy = false;  ///< its last message was encrypted to the decoy as well
  };
  bool verified_now() const;
  void kept() const {
    if (keep_)
      keep_(cipher_.record());
  }
  void listed(e2e::outcome& out, const std::string& xml);
  void bundle_found(std::uint32_t device, const std::string& xml);
  void repair(e2e::outcome& out, std::uint32_t device, const std::string& xml);

  std::shared_ptr<own_device> real_;
  std::uint32_t decoy_;
  peer_cipher cipher_;
  std::shared_ptr<spdlog::logger> log_;
  keep_fn keep_;
  bool on_ = false;
  std::map<std::uint32_t, device_state> devices_;  ///< the student's devices that wrote
  std::set<std::uint32_t> listed_;                 ///< the devices the student's account lists
  std::set<std::uint32_t> asked_;                  ///< listed devices whose bundle was asked for
  std::set<std::uint32_t> repairing_;  ///< devices whose message did not decrypt: bundle asked for
  std::set<std::uint32_t> repaired_;   ///< devices with a session started again since
  std::optional<std::uint32_t> known_;             ///< the device whose fingerprint was typed
  bool passed_ = false;                            ///< check_passed was reported
};

} // namespace otrbot::omemo
