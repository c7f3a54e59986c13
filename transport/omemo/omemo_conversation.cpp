#include "transport/omemo/omemo_conversation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace otrbot::omemo {

using e2e::event;

conversation::conversation(std::shared_ptr<own_device> real, std::uint32_t decoy,
                           std::string student, peer_record record,
                           std::shared_ptr<spdlog::logger> log, keep_fn keep)
  : real_(real), decoy_(decoy), cipher_(std::move(real), std::move(student), std::move(record)),
    log_(std::move(log)), keep_(std::move(keep)) {}

std::string conversation::fingerprint() const { return real_->fp().grouped(); }

bool conversation::verified_now() const {
  if (!on_ || !known_ || !passed_)
    return false;
  auto it = devices_.find(*known_);
  return it != devices_.end() && !it->second.to_decoy;
}

std::string conversation::channel() const {
  if (!verified_now())
    return {};
  return "omemo:" + std::to_string(*known_) + ":" + devices_.at(*known_).identity.hex();
}

e2e::outcome conversation::receive(const e2e::wire& m) {
  e2e::outcome out;
  if (m.element.empty()) {
    if (!m.body.empty())
      out.text = m.body;
    out.plaintext_during_encryption = on_;
    return out;
  }
  std::string why;
  auto e = parse_encrypted(m.element, why);
  if (!e) {
    log_->warn("OMEMO with {}: a message that is not legacy OMEMO was dropped ({})",
               cipher_.jid(), why);
    return out;
  }
  auto is = [&](std::uint32_t id) {
    return std::any_of(e->keys.begin(), e->keys.end(), [&](const auto& k) { return k.rid == id; });
  };
  const bool to_decoy = is(decoy_);
  if (!e->payload && !is(real_->id()))
    return out;  // a key transport message for other devices: housekeeping, not the student's
  if (!is(real_->id())) {
    // The student's program does not trust the bot's real device: the bot cannot read it.
    log_->info("OMEMO with {}: a message not encrypted to the bot's device{}", cipher_.jid(),
               to_decoy ? " (only to the decoy)" : "");
    out.events.push_back(event::check_question);
    return out;
  }
  auto got = cipher_.open(*e, why);
  if (!got) {
    log_->warn("OMEMO with {}: a message from device {} does not decrypt ({})", cipher_.jid(),
               e->sid, why);
    // Out of step (the bot lost its latest state to a kill -9, or the student's program its
    // own): a new session from the device's bundle, once at a time, puts both back in step.
    if (e->payload && repairing_.insert(e->sid).second)
      out.lookups.push_back(bundle_node(e->sid));
    return out;
  }
  kept();
  if (!got->text) {
    // A key transport message (Gajim sends one to each device it builds a session with, the
    // decoy included, before the student's first words): it moves the session on, and says
    // nothing of what the student's program trusts, since it goes to chosen devices only.
    log_->debug("OMEMO with {}: a key transport message from device {}", cipher_.jid(),
                got->device);
    return out;
  }
  if (!on_) {
    on_ = true;
    out.events.push_back(event::started);
    out.lookups.emplace_back(devicelist_node);  // the student's other devices read along
  }
  auto it = devices_.find(got->device);
  const bool first = it == devices_.end();
  if (!first && !(it->second.identity == got->identity) && known_ == got->device) {
    // The device the student verified shows another identity now: it is not that device.
    log_->warn("OMEMO with {}: device {} changed its identity key", cipher_.jid(), got->device);
    known_.reset();
    passed_ = false;
    out.events.push_back(event::check_failed);
  }
  const bool was_to_decoy = !first && it->second.to_decoy;
  devices_.insert_or_assign(got->device, device_state{got->identity, to_decoy});
  if (to_decoy && (first || !was_to_decoy))
    out.events.push_back(event::check_aborted);
  if (known_ == got->device && !to_decoy && !passed_) {
    passed_ = true;
    out.events.push_back(event::check_passed);
  } else if (passed_ && known_ != got->device) {
    log_->warn("OMEMO with {}: a message from device {}, not the verified device {}",
               cipher_.jid(), got->device, *known_);
    out.events.push_back(event::other_device);
  }
  out.text = std::move(got->text);
  return out;
}

e2e::outcome conversation::send(const std::string& text) {
  e2e::outcome out;
  if (!on_) {
    out.to_send.push_back({text, {}});
    return out;
  }
  std::vector<std::uint32_t> to;
  for (const auto& [id, state] : devices_)
    to.push_back(id);
  for (const auto& ids : {listed_, repaired_})
    for (auto id : ids)
      if (!devices_.contains(id) && cipher_.has_session(id) &&
          std::find(to.begin(), to.end(), id) == to.end())
        to.push_back(id);
  std::vector<std::uint32_t> skipped;
  auto e = cipher_.seal(text, to, skipped);
  if (!e) {
    log_->warn("OMEMO with {}: no session to send over: a line was not sent", cipher_.jid());
    return out;
  }
  kept();
  out.to_send.push_back({fallback, render(*e)});
  return out;
}

