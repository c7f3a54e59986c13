// The bot's OMEMO keys for every session: its real device and the decoy it shows and never
// uses, and each student's sessions, kept in the store as they change. Thread-safe: sessions on
// any scheduler thread open their conversations here.
#pragma once

#include "transport/e2e/conversation.hpp"
#include "transport/omemo/own_device.hpp"
#include "transport/omemo/peer_cipher.hpp"
#include "transport/xmpp/xmpp_types.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace otrbot {

namespace store {
class database;
}

class omemo_keyring {
public:
  /// Where changes go: a student's sessions, a device (role "real" or "decoy"), a bundle to
  /// publish again (the real device's, after a prekey was used). All optional (tests).
  struct sinks {
    std::function<void(const std::string& jid, const std::string& record)> keep_peer;
    std::function<void(const std::string& role, const std::string& record)> keep_device;
    std::function<void(xmpp::pep_item)> publish;
  };

  omemo_keyring(std::shared_ptr<omemo::own_device> real, std::shared_ptr<omemo::own_device> decoy,
                std::map<std::string, omemo::peer_record> peers);

  /// The bot's devices and the students' sessions from the store; devices made (and stored)
  /// when it has none yet. nullptr, with the reason, when a stored row is not a record.
  static std::shared_ptr<omemo_keyring> load(store::database& db, std::string& why);

  void set_sinks(sinks s);

  /// A student's OMEMO conversation, over the sessions the bot has with their devices.
  std::unique_ptr<e2e::conversation> open(const std::string& student);
  /// Forgets a student's sessions (a whitelist removal; the store forgets them itself).
  void forget(const std::string& student);

  /// What the bot publishes at each login: its device list (both devices) and both bundles.
  std::vector<xmpp::pep_item> pep_items() const;

  const omemo::own_device& real() const noexcept { return *real_; }
  const omemo::own_device& decoy() const noexcept { return *decoy_; }

private:
  void kept(const std::string& student, const omemo::peer_record& record);

  std::shared_ptr<omemo::own_device> real_;
  std::shared_ptr<omemo::own_device> decoy_;
  mutable std::mutex mutex_;
  std::map<std::string, omemo::peer_record> peers_;
  sinks sinks_;
};

} // namespace otrbot
