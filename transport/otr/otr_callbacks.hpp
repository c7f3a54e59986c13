// Internal to otr_session.cpp: a session's libotr state and libotr's callbacks, static
// trampolines with opdata = the session, collecting what one call into libotr produced.
#pragma once

#include "transport/otr/otr_guard.hpp"
#include "transport/otr/otr_session.hpp"

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
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace otrbot::otr {

inline constexpr const char* protocol = "xmpp";
/// libotr fragments encrypted messages above this size; 16 KiB fits in any
/// XMPP server's stanza limit (Prosody: 256 KiB, ejabberd: 64 KiB by default).
inline constexpr int max_fragment = 16 * 1024;

inline const char* event_name(OtrlMessageEvent e) {
  switch (e) {
    case OTRL_MSGEVENT_ENCRYPTION_REQUIRED: return "encryption required";
    case OTRL_MSGEVENT_ENCRYPTION_ERROR: return "encryption error";
    case OTRL_MSGEVENT_CONNECTION_ENDED: return "the student ended the private conversation";
    case OTRL_MSGEVENT_SETUP_ERROR: return "error setting up the private conversation";
    case OTRL_MSGEVENT_MSG_REFLECTED: return "received our own OTR message back";
    case OTRL_MSGEVENT_MSG_RESENT: return "message resent";
    case OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE: return "encrypted message outside a private conversation";
    case OTRL_MSGEVENT_RCVDMSG_UNREADABLE: return "unreadable encrypted message";
    case OTRL_MSGEVENT_RCVDMSG_MALFORMED: return "malformed OTR message";
    case OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD: return "heartbeat received";
    case OTRL_MSGEVENT_LOG_HEARTBEAT_SENT: return "heartbeat sent";
    case OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR: return "OTR error message from the student's client";
    case OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED: return "plaintext message during a private conversation";
    case OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED: return "unrecognised OTR message";
    case OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE: return "OTR message for another instance";
    default: return "none";
  }
}


struct session::impl {
  std::string account;
  std::string peer;
  std::shared_ptr<spdlog::logger> log;
  OtrlUserState us = nullptr;
  OtrlMessageAppOps ops{};
  bool has_key = false;
  unsigned timer_interval = 0;
  ConnContext* current = nullptr;  // the instance the student talks from
  guard bounds;                    // what reaches libotr from the student
  // Collected during one call into libotr:
  outcome out;
  bool need_abort = false;
  bool went_insecure = false;
  /// The student was told that a message could not be read: not again until a conversation
  /// starts (after a restart of either side, stale messages come in a burst).
  bool told_unreadable = false;

  static impl* self(void* opdata) { return static_cast<impl*>(opdata); }

  ConnContext* context() {
    if (current)
      return current;
    return otrl_context_find(us, peer.c_str(), account.c_str(), protocol, OTRL_INSTAG_BEST, 0,
                             nullptr, nullptr, nullptr);
  }

  void happened(event e) {
    if (std::find(out.events.begin(), out.events.end(), e) == out.events.end() ||
        e == event::check_started || e == event::check_question)
      out.events.push_back(e);
  }

  outcome take() {
    // Work libotr asks for that may not run inside its own callbacks.
    if (need_abort) {
      need_abort = false;
      if (auto* c = context())
        otrl_message_abort_smp(us, &ops, this, c);
    }
    if (went_insecure) {
      went_insecure = false;
      // The student ended OTR: talk to them in plaintext again (libotr
      // would otherwise refuse to send anything in the FINISHED state).
      if (auto* c = context(); c && c->msgstate == OTRL_MSGSTATE_FINISHED)
        otrl_context_force_plaintext(c);
    }
    return std::exchange(out, outcome{});
  }

  // -- libotr callbacks -------------------------------------------------------

  static OtrlPolicy policy(void*, ConnContext*) {
    // Plaintext first; answer the student's OTR query or whitespace tag.
    // Never start OTR ourselves (no whitespace tag, no AKE on an OTR error
    // message): starting OTR is the student's lesson.
    return OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3 | OTRL_POLICY_WHITESPACE_START_AKE;
  }
  static void create_privkey(void* op, const char*, const char*) {
    // Keys are made in the background before any OTR message is handled.
    self(op)->log->error("libotr asked for a private key that is not ready");
  }
  static int is_logged_in(void*, const char*, const char*, const char*) { return 1; }
  static void inject_message(void* op, const char*, const char*, const char*, const char* msg) {
    self(op)->out.to_send.push_back({msg, {}});
  }
  static void update_context_list(void*) {}
  static void new_fingerprint(void*, OtrlUserState, const char*, const char*, const char*,
                              unsigned char[20]) {}
  static void write_fingerprints(void*) {}
  static void gone_secure(void* op, ConnContext* c) {
    auto* me = self(op);
    me->current = c;
    me->told_unreadable = false;
    me->log->info("private conversation with {} started (OTR v{})", me->peer, c->protocol_version);
    me->happened(event::started);
  }
  static void gone_insecure(void* op, ConnContext*) {
    auto* me = self(op);
    me->log->info("private conversation with {} ended", me->peer);
    me->went_insecure = true;
    me->happened(event::ended);
  }
  static void still_secure(void* op, ConnContext* c, int) {
    auto* me = self(op);
    me->current = c;
    me->log->info("private conversation with {} refreshed", me->peer);
    me->happened(event::refreshed);
  }
  static int max_message_size(void*, ConnContext*) { return max_fragment; }
  static const char* account_name(void*, const char* account, const char*) { return account; }
  static void account_name_free(void*, const char*) {}
  static void received_symkey(void*, ConnContext*, unsigned int, const unsigned char*, size_t,
                              const unsigned char*) {}
  static const char* otr_error_message(void*, ConnContext*, OtrlErrorCode code) {
    switch (code) {
      case OTRL_ERRCODE_ENCRYPTION_ERROR: return strdup("Error encrypting the message.");
      case OTRL_ERRCODE_MSG_NOT_IN_PRIVATE:
        return strdup("You sent an encrypted message, but no private conversation is running. "
                      "Please start OTR again.");
      case OTRL_ERRCODE_MSG_UNREADABLE: return strdup("Your encrypted message was unreadable.");
      case OTRL_ERRCODE_MSG_MALFORMED: return strdup("Your OTR message was malformed.");
      default: return strdup("OTR error.");
    }
  }
  static void otr_error_message_free(void*, const char* msg) {
    std::free(const_cast<char*>(msg));
  }
  static const char* resent_msg_prefix(void*, ConnContext*) { return "[resent]"; }
  static void resent_msg_prefix_free(void*, const char*) {}
  static void handle_smp_event(void* op, OtrlSMPEvent e, ConnContext* c, unsigned short,
                               char*) {
    auto* me = self(op);
    me->current = c;
    switch (e) {
      case OTRL_SMPEVENT_ASK_FOR_SECRET: me->happened(event::check_started); break;
      case OTRL_SMPEVENT_ASK_FOR_ANSWER: me->happened(event::check_question); break;
      case OTRL_SMPEVENT_SUCCESS: me->happened(event::check_passed); break;
      case OTRL_SMPEVENT_FAILURE: me->happened(event::check_failed); break;
      case OTRL_SMPEVENT_ABORT: me->happened(event::check_aborted); break;
      case OTRL_SMPEVENT_CHEATED:
      case OTRL_SMPEVENT_ERROR:
        me->log->warn("SMP with {} went wrong ({}): aborted", me->peer,
                      e == OTRL_SMPEVENT_CHEATED ? "cheating detected" : "protocol error");
        me->need_abort = true;
        me->happened(event::check_aborted);
        break;
      default: break;
    }
  }
  static void handle_msg_event(void* op, OtrlMessageEvent e, ConnContext*, const char* message,
                               gcry_error_t err) {
    auto* me = self(op);
    // The student's client encrypts in a conversation the bot does not have (a message of its
    // start was lost on the way) or cannot read: the lesson tells them to start again.
    if ((e == OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE || e == OTRL_MSGEVENT_RCVDMSG_UNREADABLE) &&
        !me->told_unreadable) {
      me->told_unreadable = true;
      me->happened(event::unreadable);
    }
    if (e == OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED) {
      // libotr hands the plaintext over here, not as the received message.
      me->out.plaintext_during_encryption = true;
      if (message)
        me->out.text = message;
    }
    auto level = (e == OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD || e == OTRL_MSGEVENT_LOG_HEARTBEAT_SENT)
                   ? spdlog::level::trace
                   : spdlog::level::info;
    // Never the message itself: it may be the student's words.
    if (err)
      me->log->log(level, "OTR with {}: {} ({})", me->peer, event_name(e), gcry_strerror(err));
    else
      me->log->log(level, "OTR with {}: {}", me->peer, event_name(e));
  }
  static void create_instag(void* op, const char* accountname, const char* proto) {
    auto* me = self(op);
    auto f = memory_file();
    if (!f || otrl_instag_generate_FILEp(me->us, f.get(), accountname, proto) != 0)
      me->log->error("cannot create an OTR instance tag");
  }
  static void timer_control(void* op, unsigned int interval) { self(op)->timer_interval = interval; }
};

} // namespace otrbot::otr
