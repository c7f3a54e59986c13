// A session's voice (see voice.hpp).
#include "actors/rules/voice.hpp"

#include <algorithm>

namespace otrbot {

bool voice::say(std::string line) {
  said_.push_back(line);
  if (said_.size() > remembered)
    said_.pop_front();
  bool already = std::any_of(queue_.begin(), queue_.end(),
                             [&line](const typed_line& t) { return t.text == line; });
  if (already || queue_.size() >= max_waiting)
    return false;
  queue_.push_back({std::move(line), false, {}});
  return true;
}

void voice::say_private(std::string line, std::string session_id) {
  queue_.push_back({std::move(line), true, std::move(session_id)});
}

voice::heard voice::hear(const std::string& text) {
  bool echo = std::find(said_.begin(), said_.end(), text) != said_.end();
  if (!echo) {
    bool was_cut_off = echoes_ >= echo_limit;
    echoes_ = 0;
    return was_cut_off ? heard::words_again : heard::words;
  }
  if (++echoes_ == echo_limit) {
    // The answers to the echoes still waiting to be typed go too (not the code).
    std::erase_if(queue_, [](const typed_line& t) { return !t.is_private; });
    return heard::echo_now;
  }
  return echoes_ > echo_limit ? heard::echo : heard::words;  // one or two: perhaps pasted
}

std::optional<typed_line> voice::next() {
  if (queue_.empty())
    return std::nullopt;
  auto line = std::move(queue_.front());
  queue_.pop_front();
  return line;
}

std::chrono::milliseconds voice::typing_time(std::int64_t chars_per_second) const {
  auto chars = queue_.empty() ? std::int64_t{0} : static_cast<std::int64_t>(queue_.front().text.size());
  return std::chrono::milliseconds{
    std::max<std::int64_t>(200, chars * 1000 / std::max<std::int64_t>(1, chars_per_second))};
}

} // namespace otrbot
