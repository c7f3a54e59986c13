#include "transport/omemo/own_device.hpp"

#include "transport/omemo/signal_context.hpp"
#include "transport/omemo/signal_ptr.hpp"

#include <omemo/curve.h>
#include <omemo/key_helper.h>
#include <omemo/ratchet.h>
#include <omemo/session_pre_key.h>
#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>

namespace otrbot::omemo {

using detail::buffer;
using detail::bytes;
using detail::u8;
using detail::ref;

namespace {

void check(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string("libomemo-c: cannot ") + what);
}

std::uint32_t random_device_id() {
  std::uint32_t id = 0;
  while (id == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id) != 1) {
      throw std::runtime_error("no randomness for a device id");
    }
    id &= 0x7fffffffU;
  }
  return id;
}

std::string public_bytes(ec_public_key* key) {
  signal_buffer* raw = nullptr;
  check(ec_public_key_serialize(&raw, key), "serialise a public key");
  buffer b(raw);
  return bytes(b.get());
}

ref<session_signed_pre_key> load_signed(const std::string& record, signal_context* ctx) {
  session_signed_pre_key* raw = nullptr;
  if (session_signed_pre_key_deserialize(&raw, u8(record), record.size(), ctx) < 0) return {};
  return ref<session_signed_pre_key>(raw);
}

