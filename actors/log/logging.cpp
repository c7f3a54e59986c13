// Logging: spdlog with a colour console sink and our syslog sink.
#include "actors/log/logging.hpp"
#include "transport/base/hex.hpp"

#include "transport/log/syslog_sink.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

namespace otrbot::logging {
namespace {

struct registry {
  std::mutex mtx;
  std::vector<spdlog::sink_ptr> sinks;
  spdlog::level::level_enum level = spdlog::level::info;
};

registry& reg() {
  static registry r;  // the process's one log configuration
  return r;
}

/// Whether stderr is the journal's stream (systemd sets JOURNAL_STREAM to its device:inode).
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (!stream || ::fstat(STDERR_FILENO, &st) != 0)
    return false;
  return std::string{stream} == std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

} // namespace

std::vector<std::string> setup(const conf::log_settings& s) {
  std::vector<std::string> warnings;
  auto console_level = static_cast<spdlog::level::level_enum>(*conf::parse_log_level(s.level));
  auto syslog_level =
    static_cast<spdlog::level::level_enum>(*conf::parse_log_level(s.syslog_level));
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(console_level);
  console->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  std::vector<spdlog::sink_ptr> sinks{console};
  auto lowest = console_level;
  // Under systemd the console goes to the journal, which hands every line to syslog itself:
  // writing to /dev/log as well would put each line there twice.
  const bool journal = s.syslog && s.syslog_address == "/dev/log" && stderr_is_journal();
  if (s.syslog && !journal) {
    std::string error;
    if (auto sys = syslog_sink::open(s.syslog_address, "otrbot", error)) {
      sys->set_level(syslog_level);
      sinks.push_back(sys);
      lowest = std::min(lowest, syslog_level);
    } else {
      warnings.push_back("syslog is off: cannot reach " + s.syslog_address + " (" + error +
                         "); set log.syslog_address, or log.syslog = false");
    }
  }
  {
    auto& r = reg();
    std::lock_guard guard{r.mtx};
    r.sinks = std::move(sinks);
    r.level = lowest;
    spdlog::drop_all();
  }
  if (journal)  // (get() takes the registry's lock)
    get("log")->info("the console goes to the journal, which passes it on to syslog: not writing "
                     "to /dev/log as well");
  return warnings;
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  if (auto l = spdlog::get(name))
    return l;
  auto& r = reg();
  std::lock_guard guard{r.mtx};
  if (auto l = spdlog::get(name))
    return l;
  if (r.sinks.empty()) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    r.sinks.push_back(console);
  }
  auto l = std::make_shared<spdlog::logger>(name, r.sinks.begin(), r.sinks.end());
  l->set_level(r.level);
  l->flush_on(spdlog::level::trace);
  spdlog::register_logger(l);
  return l;
}

std::string printable(std::string_view outside) {
  std::string out;
  for (char c : outside.substr(0, 200)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      append_hex(out, u);
    } else {
      out += c;
    }
  }
  if (outside.size() > 200)
    out += "...";
  return out;
}

} // namespace otrbot::logging
