// A JID's message rate.
#include "actors/rules/message_rate.hpp"

namespace otrbot {

message_rate::verdict message_rate::count(std::chrono::nanoseconds now, std::int64_t limit) {
  using std::chrono::minutes;
  if (limit <= 0)
    return verdict::answer;
  bool again = false;
  if (paused_) {
    bool quiet = now - last_ >= minutes{1};
    last_ = now;
    if (!quiet)
      return verdict::ignored;
    paused_ = false;
    window_start_ = now;
    in_window_ = 0;
    again = true;
  }
  if (now - window_start_ >= minutes{1}) {
    window_start_ = now;
    in_window_ = 0;
  }
  last_ = now;
  if (++in_window_ <= limit)
    return again ? verdict::answer_again : verdict::answer;
  paused_ = true;
  return verdict::cut_off;
}

} // namespace otrbot
