// The messages between otrbot's actors: atoms, payload types and their inspect() overloads.
//
//   XMPP server <-> [xmpp_gateway] --inbound_*--> [session_manager] --> [session x N]
//                         ^                         |   ^                    |
//                         '--outbound_*, roster_change-'   '--- down_msg ----'
//                         '------------------ outbound_message --------------'
#pragma once

#include "transport/xmpp_types.hpp"

#include <caf/all.hpp>

#include <string>
#include <vector>

CAF_BEGIN_TYPE_ID_BLOCK(otrbot, caf::first_custom_type_id)

  /// Gateway: start connecting (sent once the manager knows the gateway).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, start, "start")
  /// Gateway: close the connection and end.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, stop, "stop")
  /// Manager: this is the gateway to send through (with a caf::actor).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, gateway, "gateway")
  /// Manager: the bot is online (sent by the gateway after each login).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, online, "online")
  /// Manager: whitelist a JID with a locale -> std::string error ("" = done).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, add_jid, "add_jid")
  /// Manager: remove a JID from the whitelist and end its session -> bool.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, remove_jid, "remove_jid")
  /// Manager: the whitelist -> std::vector<whitelist_entry>.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, whitelist, "whitelist")
  /// Manager: the bare JIDs with a running session -> std::vector<std::string>.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, sessions, "sessions")

CAF_END_TYPE_ID_BLOCK(otrbot)

namespace otrbot {

/// A whitelist entry as the manager reports it.
struct whitelist_entry {
  std::string jid;
  std::string locale;
};

/// The bot's roster as the server sent it after login.
struct roster_snapshot {
  std::vector<xmpp::roster_item> items;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, whitelist_entry& x) {
  return f(caf::meta::type_name("whitelist_entry"), x.jid, x.locale);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, roster_snapshot& x) {
  return f(caf::meta::type_name("roster_snapshot"), x.items);
}

} // namespace otrbot

namespace otrbot::xmpp {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_message& x) {
  // The body is a student's words: it never goes into a string rendering.
  return f(caf::meta::type_name("inbound_message"), x.from, caf::meta::omittable(), x.body);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_presence& x) {
  return f(caf::meta::type_name("inbound_presence"), x.from, x.type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, roster_item& x) {
  return f(caf::meta::type_name("roster_item"), x.jid, x.subscription, x.ask_subscribe);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_message& x) {
  return f(caf::meta::type_name("outbound_message"), x.to, caf::meta::omittable(), x.body);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_presence& x) {
  return f(caf::meta::type_name("outbound_presence"), x.to, x.type, x.status);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, roster_change& x) {
  return f(caf::meta::type_name("roster_change"), x.jid, x.remove);
}

} // namespace otrbot::xmpp
