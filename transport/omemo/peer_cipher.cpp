#include "transport/omemo/peer_cipher.hpp"

#include "transport/base/secrets.hpp"
#include "transport/omemo/payload.hpp"
#include "transport/omemo/signal_context.hpp"
#include "transport/omemo/signal_ptr.hpp"

#include <omemo/curve.h>
#include <omemo/protocol.h>
#include <omemo/session_builder.h>
#include <omemo/session_cipher.h>
#include <omemo/session_pre_key.h>
#include <openssl/rand.h>

#include <chrono>

namespace otrbot::omemo {

using detail::buffer;
using detail::bytes;
using detail::u8;
using detail::ref;

struct peer_cipher::state {
  signal_ctx ctx;
  signal_protocol_store_context* stores = nullptr;
  ~state() {
    if (stores != nullptr) signal_protocol_store_context_destroy(stores);
  }
};

// libomemo-c's store callbacks: the bot's identity and prekeys come from its own device, the
// sessions and identities of the student's devices from the record. Any other name (the
// library asks only about the address it was given) has nothing.
struct peer_cipher::store {
  static peer_cipher& of(void* user) { return *static_cast<peer_cipher*>(user); }
  static bool ours(const peer_cipher& p, const char* name, std::size_t len) {
    return std::string_view(name, len) == p.jid_;
  }
  static bool ours(const peer_cipher& p, const signal_protocol_address* a) {
    return ours(p, a->name, a->name_len) && a->device_id > 0;
  }
  static auto device(const signal_protocol_address* a) { return static_cast<std::uint32_t>(a->device_id); }

  static int load_session(signal_buffer** record, signal_buffer** user_record,
                          const signal_protocol_address* a, void* user) {
    auto& p = of(user);
    *user_record = nullptr;
    if (!ours(p, a)) return 0;
    auto it = p.record_.sessions.find(device(a));
    if (it == p.record_.sessions.end()) return 0;
    *record = signal_buffer_create(u8(it->second), it->second.size());
    return *record != nullptr ? 1 : SG_ERR_NOMEM;
  }
  static int sub_devices(signal_int_list** sessions, const char* name, std::size_t len, void* user) {
    auto& p = of(user);
    signal_int_list* list = signal_int_list_alloc();
    if (list == nullptr) return SG_ERR_NOMEM;
    int n = 0;
    if (ours(p, name, len)) {
      for (const auto& [id, record] : p.record_.sessions) {
        signal_int_list_push_back(list, static_cast<int>(id));
        ++n;
      }
    }
    *sessions = list;
    return n;
  }
  static int store_session(const signal_protocol_address* a, std::uint8_t* record, std::size_t len,
                           std::uint8_t*, std::size_t, void* user) {
    auto& p = of(user);
    if (!ours(p, a)) return SG_ERR_INVAL;
    p.record_.sessions[device(a)].assign(reinterpret_cast<const char*>(record), len);
    return 0;
  }
  static int contains_session(const signal_protocol_address* a, void* user) {
    auto& p = of(user);
    return ours(p, a) && p.record_.sessions.contains(device(a)) ? 1 : 0;
  }
  static int delete_session(const signal_protocol_address* a, void* user) {
    auto& p = of(user);
    return ours(p, a) && p.record_.sessions.erase(device(a)) > 0 ? 1 : 0;
  }
  static int delete_all(const char* name, std::size_t len, void* user) {
    auto& p = of(user);
    if (!ours(p, name, len)) return 0;
    const auto n = static_cast<int>(p.record_.sessions.size());
    p.record_.sessions.clear();
    return n;
  }

  static int load_prekey(signal_buffer** record, std::uint32_t id, void* user) {
    auto key = of(user).own_->prekey(id);
    if (!key) return SG_ERR_INVALID_KEY_ID;
    *record = signal_buffer_create(u8(*key), key->size());
    return *record != nullptr ? 0 : SG_ERR_NOMEM;
  }
  static int store_prekey(std::uint32_t, std::uint8_t*, std::size_t, void*) { return SG_ERR_INVAL; }
  static int contains_prekey(std::uint32_t id, void* user) {
    return of(user).own_->prekey(id) ? 1 : 0;
  }
  static int remove_prekey(std::uint32_t id, void* user) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    of(user).own_->retire_prekey(id, now);
    return 0;
  }

  static int load_signed(signal_buffer** record, std::uint32_t id, void* user) {
    auto key = of(user).own_->signed_prekey(id);
    if (!key) return SG_ERR_INVALID_KEY_ID;
    *record = signal_buffer_create(u8(*key), key->size());
    return *record != nullptr ? 0 : SG_ERR_NOMEM;
  }
  static int store_signed(std::uint32_t, std::uint8_t*, std::size_t, void*) { return SG_ERR_INVAL; }
  static int contains_signed(std::uint32_t id, void* user) {
    return of(user).own_->signed_prekey(id) ? 1 : 0;
  }
  static int remove_signed(std::uint32_t, void*) { return 0; }

