// An LMS's answer to a grade (LTI 1.1 Basic Outcomes, imsx_POXEnvelopeResponse).
#include "lti/lti11/outcome.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string description;
  (void)otrbot::lti::read_outcome_response(
    std::string_view{reinterpret_cast<const char*>(data), size}, description);
  return 0;
}
