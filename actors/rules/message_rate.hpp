// How many messages one JID may send (pure): no person types more than a few lines a minute;
// an echo bot, a chat room or a script does.
#pragma once

#include <chrono>
#include <cstdint>

namespace otrbot {

/// One JID's message rate: counted per minute; over the limit, the JID is
/// ignored until it has been quiet for a whole minute.
class message_rate {
public:
  /// What happened to one message.
  enum class verdict {
    answer,       ///< within the rate
    cut_off,      ///< this one went over the rate: ignored from now on (log it once)
    ignored,      ///< still over: ignored
    answer_again  ///< the first after a quiet minute: answered again (log it)
  };

  /// Counts a message that came at `now` (a time point of any steady clock,
  /// as a duration since its epoch); `limit` per minute, 0 for none.
  verdict count(std::chrono::nanoseconds now, std::int64_t limit);

private:
  std::chrono::nanoseconds window_start_{};  ///< the current minute began
  std::chrono::nanoseconds last_{};          ///< the latest message
  std::int64_t in_window_ = 0;               ///< messages in the current minute
  bool paused_ = false;                      ///< ignored until a quiet minute
};

} // namespace otrbot
