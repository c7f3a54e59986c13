// Internal to xmpp_client.cpp: the stanzas in and out, counted for the metrics
// (otrbot_xmpp_stanzas_total{direction}).
#pragma once

#include "transport/base/bot_metrics.hpp"

#include <strophe.h>

namespace otrbot::xmpp {

inline metrics::counter& stanzas_in() {
  static auto& c = metrics::bot().xmpp_stanzas.with({"in"});
  return c;
}

/// xmpp_send, counted.
inline void send_counted(xmpp_conn_t* conn, xmpp_stanza_t* stanza) {
  static auto& out = metrics::bot().xmpp_stanzas.with({"out"});
  out.inc();
  xmpp_send(conn, stanza);
}

} // namespace otrbot::xmpp
