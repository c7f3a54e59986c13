// The key generation worker: DSA keys are calculated here, never on the threads that serve students.
#pragma once

#include "actors/interfaces.hpp"

#include <string>

namespace otrbot {

struct keygen_config {
  /// Tests only (OTRBOT_TEST_KEYGEN_GATE): while this file exists, the next
  /// calculation waits, so a test can hold one student's key generation and
  /// watch another student being answered meanwhile.
  std::string gate_path;
};

/// Spawned detached (its own thread). Answers keygen_job with a bool: whether
/// otrl_privkey_generate_calculate succeeded. Jobs run one after another.
keygen_actor::behavior_type keygen_worker(keygen_actor::pointer self, keygen_config cfg);

} // namespace otrbot
