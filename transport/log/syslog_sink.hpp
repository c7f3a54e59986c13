// An spdlog sink that sends RFC 3164 syslog datagrams to a Unix socket path or host:port.
#pragma once

#include "transport/net/backoff.hpp"

#include <spdlog/sinks/base_sink.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include <mutex>
#include <optional>
#include <string>

namespace otrbot::logging {

/// Sends each log line as one datagram to `address` ("/dev/log"-style path,
/// or "host:port" for UDP). spdlog's own syslog sink calls syslog(3), which
/// cannot be pointed at another address; this one can. The address is resolved once, at
/// open: a line never waits for a name lookup under spdlog's lock. When the daemon has gone,
/// the sink connects again at once, then no more often than a backoff allows (100 ms doubling
/// to 30 s); lines meanwhile are counted, and the count is sent first when it is back.
class syslog_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  /// Opens the socket; nullopt-like failure is reported by `open()`.
  static std::shared_ptr<syslog_sink> open(const std::string& address, std::string ident,
                                           std::string& error);
  ~syslog_sink() override;

  syslog_sink(const syslog_sink&) = delete;
  syslog_sink& operator=(const syslog_sink&) = delete;

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

public:
  /// One resolved address of the daemon.
  struct target {
    sockaddr_storage addr{};
    socklen_t len = 0;
    int family = AF_UNSPEC;
    int protocol = 0;
  };

private:
  syslog_sink(int fd, std::vector<target> targets, std::string ident);
  bool reconnect(std::chrono::steady_clock::time_point now);
  bool send_line(const std::string& line, std::chrono::steady_clock::time_point now);
  std::string frame(spdlog::level::level_enum level, std::string_view logger, std::string_view text,
                    std::chrono::system_clock::time_point when) const;

  int fd_;
  std::vector<target> targets_;
  std::string ident_;
  net::backoff backoff_{std::chrono::milliseconds{100}, std::chrono::seconds{30}};
  std::chrono::steady_clock::time_point retry_at_{};
  std::minstd_rand jitter_{std::random_device{}()};
  std::uint64_t lost_ = 0;  ///< lines not sent since the daemon was last reached
};

} // namespace otrbot::logging
