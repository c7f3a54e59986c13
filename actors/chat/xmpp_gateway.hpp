// The XMPP gateway: a blocking actor on its own thread that owns the one libstrophe connection.
#pragma once

#include "actors/contract/interfaces.hpp"
#include "transport/xmpp/xmpp_client.hpp"

#include <caf/blocking_actor.hpp>

#include <optional>
#include <string>

namespace otrbot {

struct xmpp_gateway_config {
  xmpp::client_options client;
  session_manager_actor manager;  ///< gets inbound_message, inbound_presence, roster_snapshot, online
};

/// The exit reason of a gateway that a failure retrying cannot mend ended
/// (an otrbot::ec, with the detail), and back: which failure a reason is.
caf::error fatal_error(xmpp::failure why, const std::string& detail);
std::optional<xmpp::failure> fatal_failure(const caf::error& reason);

/// Connects, reconnects with backoff (1 s doubling to 60 s, jitter) when the
/// server cannot be reached or drops the connection, hands what it hears to
/// the manager and sends what it is told. Ends on atoms::stop, or on a fatal
/// failure (authentication refused, untrusted certificate, TLS policy), with
/// fatal_error() as its exit reason: whoever monitors it decides what follows.
/// A blocking actor (libstrophe's loop shares its thread): it receives what
/// xmpp_gateway_actor lists, and is addressed through that typed handle.
void xmpp_gateway(caf::blocking_actor* self, xmpp_gateway_config cfg);

} // namespace otrbot