  static int identity_pair(signal_buffer** pub, signal_buffer** priv, void* user) {
    const auto& own = *of(user).own_;
    *pub = signal_buffer_create(u8(own.identity_public()), own.identity_public().size());
    *priv = signal_buffer_create(u8(own.identity_private()), own.identity_private().size());
    return *pub != nullptr && *priv != nullptr ? 0 : SG_ERR_NOMEM;
  }
  static int registration_id(void* user, std::uint32_t* id) {
    *id = of(user).own_->id();
    return 0;
  }
  static int save_identity(const signal_protocol_address* a, std::uint8_t* key, std::size_t len,
                           void* user) {
    auto& p = of(user);
    if (!ours(p, a)) return SG_ERR_INVAL;
    if (key == nullptr) {
      p.record_.identities.erase(device(a));
    } else {
      p.record_.identities[device(a)].assign(reinterpret_cast<const char*>(key), len);
    }
    return 0;
  }
  // Every identity is accepted here: what the bot trusts is the lesson's decision (the device
  // whose fingerprint the student typed), made over the identity each message came with.
  static int is_trusted(const signal_protocol_address*, std::uint8_t*, std::size_t, void*) {
    return 1;
  }
};

peer_cipher::peer_cipher(std::shared_ptr<own_device> own, std::string bare_jid, peer_record record)
    : own_(std::move(own)), jid_(std::move(bare_jid)), record_(std::move(record)),
      state_(std::make_unique<state>()) {
  if (signal_protocol_store_context_create(&state_->stores, state_->ctx.get()) != 0) {
    throw std::runtime_error("libomemo-c: cannot make a store context");
  }
  const signal_protocol_session_store sessions{store::load_session, store::sub_devices,
                                               store::store_session, store::contains_session,
                                               store::delete_session, store::delete_all,
                                               nullptr, this};
  const signal_protocol_pre_key_store prekeys{store::load_prekey, store::store_prekey,
                                              store::contains_prekey, store::remove_prekey,
                                              nullptr, this};
  const signal_protocol_signed_pre_key_store signed_keys{store::load_signed, store::store_signed,
                                                         store::contains_signed,
                                                         store::remove_signed, nullptr, this};
  const signal_protocol_identity_key_store identities{store::identity_pair, store::registration_id,
                                                      store::save_identity, store::is_trusted,
                                                      nullptr, this};
  signal_protocol_store_context_set_session_store(state_->stores, &sessions);
  signal_protocol_store_context_set_pre_key_store(state_->stores, &prekeys);
  signal_protocol_store_context_set_signed_pre_key_store(state_->stores, &signed_keys);
  signal_protocol_store_context_set_identity_key_store(state_->stores, &identities);
}

peer_cipher::~peer_cipher() = default;

namespace {

ref<ec_public_key> decode_key(const std::string& bytes_of, signal_context* ctx) {
  ec_public_key* raw = nullptr;
  if (curve_decode_point(&raw, u8(bytes_of), bytes_of.size(), ctx) < 0) return {};
  return ref<ec_public_key>(raw);
}

struct builder_free {
  void operator()(session_builder* b) const noexcept { session_builder_free(b); }
};
struct cipher_free {
  void operator()(session_cipher* c) const noexcept { session_cipher_free(c); }
};

} // namespace

bool peer_cipher::start_session(std::uint32_t device, const bundle& b, std::string& why) {
  if (b.prekeys.empty()) {
    why = "the bundle has no prekeys";
    return false;
  }
  std::uint32_t pick = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&pick), sizeof pick);
  const auto& prekey = b.prekeys[pick % b.prekeys.size()];
  auto* ctx = state_->ctx.get();
  auto pre = decode_key(prekey.key, ctx);
  auto signed_key = decode_key(b.signed_prekey, ctx);
  auto identity = decode_key(b.identity_key, ctx);
  if (!pre || !signed_key || !identity) {
    why = "a key of the bundle does not decode";
    return false;
  }
  session_pre_key_bundle* raw = nullptr;
  if (session_pre_key_bundle_create(&raw, device, static_cast<int>(device), prekey.id, pre.get(),
                                    b.signed_prekey_id, signed_key.get(),
                                    u8(b.signed_prekey_signature),
                                    b.signed_prekey_signature.size(), identity.get()) < 0) {
    why = "the bundle does not make a session";
    return false;
  }
  ref<session_pre_key_bundle> bundle_ref(raw);
  const signal_protocol_address address{jid_.c_str(), jid_.size(), static_cast<std::int32_t>(device)};
  session_builder* builder_raw = nullptr;
  if (session_builder_create(&builder_raw, state_->stores, &address, ctx) < 0) {
    why = "no session builder";
    return false;
  }
  std::unique_ptr<session_builder, builder_free> builder(builder_raw);
  session_builder_set_version(builder.get(), CIPHERTEXT_CURRENT_VERSION);
  const int rc = session_builder_process_pre_key_bundle(builder.get(), bundle_ref.get());
  if (rc < 0) {
    why = rc == SG_ERR_INVALID_KEY ? "the bundle's signature does not verify"
                                   : "the bundle does not make a session (" + std::to_string(rc) + ")";
    return false;
  }
  return true;
}

