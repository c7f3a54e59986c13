#include "actors/chat/omemo_keyring.hpp"

#include "actors/log/logging.hpp"
#include "actors/store/omemo_records.hpp"
#include "actors/store/store_db.hpp"
#include "transport/omemo/omemo_conversation.hpp"
#include "transport/omemo/omemo_stanza.hpp"

#include <chrono>

namespace otrbot {
namespace {

xmpp::pep_item bundle_item(const omemo::own_device& d) {
  return {omemo::bundle_node(d.id()), "current", omemo::render(d.published())};
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

omemo_keyring::omemo_keyring(std::shared_ptr<omemo::own_device> real,
                             std::shared_ptr<omemo::own_device> decoy,
                             std::map<std::string, omemo::peer_record> peers)
  : real_(std::move(real)), decoy_(std::move(decoy)), peers_(std::move(peers)) {}

std::shared_ptr<omemo_keyring> omemo_keyring::load(store::database& db, std::string& why) {
  auto stored = db.omemo_devices();
  std::shared_ptr<omemo::own_device> devices[2];
  const char* roles[2] = {"real", "decoy"};
  for (int i = 0; i < 2; ++i) {
    auto it = stored.find(roles[i]);
    if (it == stored.end()) {
      devices[i] = omemo::own_device::generate();
      db.put_omemo_device(roles[i], store::encode(devices[i]->record()));
      continue;
    }
    auto record = store::decode_own_device(it->second, why);
    devices[i] = record ? omemo::own_device::restore(std::move(*record), why) : nullptr;
    if (!devices[i]) {
      why = std::string{"the stored OMEMO "} + roles[i] + " device is unusable: " + why;
      return nullptr;
    }
    devices[i]->expire(now_seconds());
  }
  if (devices[0]->id() == devices[1]->id()) {
    why = "the stored OMEMO devices share one device id";
    return nullptr;
  }
  std::map<std::string, omemo::peer_record> peers;
  for (const auto& [jid, text] : db.omemo_peers()) {
    std::string bad;
    if (auto record = store::decode_peer(text, bad))
      peers.emplace(jid, std::move(*record));
    else  // one student's sessions lost: they start new ones (their program does by itself)
      logging::get("omemo")->warn("the stored OMEMO sessions of {} are unusable ({}): forgotten",
                                  logging::printable(jid), bad);
  }
  return std::make_shared<omemo_keyring>(devices[0], devices[1], std::move(peers));
}

void omemo_keyring::set_sinks(sinks s) {
  std::lock_guard lock(mutex_);
  sinks_ = std::move(s);
}

std::unique_ptr<e2e::conversation> omemo_keyring::open(const std::string& student) {
  omemo::peer_record record;
  {
    std::lock_guard lock(mutex_);
    if (auto it = peers_.find(student); it != peers_.end())
      record = it->second;
  }
  return std::make_unique<omemo::conversation>(
    real_, decoy_->id(), student, std::move(record), logging::get("omemo"),
    [this, student](const omemo::peer_record& r) { kept(student, r); });
}

void omemo_keyring::kept(const std::string& student, const omemo::peer_record& record) {
  sinks s;
  {
    std::lock_guard lock(mutex_);
    peers_[student] = record;
    s = sinks_;
  }
  if (s.keep_peer)
    s.keep_peer(student, store::encode(record));
  // A prekey a student used makes the real device change: kept, and its bundle published again.
  bool changed = false;
  auto device = real_->record(&changed);
  if (changed) {
    if (s.keep_device)
      s.keep_device("real", store::encode(device));
    if (s.publish)
      s.publish(bundle_item(*real_));
  }
}

void omemo_keyring::forget(const std::string& student) {
  std::lock_guard lock(mutex_);
  peers_.erase(student);
}

std::vector<xmpp::pep_item> omemo_keyring::pep_items() const {
  return {{std::string{omemo::devicelist_node}, "current", omemo::render_device_list({real_->id(), decoy_->id()})},
          bundle_item(*real_), bundle_item(*decoy_)};
}

} // namespace otrbot
