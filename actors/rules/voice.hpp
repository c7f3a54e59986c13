// A session's voice (pure): the lines waiting to be typed, at a person's speed and bounded; the
// lines said lately, so that an echo of them is recognised; and the echo guard's count. The
// session actor asks it what to type next and when; it sends nothing itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace otrbot {

/// One line waiting to be "typed".
struct typed_line {
  std::string text;
  bool is_private = false;  ///< only over the verified OTR session
  std::string session_id;   ///< that session
};

class voice {
public:
  /// The most lines waiting to be typed (a lesson step has at most a few).
  static constexpr std::size_t max_waiting = 16;
  /// The most lines remembered for the echo guard.
  static constexpr std::size_t remembered = 16;
  /// Echoes in a row after which the student (or whatever repeats) is not answered.
  static constexpr int echo_limit = 3;

  /// A line the bot says: remembered, and queued unless the same line waits already or the
  /// queue is full (twenty messages in a row get one reminder, not twenty minutes of typing).
  /// False when it was not queued.
  bool say(std::string line);

  /// The code, only over the verified OTR session `session_id` (never dropped as a duplicate).
  void say_private(std::string line, std::string session_id);

  /// What an incoming text is to the echo guard.
  enum class heard {
    words,        ///< the student's own words (answered)
    words_again,  ///< their own words after an echo was recognised: answered again
    echo,         ///< one of our latest lines back: not answered
    echo_now,     ///< the echo_limit-th in a row: recognised now (the waiting answers to the
                  ///< echoes were dropped); not answered
  };
  heard hear(const std::string& text);

  /// The next line to type, taken from the queue (nullopt when none waits).
  std::optional<typed_line> next();

  /// Whether lines wait to be typed.
  bool waiting() const noexcept { return !queue_.empty(); }

  /// How long a person takes to type the next waiting line at `chars_per_second` (at least
  /// 200 ms).
  std::chrono::milliseconds typing_time(std::int64_t chars_per_second) const;

  /// Drops every waiting line (the encrypted conversation they were meant for has ended, or
  /// the student has gone).
  void drop_waiting() noexcept { queue_.clear(); }

private:
  std::deque<typed_line> queue_;
  std::deque<std::string> said_;
  int echoes_ = 0;
};

} // namespace otrbot
