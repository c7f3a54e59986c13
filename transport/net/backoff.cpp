// Reconnect delays.
#include "transport/net/backoff.hpp"

#include <algorithm>

namespace otrbot::net {

backoff::duration backoff::next(double unit) noexcept {
  auto nominal = base_;
  for (int i = 0; i < attempt_ && nominal < cap_; ++i)
    nominal *= 2;
  nominal = std::min(nominal, cap_);
  ++attempt_;
  unit = std::clamp(unit, 0.0, 1.0);
  auto jittered = static_cast<double>(nominal.count()) * (0.5 + 0.5 * unit);
  return duration{static_cast<duration::rep>(jittered)};
}

} // namespace otrbot::net
