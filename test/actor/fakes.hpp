// What the actor tests put in place of the actors around the one they test.
#pragma once

#include "actors/contract/interfaces.hpp"

#include <caf/test/dsl.hpp>

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
    [log](xmpp::pep_item& i) { log->push_back("publish " + i.node); },
    [](xmpp::pep_query&) {},  // nobody publishes: no device list (the flow test sees the read)
  };
}

/// A fixture around a session manager under CAF's test coordinator. Timers fire only when a
/// test moves the clock (advance_time), not on run(): the manager's timeout check re-arms itself
/// forever. The base destructor runs every pending timer: the manager is stopped first.
struct manager_fixture : test_coordinator_fixture<> {
  bool trigger_timeout() override { return false; }
  ~manager_fixture() override {
    if (manager)
      self->send_exit(manager, caf::exit_reason::kill);
    run();
  }
  session_manager_actor manager;
};

} // namespace otrbot::fakes
