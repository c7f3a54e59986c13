// One student's OTR conversation over libotr 4.1: its own user state and key, no CAF.
#pragma once

#include "transport/e2e/conversation.hpp"
#include "transport/otr/otr_events.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace otrbot::otr {

/// Initialises libotr (and libgcrypt) once, in main, before any thread
/// starts, and warms libgcrypt up (its one-time self-tests are not
/// thread-safe). Returns false when libotr's version does not fit.
bool initialize();

/// What one call into libotr produced, in order (the seam's words).
using outcome = e2e::outcome;

/// A fresh private key (DSA-1024) for one account, as libotr's key-file text.
/// Made on any thread, installed into exactly one session, wiped when dropped.
/// It never touches a file system (anonymous memory files only).
class private_key {
public:
  explicit private_key(std::string text) : text_(std::move(text)) {}
  ~private_key();
  private_key(private_key&& other) noexcept : text_(std::exchange(other.text_, {})) {}
  private_key& operator=(private_key&&) = delete;
  private_key(const private_key&) = delete;
  private_key& operator=(const private_key&) = delete;
  const std::string& text() const noexcept { return text_; }

private:
  std::string text_;
};

/// DSA-1024 domain parameters (p, q, g), made with libgcrypt's prime search
/// (tens to hundreds of ms). Keys made in one domain are distinct key pairs
/// (distinct fingerprints) that share p, q and g, as FIPS 186 allows; each
/// costs about one modular exponentiation instead of a prime search.
class key_domain {
public:
  /// A fresh domain; nullopt when libgcrypt fails.
  static std::optional<key_domain> make();
  key_domain(key_domain&&) noexcept;
  key_domain& operator=(key_domain&&) noexcept;
  ~key_domain();

  struct params;

private:
  explicit key_domain(std::unique_ptr<params> p);
  std::unique_ptr<params> p_;
  friend std::optional<private_key> make_key(const std::string&, const key_domain*);
};

/// Makes a key for `account` (any thread, no shared state): in `domain` when
/// given (about 10 ms), else with libotr's own generation (a prime
/// search: tens to hundreds of ms). nullopt when libotr or libgcrypt fail.
std::optional<private_key> make_key(const std::string& account,
                                    const key_domain* domain = nullptr);

/// One OTR conversation between the bot (`account`) and one student (`peer`,
/// a bare JID): the seam's first implementation (the check of identities is SMP). Not
/// thread-safe: one actor owns it.
class session final : public e2e::conversation {
public:
  session(std::string account, std::string peer, std::shared_ptr<spdlog::logger> log);
  ~session() override;
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  std::string_view protocol_name() const noexcept override { return "OTR"; }
  bool is_traffic(const e2e::wire& m) const override {
    return m.element.empty() && is_otr_traffic(m.body);
  }

  /// Every OTR message may be: the AKE's, SMP's (inside data messages), a data message's new DH key.
  bool costly(const e2e::wire& m) const override { return is_traffic(m); }
  bool costly_checks() const noexcept override { return true; }

  bool needs_key() const noexcept override { return true; }
  /// Takes this key (made for `account`, libotr's key-file text) as the bot's key.
  bool install_key(const std::string& key_text) override;
  bool install_key(const private_key& key) { return install_key(key.text()); }
  bool has_key() const noexcept;
  /// The account's OTR v3 instance tag, made with the key (0 before the key).
  std::uint32_t instance_tag() const;
  /// The bot's fingerprint in this session ("ABCD1234 ..."), once the key exists.
  std::string fingerprint() const override;

  outcome receive(const e2e::wire& message) override;
  outcome send(const std::string& text) override;
  /// Text that may only travel encrypted, on the OTR session `session_id`.
  outcome send_private(const std::string& text, const std::string& session_id,
                       bool& sent) override;

  /// SMP (OTR v3 spec) with the shared secret.
  outcome start_check(const std::string& secret) override;
  outcome answer_check(const std::string& secret) override;
  outcome abort_check() override;
  /// Ends the OTR session and returns to plaintext. With `tell_peer`, a
  /// disconnect message goes to the student; without, nothing is sent (the
  /// student went offline, or their client already lost the session).
  outcome end(bool tell_peer) override;
  /// libotr's periodic clean-up (see poll_interval()).
  outcome poll() override;
  /// Seconds between polls that libotr asked for; 0: no polling needed.
  unsigned poll_interval() const noexcept override;

  bool encrypted() const override;
  /// The current OTR session's id (hex); empty when not encrypted.
  std::string channel() const override;
  /// The OTR protocol version in use (2 or 3), 0 when not encrypted.
  unsigned protocol_version() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace otrbot::otr
