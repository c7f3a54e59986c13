// libotr 4.1 behind a small class: callbacks are static trampolines with opdata = the session.
#include "transport/otr/otr_session.hpp"

#include "transport/base/hex.hpp"
#include "transport/otr/memory_file.hpp"
#include "transport/otr/otr_callbacks.hpp"

// libotr's headers depend on each other's order (proto.h first), and not all
// of them declare C linkage.
extern "C" {
#include <libotr/proto.h>
#include <libotr/context.h>
#include <libotr/instag.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/tlv.h>
#include <libotr/userstate.h>
}
#include <gcrypt.h>
#include <spdlog/spdlog.h>

#include <sys/random.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace otrbot::otr {

bool initialize() {
  if (otrl_init(OTRL_VERSION_MAJOR, OTRL_VERSION_MINOR, OTRL_VERSION_SUB) != 0)
    return false;
  // Warm-up on this one thread: libgcrypt's first random bytes and first
  // cipher run self-tests whose flags are not thread-safe.
  unsigned char buf[16];
  gcry_randomize(buf, sizeof buf, GCRY_STRONG_RANDOM);
  gcry_cipher_hd_t h;
  if (gcry_cipher_open(&h, GCRY_CIPHER_AES, GCRY_CIPHER_MODE_CTR, GCRY_CIPHER_SECURE) == 0) {
    gcry_cipher_setkey(h, buf, sizeof buf);
    gcry_cipher_close(h);
  }
  return true;
}

session::session(std::string account, std::string peer, std::shared_ptr<spdlog::logger> log)
  : impl_(std::make_unique<impl>()) {
  auto& m = *impl_;
  m.account = std::move(account);
  m.peer = std::move(peer);
  m.log = std::move(log);
  m.us = otrl_userstate_create();
  auto& o = m.ops;
  o.policy = &impl::policy;
  o.create_privkey = &impl::create_privkey;
  o.is_logged_in = &impl::is_logged_in;
  o.inject_message = &impl::inject_message;
  o.update_context_list = &impl::update_context_list;
  o.new_fingerprint = &impl::new_fingerprint;
  o.write_fingerprints = &impl::write_fingerprints;
  o.gone_secure = &impl::gone_secure;
  o.gone_insecure = &impl::gone_insecure;
  o.still_secure = &impl::still_secure;
  o.max_message_size = &impl::max_message_size;
  o.account_name = &impl::account_name;
  o.account_name_free = &impl::account_name_free;
  o.received_symkey = &impl::received_symkey;
  o.otr_error_message = &impl::otr_error_message;
  o.otr_error_message_free = &impl::otr_error_message_free;
  o.resent_msg_prefix = &impl::resent_msg_prefix;
  o.resent_msg_prefix_free = &impl::resent_msg_prefix_free;
  o.handle_smp_event = &impl::handle_smp_event;
  o.handle_msg_event = &impl::handle_msg_event;
  o.create_instag = &impl::create_instag;
  o.convert_msg = nullptr;
  o.convert_free = nullptr;
  o.timer_control = &impl::timer_control;
}

session::~session() {
  if (impl_->us)
    otrl_userstate_free(impl_->us);
}

bool session::has_key() const noexcept { return impl_->has_key; }

std::uint32_t session::instance_tag() const {
  auto* tag = otrl_instag_find(impl_->us, impl_->account.c_str(), protocol);
  return tag ? tag->instag : 0;
}

unsigned session::poll_interval() const noexcept { return impl_->timer_interval; }

namespace {

/// Gives the account its OTR v3 instance tag now, from the kernel's random bytes. Left to libotr,
/// the first message sent makes it with libgcrypt's strong generator, whose lock the
/// cryptography threads (at a lower priority) hold while they compute: a session's first
/// plaintext answer waited up to 259 ms for it while a lecture hall's AKEs ran.
bool install_instag(OtrlUserState us, const std::string& account, const char* protocol) {
  otrl_instag_t tag = 0;
  while (tag < OTRL_MIN_VALID_INSTAG)
    if (::getrandom(&tag, sizeof tag, 0) != static_cast<ssize_t>(sizeof tag))
      return false;
  auto f = memory_file();  // libotr reads instance tags from a FILE*, as keys
  if (!f || std::fprintf(f.get(), "%s\t%s\t%08x\n", account.c_str(), protocol, tag) < 0 ||
      std::fflush(f.get()) != 0)
    return false;
  std::rewind(f.get());
  return otrl_instag_read_FILEp(us, f.get()) == 0 &&
         otrl_instag_find(us, account.c_str(), protocol) != nullptr;
}

} // namespace

bool session::install_key(const std::string& key_text) {
  // libotr reads keys from a FILE* it can fstat: an anonymous memory file.
  const auto& text = key_text;
  impl_->has_key = false;
  auto f = memory_file();
  if (!f || std::fwrite(text.data(), 1, text.size(), f.get()) != text.size() ||
      std::fflush(f.get()) != 0)
    return false;
  std::rewind(f.get());
  impl_->has_key = otrl_privkey_read_FILEp(impl_->us, f.get()) == 0 &&
                   otrl_privkey_find(impl_->us, impl_->account.c_str(), protocol) != nullptr;
  // (Without it libotr still makes one at the first message, as before.)
  if (impl_->has_key && !otrl_instag_find(impl_->us, impl_->account.c_str(), protocol) &&
      !install_instag(impl_->us, impl_->account, protocol))
    impl_->log->warn("OTR instance tag for {} not made ahead: libotr makes it", impl_->peer);
  return impl_->has_key;
}

