// Names of the state machine errors.
#include "actors/rules/state_machine.hpp"

namespace otrbot::fsm {

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::state_does_not_exist: return "StateDoesNotExist";
    case errc::cannot_handle: return "CannotHandle";
    case errc::action_not_allowed: return "ActionNotAllowed";
    case errc::not_implemented: return "NotImplemented";
    case errc::name_collision: return "NameCollision";
  }
  return "unknown";
}

} // namespace otrbot::fsm
