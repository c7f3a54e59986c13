// The grade keeper: the LMS side's bookkeeping of grades (see grade_keeper_actor).
#pragma once

#include "actors/contract/interfaces.hpp"

#include <caf/stateful_actor.hpp>

#include <map>
#include <string>

namespace otrbot {

struct grade_keeper_config {
  store_actor store;        ///< keeps the targets and the outbox (none: memory only, as in tests)
  outcomes_actor outcomes;  ///< sends the grades (none: nothing is sent)
  /// The targets the store had at start: bare JID -> its latest graded launch.
  std::map<std::string, grade_job> restored;
};

struct grade_keeper_state {
  static constexpr const char* name = "grade_keeper";
  grade_keeper_config cfg;
  std::map<std::string, grade_job> targets;  ///< bare JID -> grade to send on completion
};

grade_keeper_actor::behavior_type
grade_keeper(grade_keeper_actor::stateful_pointer<grade_keeper_state> self, grade_keeper_config cfg);

} // namespace otrbot