std::string session::fingerprint() const {
  char fp[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
  if (!otrl_privkey_fingerprint(impl_->us, fp, impl_->account.c_str(), protocol))
    return {};
  return fp;
}

outcome session::receive(const e2e::wire& in) {
  auto& m = *impl_;
  if (!in.element.empty()) {
    // Another protocol's message (OMEMO): its body is only a fallback text, not the student's
    // words, and nothing of it is OTR's.
    m.log->debug("OTR with {}: a message of another protocol is not OTR's", m.peer);
    return {};
  }
  const std::string& message = in.body;
  if (auto refused = m.bounds.admit(message); refused != refusal::none) {
    m.log->warn("OTR with {}: a message was dropped before libotr ({})", m.peer, describe(refused));
    return {};
  }
  char* newmessage = nullptr;
  OtrlTLV* tlvs = nullptr;
  ConnContext* ctx = nullptr;
  int internal = otrl_message_receiving(m.us, &m.ops, &m, m.account.c_str(), protocol,
                                        m.peer.c_str(), message.c_str(), &newmessage, &tlvs,
                                        &ctx, nullptr, nullptr);
  if (ctx && ctx->msgstate == OTRL_MSGSTATE_ENCRYPTED)
    m.current = ctx;
  if (tlvs && otrl_tlv_find(tlvs, OTRL_TLV_DISCONNECTED)) {
    m.went_insecure = true;
    m.happened(event::ended);
  }
  if (!internal)
    m.out.text = newmessage ? std::string{newmessage} : message;
  if (m.out.text && m.out.text->empty())
    m.out.text.reset();
  otrl_message_free(newmessage);
  otrl_tlv_free(tlvs);
  return m.take();
}

outcome session::send(const std::string& text) {
  auto& m = *impl_;
  char* newmessage = nullptr;
  auto err = otrl_message_sending(m.us, &m.ops, &m, m.account.c_str(), protocol, m.peer.c_str(),
                                  OTRL_INSTAG_BEST, text.c_str(), nullptr, &newmessage,
                                  OTRL_FRAGMENT_SEND_ALL_BUT_LAST, nullptr, nullptr, nullptr);
  if (err)
    m.log->warn("OTR refused to send to {}: {}", m.peer, gcry_strerror(err));
  else if (!newmessage)
    m.out.to_send.push_back({text, {}});  // plaintext, unchanged
  else if (*newmessage)
    m.out.to_send.push_back({newmessage, {}});  // encrypted (or its last fragment)
  otrl_message_free(newmessage);
  return m.take();
}

outcome session::send_private(const std::string& text, const std::string& sid, bool& sent) {
  sent = encrypted() && !sid.empty() && channel() == sid;
  if (!sent) {
    impl_->log->warn("not sending private content to {}: the verified OTR session is gone",
                     impl_->peer);
    return {};
  }
  auto out = send(text);
  sent = !out.to_send.empty();
  return out;
}

outcome session::start_check(const std::string& secret) {
  auto& m = *impl_;
  if (auto* c = m.context(); c && c->msgstate == OTRL_MSGSTATE_ENCRYPTED)
    otrl_message_initiate_smp(m.us, &m.ops, &m, c,
                              reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  return m.take();
}

outcome session::answer_check(const std::string& secret) {
  auto& m = *impl_;
  if (auto* c = m.context(); c && c->msgstate == OTRL_MSGSTATE_ENCRYPTED)
    otrl_message_respond_smp(m.us, &m.ops, &m, c,
                             reinterpret_cast<const unsigned char*>(secret.data()),
                             secret.size());
  return m.take();
}

outcome session::abort_check() {
  auto& m = *impl_;
  if (auto* c = m.context(); c && c->msgstate == OTRL_MSGSTATE_ENCRYPTED)
    otrl_message_abort_smp(m.us, &m.ops, &m, c);
  return m.take();
}

outcome session::end(bool tell_peer) {
  auto& m = *impl_;
  bool was_private = encrypted();
  if (tell_peer) {
    otrl_message_disconnect_all_instances(m.us, &m.ops, &m, m.account.c_str(), protocol,
                                          m.peer.c_str());
  } else {
    for (ConnContext* c = m.us->context_root; c; c = c->next)
      if (m.peer == c->username && c->msgstate != OTRL_MSGSTATE_PLAINTEXT)
        otrl_context_force_plaintext(c);
  }
  m.current = nullptr;
  if (was_private)
    m.happened(event::ended);
  return m.take();
}

outcome session::poll() {
  auto& m = *impl_;
  otrl_message_poll(m.us, &m.ops, &m);
  return m.take();
}

bool session::encrypted() const {
  auto* c = impl_->context();
  return c && c->msgstate == OTRL_MSGSTATE_ENCRYPTED;
}

std::string session::channel() const {
  auto* c = impl_->context();
  if (!c || c->msgstate != OTRL_MSGSTATE_ENCRYPTED)
    return {};
  return to_hex(c->sessionid, c->sessionid_len);
}

unsigned session::protocol_version() const {
  auto* c = impl_->context();
  return c && c->msgstate == OTRL_MSGSTATE_ENCRYPTED ? c->protocol_version : 0;
}

} // namespace otrbot::otr
