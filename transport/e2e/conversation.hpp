// An end-to-end encrypted conversation with one student, whatever its protocol: the seam a
// session holds it through. The libotr facade (transport/otr) is the first implementation;
// the actor tests run a second, made-up protocol through the same seam (test/actor). Pure: no
// CAF, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::e2e {

/// What happens in an encrypted conversation, in words every protocol has: it starts, it ends,
/// and the student checks the bot's identity (OTR: SMP with a shared secret).
enum class event : std::uint8_t {
  started,         ///< an encrypted conversation started (new keys, not verified yet)
  ended,           ///< it ended (either side), or went back to plaintext
  refreshed,       ///< the student started it again while it was on: the same keys
  check_started,   ///< the student started checking the bot with the shared secret
  check_question,  ///< the same, with a question the bot answers with the secret
  check_aborted,   ///< the check was cancelled (or failed in protocol)
  check_passed,    ///< both sides proved they hold the same secret
  check_failed,    ///< the secrets differ
  other_device,    ///< a message from another device than the one the check verified (read,
                   ///< but never trusted with private content)
  unreadable,      ///< a message for the bot did not decrypt: the conversation was out of step
                   ///< and a new one has been started (the student should send it again)
};

/// One message as it travels: its body and, for a protocol that carries its data in an element
/// of its own (OMEMO's <encrypted>), that element's XML ("" for none; the body is then only
/// the fallback text for programs without the protocol, never the student's words).
struct wire {
  std::string body;
  std::string element;
  friend bool operator==(const wire&, const wire&) = default;
};

/// What one call into a conversation produced, in order.
struct outcome {
  /// Messages to send to the student (protocol messages, encrypted data or plaintext).
  std::vector<wire> to_send;
  /// What happened, in order.
  std::vector<event> events;
  /// What the student wrote, decrypted when it came encrypted; nullopt for protocol traffic.
  std::optional<std::string> text;
  /// The text came in plaintext while the conversation was encrypted (the student's client lost
  /// or left it).
  bool plaintext_during_encryption = false;
  /// What the protocol needs to read from the student's account (PEP nodes: OMEMO's device list
  /// and bundles); each answer goes to found().
  std::vector<std::string> lookups{};
};

/// One student's encrypted conversation with the bot. Not thread-safe: one actor owns it.
class conversation {
public:
  virtual ~conversation() = default;

  /// The protocol's name for people ("OTR"), for the log.
  virtual std::string_view protocol_name() const noexcept = 0;
  /// Whether a message is this protocol's traffic rather than plain words (it waits for the
  /// bot's key, and it tells that the student's client starts encryption by itself).
  virtual bool is_traffic(const wire& message) const = 0;

  /// Whether receiving `message` may cost public-key arithmetic (OTR: its AKE, its SMP, new DH
  /// keys), and whether the check's own steps do: the session then makes the call on the
  /// cryptography threads, below the priority of serving students. Pure: only the message is read.
  virtual bool costly(const wire& message) const {
    (void)message;
    return false;
  }
  virtual bool costly_checks() const noexcept { return false; }

  /// Whether the bot's key for this conversation must come from the key pool first.
  virtual bool needs_key() const noexcept = 0;
  /// Takes a key from the key pool (its key-file text); false when it does not fit.
  virtual bool install_key(const std::string& key_text) = 0;
  /// The bot's fingerprint in this conversation, once it has its key ("" before).
  virtual std::string fingerprint() const = 0;

  /// A message from the student.
  virtual outcome receive(const wire& message) = 0;
  /// Text for the student: encrypted when the conversation is, else plaintext.
  virtual outcome send(const std::string& text) = 0;
  /// Text that may only travel encrypted, in the conversation `channel` (channel()): nothing is
  /// sent otherwise, and `sent` says so.
  virtual outcome send_private(const std::string& text, const std::string& channel, bool& sent) = 0;

  /// The check of identities with the shared secret: the bot starts it, answers the student's,
  /// or cancels the one under way.
  virtual outcome start_check(const std::string& secret) = 0;
  virtual outcome answer_check(const std::string& secret) = 0;
  virtual outcome abort_check() = 0;

  /// Ends encryption and returns to plaintext; with `tell_peer`, the student's client is told.
  virtual outcome end(bool tell_peer) = 0;
  /// The newest item of a node asked for in `lookups` (one element, as XML; "" when the account
  /// has none or the server refused). Protocols that ask for nothing take none.
  virtual outcome found(const std::string& node, const std::string& item_xml) {
    (void)node;
    (void)item_xml;
    return {};
  }

  /// The protocol's periodic clean-up, every poll_interval() seconds (0: none).
  virtual outcome poll() = 0;
  virtual unsigned poll_interval() const noexcept = 0;

  /// Whether the conversation is encrypted now.
  virtual bool encrypted() const = 0;
  /// This encrypted conversation's id ("" when not encrypted): what a check verified.
  virtual std::string channel() const = 0;
};

} // namespace otrbot::e2e