bool peer_cipher::has_session(std::uint32_t device) const { return record_.sessions.contains(device); }

std::optional<fingerprint> peer_cipher::identity_of(std::uint32_t device) const {
  auto it = record_.identities.find(device);
  if (it == record_.identities.end()) return std::nullopt;
  return fingerprint::of_key(it->second);
}

std::optional<opened> peer_cipher::open(const encrypted& e, std::string& why) {
  const device_key* mine = nullptr;
  std::vector<std::uint32_t> recipients;
  for (const auto& k : e.keys) {
    recipients.push_back(k.rid);
    if (k.rid == own_->id()) mine = &k;
  }
  if (mine == nullptr) {
    why = "the message has no key for the bot's device";
    return std::nullopt;
  }
  if (e.sid == 0 || e.sid > 0x7fffffffU) {
    why = "the sender's device id is out of range";
    return std::nullopt;
  }
  auto* ctx = state_->ctx.get();
  const signal_protocol_address address{jid_.c_str(), jid_.size(), static_cast<std::int32_t>(e.sid)};
  session_cipher* cipher_raw = nullptr;
  if (session_cipher_create(&cipher_raw, state_->stores, &address, ctx) < 0) {
    why = "no session cipher";
    return std::nullopt;
  }
  std::unique_ptr<session_cipher, cipher_free> cipher(cipher_raw);
  session_cipher_set_version(cipher.get(), CIPHERTEXT_CURRENT_VERSION);
  signal_buffer* plain_raw = nullptr;
  int rc = 0;
  bool new_session = false;
  if (mine->prekey) {
    pre_key_signal_message* msg = nullptr;
    rc = pre_key_signal_message_deserialize(&msg, u8(mine->data), mine->data.size(), ctx);
    if (rc >= 0) {
      ref<pre_key_signal_message> owned(msg);
      rc = session_cipher_decrypt_pre_key_signal_message(cipher.get(), msg, nullptr, &plain_raw);
      new_session = rc >= 0;
    }
  } else {
    signal_message* msg = nullptr;
    rc = signal_message_deserialize(&msg, u8(mine->data), mine->data.size(), ctx);
    if (rc >= 0) {
      ref<signal_message> owned(msg);
      rc = session_cipher_decrypt_signal_message(cipher.get(), msg, nullptr, &plain_raw);
    }
  }
  buffer plain(plain_raw);
  if (rc < 0) {
    why = rc == SG_ERR_NO_SESSION        ? "no session with that device"
          : rc == SG_ERR_DUPLICATE_MESSAGE ? "a message seen before"
          : rc == SG_ERR_INVALID_KEY_ID    ? "a prekey the bot does not have"
                                           : "the key does not decrypt (" + std::to_string(rc) + ")";
    return std::nullopt;
  }
  auto identity = identity_of(e.sid);
  if (!identity) {
    why = "the session has no identity key";
    return std::nullopt;
  }
  opened result{e.sid, *identity, std::nullopt, new_session, std::move(recipients)};
  if (e.payload) {
    auto text = omemo::open(bytes(plain.get()), e.iv, *e.payload);
    if (!text) {
      why = "the payload does not decrypt";
      return std::nullopt;
    }
    result.text = std::move(*text);
  }
  return result;
}

std::optional<encrypted> peer_cipher::seal(std::string_view text,
                                           const std::vector<std::uint32_t>& devices,
                                           std::vector<std::uint32_t>& skipped) {
  const sealed s = omemo::seal(text, secrets::system_random);
  encrypted e;
  e.sid = own_->id();
  e.iv = s.iv;
  e.payload = s.ciphertext;
  for (const auto device : devices) {
    if (!has_session(device)) {
      skipped.push_back(device);
      continue;
    }
    const signal_protocol_address address{jid_.c_str(), jid_.size(), static_cast<std::int32_t>(device)};
    session_cipher* cipher_raw = nullptr;
    if (session_cipher_create(&cipher_raw, state_->stores, &address, state_->ctx.get()) < 0) {
      skipped.push_back(device);
      continue;
    }
    std::unique_ptr<session_cipher, cipher_free> cipher(cipher_raw);
    session_cipher_set_version(cipher.get(), CIPHERTEXT_CURRENT_VERSION);
    ciphertext_message* msg = nullptr;
    if (session_cipher_encrypt(cipher.get(), u8(s.key_and_tag), s.key_and_tag.size(), &msg) < 0) {
      skipped.push_back(device);
      continue;
    }
    ref<ciphertext_message> owned(msg);
    e.keys.push_back({device, ciphertext_message_get_type(msg) == CIPHERTEXT_PREKEY_TYPE,
                      bytes(ciphertext_message_get_serialized(msg))});
  }
  if (e.keys.empty()) return std::nullopt;
  return e;
}

} // namespace otrbot::omemo