e2e::outcome conversation::send_private(const std::string& text, const std::string& channel_id,
                                        bool& sent) {
  sent = !channel_id.empty() && channel_id == channel();
  if (!sent) {
    log_->warn("not sending private content to {}: the verified OMEMO device is gone",
               cipher_.jid());
    return {};
  }
  std::vector<std::uint32_t> skipped;
  auto e = cipher_.seal(text, {*known_}, skipped);  // to that device alone
  sent = e.has_value();
  if (!e)
    return {};
  kept();
  e2e::outcome out;
  out.to_send.push_back({fallback, render(*e)});
  return out;
}

e2e::outcome conversation::start_check(const std::string& typed) {
  e2e::outcome out;
  std::string why;
  auto fp = fingerprint::parse(typed, why);
  auto match = std::find_if(devices_.begin(), devices_.end(),
                            [&](const auto& d) { return fp && d.second.identity == *fp; });
  if (match == devices_.end()) {
    known_.reset();
    passed_ = false;
    out.events.push_back(event::check_failed);
    return out;
  }
  known_ = match->first;
  passed_ = !match->second.to_decoy;
  out.events.push_back(passed_ ? event::check_passed : event::check_started);
  return out;
}

e2e::outcome conversation::found(const std::string& node, const std::string& item_xml) {
  e2e::outcome out;
  if (node == devicelist_node)
    listed(out, item_xml);
  else if (auto device = bundle_device(node); device && repairing_.contains(*device))
    repair(out, *device, item_xml);
  else if (device && asked_.contains(*device))
    bundle_found(*device, item_xml);
  return out;
}

void conversation::repair(e2e::outcome& out, std::uint32_t device, const std::string& xml) {
  repairing_.erase(device);
  std::string why;
  auto b = xml.empty() ? std::nullopt : parse_bundle(xml, why);
  // The device keeps its identity: a bundle with another one (the server's, in the student's
  // name) would take over a device the student may have verified. Never.
  auto known = cipher_.identity_of(device);
  if (b && known && !(fingerprint::of_key(b->identity_key) == known)) {
    log_->warn("OMEMO with {}: the bundle of device {} shows another identity key than its "
               "messages: no new session",
               cipher_.jid(), device);
    return;
  }
  std::vector<std::uint32_t> skipped;
  std::optional<omemo::encrypted> hello;
  if (b && cipher_.start_session(device, *b, why))
    hello = cipher_.seal("", {device}, skipped);
  if (!hello) {
    log_->warn("OMEMO with {}: the session with device {} cannot be started again ({})",
               cipher_.jid(), device, why.empty() ? "no bundle" : why);
    return;
  }
  kept();
  repaired_.insert(device);
  // A key transport message: the student's program takes the new session from it.
  hello->payload.reset();
  out.to_send.push_back({"", render(*hello)});
  log_->info("OMEMO with {}: a new session with device {}, which was out of step", cipher_.jid(),
             device);
  out.events.push_back(event::unreadable);
}

void conversation::listed(e2e::outcome& out, const std::string& xml) {
  std::string why;
  auto list = xml.empty() ? std::nullopt : parse_device_list(xml, why);
  if (!list) {
    // Profanity 0.13.1 on Prosody 0.12 publishes none: the devices that wrote still read.
    log_->info("OMEMO with {}: no device list to read{}{}", cipher_.jid(), why.empty() ? "" : ": ",
               why);
    return;
  }
  listed_.clear();
  for (auto id : *list) {
    if (listed_.size() == max_listed)
      break;
    listed_.insert(id);
    if (!devices_.contains(id) && !cipher_.has_session(id) && asked_.insert(id).second)
      out.lookups.push_back(bundle_node(id));
  }
  log_->info("OMEMO with {}: the account lists {} device(s)", cipher_.jid(), listed_.size());
}

void conversation::bundle_found(std::uint32_t device, const std::string& xml) {
  std::string why;
  auto b = xml.empty() ? std::nullopt : parse_bundle(xml, why);
  if (!b) {
    log_->info("OMEMO with {}: no usable bundle for device {}{}{}", cipher_.jid(), device,
               why.empty() ? "" : ": ", why);
    return;
  }
  if (devices_.contains(device) || cipher_.has_session(device))
    return;  // it wrote meanwhile: its own message built the session
  if (!cipher_.start_session(device, *b, why)) {
    log_->warn("OMEMO with {}: the bundle of device {} is refused ({})", cipher_.jid(), device, why);
    return;
  }
  kept();
  log_->info("OMEMO with {}: a session with listed device {}, built from its bundle", cipher_.jid(),
             device);
}

e2e::outcome conversation::end(bool) {
  // OMEMO has no message that ends it: the student's program simply stops encrypting.
  e2e::outcome out;
  if (on_)
    out.events.push_back(event::ended);
  on_ = false;
  passed_ = false;
  return out;
}

} // namespace otrbot::omemo
