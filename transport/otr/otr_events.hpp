// What happens in an OTR conversation, as the libotr facade reports it and the lesson hears it;
// and which message bodies are OTR traffic (pure, header-only).
#pragma once

#include <string_view>

namespace otrbot::otr {

/// An OTR happening (OTR protocol v3 spec: AKE, SMP; libotr's message and SMP events).
enum class event {
  otr_enabled,                ///< a private (encrypted) conversation started
  otr_disabled,               ///< it ended (either side), or went back to plaintext
  otr_already_setup,          ///< the student restarted OTR while it was on (a refresh)
  smp_started,                ///< the student started SMP with a shared secret
  smp_question_used,          ///< the student started SMP with a question
  smp_aborted,                ///< SMP was cancelled (or cheated, or failed in protocol)
  correct_secret_received,    ///< SMP succeeded: both sides know the same secret
  incorrect_secret_received,  ///< SMP failed: the secrets differ
};

/// The lesson's name of an event (the states table is keyed by these names).
constexpr std::string_view name(event e) {
  switch (e) {
    case event::otr_enabled: return "otr_enabled";
    case event::otr_disabled: return "otr_disabled";
    case event::otr_already_setup: return "otr_already_setup";
    case event::smp_started: return "smp_started";
    case event::smp_question_used: return "smp_question_used";
    case event::smp_aborted: return "smp_aborted";
    case event::correct_secret_received: return "correct_secret_received";
    case event::incorrect_secret_received: return "incorrect_secret_received";
  }
  return "";
}

/// Whether a message body is OTR traffic rather than plain words: an OTR
/// query or protocol/data message ("?OTR", OTR spec "Query messages" and
/// after), or plaintext carrying the whitespace tag that asks for OTR.
inline bool is_otr_traffic(std::string_view body) {
  constexpr std::string_view whitespace_tag_base = "\x20\x09\x20\x20\x09\x09\x09\x09";
  return body.find("?OTR") != std::string_view::npos ||
         body.find(whitespace_tag_base) != std::string_view::npos;
}

} // namespace otrbot::otr
