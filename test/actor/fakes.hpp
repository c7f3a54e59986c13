// What the actor tests put in place of the actors around the one they test.
#pragma once

#include "actors/contract/interfaces.hpp"

#include <memory>
#include <string>
#include <vector>

namespace otrbot::fakes {

/// Stands in for the XMPP gateway: writes down every stanza it is asked to send.
using sent_log = std::shared_ptr<std::vector<std::string>>;

/// The directed presences to a student's resources (the bot appears online to it) are written
/// down only when `directed` is set: most tests follow the lesson's lines.
inline xmpp_gateway_actor::behavior_type recording_gateway(xmpp_gateway_actor::pointer, sent_log log,
                                                           bool directed) {
  return {
    [](atoms::start) {},
    [](atoms::stop) {},
    [log](xmpp::outbound_message& m) { log->push_back("message " + m.to + ": " + m.body); },
    [log, directed](xmpp::outbound_presence& p) {
      if (!directed && p.type == "available" && p.to.find('/') != std::string::npos)
        return;
      log->push_back("presence " + (p.to.empty() ? "*" : p.to) + " " + p.type +
                     (p.status.empty() ? "" : " (" + p.status + ")"));
    },
    [log](xmpp::roster_change& r) {
      log->push_back(std::string{"roster "} + (r.remove ? "remove " : "add ") + r.jid);
    },
    [](xmpp::software_query&) {},  // nobody answers: the steps stay generic
  };
}

} // namespace otrbot::fakes
