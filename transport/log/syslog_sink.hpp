// An spdlog sink that sends RFC 3164 syslog datagrams to a Unix socket path or host:port.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <optional>
#include <string>

namespace otrbot::logging {

/// Sends each log line as one datagram to `address` ("/dev/log"-style path,
/// or "host:port" for UDP). spdlog's own syslog sink calls syslog(3), which
/// cannot be pointed at another address; this one can.
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

private:
  syslog_sink(int fd, std::string address, std::string ident);
  bool reconnect();

  int fd_;
  std::string address_;
  std::string ident_;
};

} // namespace otrbot::logging
