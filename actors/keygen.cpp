// The key generation worker.
#include "actors/keygen.hpp"

#include "actors/logging.hpp"
#include "actors/messages.hpp"
#include "transport/otr_session.hpp"

#include <filesystem>
#include <thread>

namespace otrbot {

keygen_actor::behavior_type keygen_worker(keygen_actor::pointer, keygen_config cfg) {
  return {
    [cfg](keygen_job job) -> bool {
      if (!cfg.gate_path.empty() && std::filesystem::exists(cfg.gate_path)) {
        logging::get("otr")->info("test hook: key generation held while {} exists", cfg.gate_path);
        while (std::filesystem::exists(cfg.gate_path))
          std::this_thread::sleep_for(std::chrono::milliseconds{20});
      }
      bool ok = otr::pending_key{job.handle}.calculate();
      if (!ok)
        logging::get("otr")->error("private key generation failed");
      return ok;
    },
  };
}

} // namespace otrbot