ref<session_pre_key> load_prekey(const std::string& record, signal_context* ctx) {
  session_pre_key* raw = nullptr;
  if (session_pre_key_deserialize(&raw, u8(record), record.size(), ctx) < 0) return {};
  return ref<session_pre_key>(raw);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

own_device::own_device(own_device_record record, fingerprint fp)
    : id_(record.device_id), fp_(std::move(fp)), identity_public_(record.identity_public),
      identity_private_(record.identity_private), record_(std::move(record)) {}

std::shared_ptr<own_device> own_device::generate(std::uint32_t device_id) {
  signal_ctx ctx;
  ratchet_identity_key_pair* pair_raw = nullptr;
  check(signal_protocol_key_helper_generate_identity_key_pair(&pair_raw, ctx.get()),
        "make an identity key");
  ref<ratchet_identity_key_pair> pair(pair_raw);

  own_device_record r;
  r.device_id = device_id != 0 ? device_id : random_device_id();
  r.identity_public = public_bytes(ratchet_identity_key_pair_get_public(pair.get()));
  signal_buffer* priv_raw = nullptr;
  check(ec_private_key_serialize(&priv_raw, ratchet_identity_key_pair_get_private(pair.get())),
        "serialise a private key");
  buffer priv(priv_raw);
  r.identity_private = bytes(priv.get());

  session_signed_pre_key* signed_raw = nullptr;
  r.signed_prekey_id = 1;
  check(signal_protocol_key_helper_generate_signed_pre_key(
            &signed_raw, pair.get(), r.signed_prekey_id,
            static_cast<std::uint64_t>(now_seconds()) * 1000U, ctx.get()),
        "make a signed prekey");
  ref<session_signed_pre_key> signed_key(signed_raw);
  signal_buffer* signed_bytes = nullptr;
  check(session_signed_pre_key_serialize(&signed_bytes, signed_key.get()), "serialise a prekey");
  buffer signed_buf(signed_bytes);
  r.signed_prekey = bytes(signed_buf.get());

  auto fp = fingerprint::of_key(r.identity_public);
  if (!fp) throw std::runtime_error("libomemo-c: an identity key of an unexpected size");
  auto device = std::make_shared<own_device>(std::move(r), *fp);
  std::lock_guard lock(device->mutex_);
  device->add_prekeys(prekey_count);
  return device;
}

std::shared_ptr<own_device> own_device::restore(own_device_record record, std::string& why) {
  if (record.device_id == 0 || record.device_id > 0x7fffffffU) {
    why = "the device id is out of range";
    return nullptr;
  }
  auto fp = fingerprint::of_key(record.identity_public);
  if (!fp || record.identity_public.size() != 33 || record.identity_private.size() != 32) {
    why = "the identity key pair is not 33 + 32 bytes";
    return nullptr;
  }
  signal_ctx ctx;
  auto signed_key = load_signed(record.signed_prekey, ctx.get());
  if (!signed_key || session_signed_pre_key_get_id(signed_key.get()) != record.signed_prekey_id) {
    why = "the signed prekey does not load";
    return nullptr;
  }
  for (const auto& [id, bytes_of] : record.prekeys) {
    auto key = load_prekey(bytes_of, ctx.get());
    if (!key || session_pre_key_get_id(key.get()) != id) {
      why = "prekey " + std::to_string(id) + " does not load";
      return nullptr;
    }
  }
  auto device = std::make_shared<own_device>(std::move(record), *fp);
  device->changed_ = false;
  return device;
}

void own_device::add_prekeys(std::size_t count) {
  signal_ctx ctx;
  signal_protocol_key_helper_pre_key_list_node* head = nullptr;
  check(signal_protocol_key_helper_generate_pre_keys(&head, record_.next_prekey_id,
                                                     static_cast<unsigned>(count), ctx.get()),
        "make prekeys");
  std::unique_ptr<signal_protocol_key_helper_pre_key_list_node,
                  decltype(&signal_protocol_key_helper_key_list_free)>
      list(head, &signal_protocol_key_helper_key_list_free);
  for (auto* node = head; node != nullptr; node = signal_protocol_key_helper_key_list_next(node)) {
    session_pre_key* key = signal_protocol_key_helper_key_list_element(node);
    signal_buffer* raw = nullptr;
    check(session_pre_key_serialize(&raw, key), "serialise a prekey");
    buffer b(raw);
    const std::uint32_t id = session_pre_key_get_id(key);
    record_.prekeys[id] = bytes(b.get());
    record_.next_prekey_id = id + 1;
  }
  // libomemo-c numbers prekeys modulo 0xFFFFFE, from 1.
  if (record_.next_prekey_id >= 0xFFFFFEU) record_.next_prekey_id = 1;
  changed_ = true;
}

own_device_record own_device::record(bool* changed) const {
  std::lock_guard lock(mutex_);
  if (changed != nullptr) *changed = changed_;
  changed_ = false;
  return record_;
}

bundle own_device::published() const {
  std::lock_guard lock(mutex_);
  signal_ctx ctx;
  bundle b;
  b.identity_key = identity_public_;
  b.signed_prekey_id = record_.signed_prekey_id;
  auto signed_key = load_signed(record_.signed_prekey, ctx.get());
  if (!signed_key) throw std::runtime_error("libomemo-c: the signed prekey does not load");
  b.signed_prekey = public_bytes(ec_key_pair_get_public(session_signed_pre_key_get_key_pair(signed_key.get())));
  b.signed_prekey_signature.assign(
      reinterpret_cast<const char*>(session_signed_pre_key_get_signature(signed_key.get())),
      session_signed_pre_key_get_signature_len(signed_key.get()));
  for (const auto& [id, record] : record_.prekeys) {
    if (record_.retired.contains(id)) continue;
    auto key = load_prekey(record, ctx.get());
    if (!key) continue;
    b.prekeys.push_back({id, public_bytes(ec_key_pair_get_public(session_pre_key_get_key_pair(key.get())))});
  }
  return b;
}

std::optional<std::string> own_device::prekey(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  auto it = record_.prekeys.find(id);
  if (it == record_.prekeys.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> own_device::signed_prekey(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  if (id != record_.signed_prekey_id) return std::nullopt;
  return record_.signed_prekey;
}

void own_device::retire_prekey(std::uint32_t id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (!record_.prekeys.contains(id) || record_.retired.contains(id)) return;
  record_.retired[id] = now + grace_seconds;
  add_prekeys(1);
}

bool own_device::expire(std::int64_t now) {
  std::lock_guard lock(mutex_);
  bool any = false;
  for (auto it = record_.retired.begin(); it != record_.retired.end();) {
    if (it->second <= now) {
      record_.prekeys.erase(it->first);
      it = record_.retired.erase(it);
      any = true;
    } else {
      ++it;
    }
  }
  if (any) changed_ = true;
  return any;
}

} // namespace otrbot::omemo
