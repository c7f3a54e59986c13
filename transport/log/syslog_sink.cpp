// Syslog over a datagram socket (RFC 3164 framing), for log.syslog_address.
#include "transport/log/syslog_sink.hpp"

#include "transport/net/address.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <random>

namespace otrbot::logging {
namespace {

/// Where `address` is, resolved once: a Unix socket path, or every address of host:port (UDP).
/// Empty, with `error` set, when it cannot be.
std::vector<syslog_sink::target> resolve(const std::string& address, std::string& error) {
  std::vector<syslog_sink::target> out;
  if (address.starts_with("/")) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (address.size() >= sizeof(sa.sun_path)) {
      error = "the socket path is too long";
      return out;
    }
    std::memcpy(sa.sun_path, address.c_str(), address.size() + 1);
    syslog_sink::target tg;
    std::memcpy(&tg.addr, &sa, sizeof(sa));
    tg.len = sizeof(sa);
    tg.family = AF_UNIX;
    out.push_back(tg);
    return out;
  }
  auto hp = net::parse_host_port(address);
  if (!hp) {
    error = "not a socket path or host:port";
    return out;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(hp->host.c_str(), std::to_string(hp->port).c_str(), &hints, &res);
      rc != 0) {
    error = ::gai_strerror(rc);
    return out;
  }
  for (auto* ai = res; ai; ai = ai->ai_next) {
    syslog_sink::target tg;
    if (ai->ai_addrlen > sizeof(tg.addr))
      continue;
    std::memcpy(&tg.addr, ai->ai_addr, ai->ai_addrlen);
    tg.len = ai->ai_addrlen;
    tg.family = ai->ai_family;
    tg.protocol = ai->ai_protocol;
    out.push_back(tg);
  }
  ::freeaddrinfo(res);
  if (out.empty())
    error = "no address";
  return out;
}

/// A datagram socket connected to one of `targets` (no name lookup), or -1 with `error` set.
int connect_datagram(const std::vector<syslog_sink::target>& targets, std::string& error) {
  for (const auto& tg : targets) {
    int fd = ::socket(tg.family, SOCK_DGRAM | SOCK_CLOEXEC, tg.protocol);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&tg.addr), tg.len) == 0)
      return fd;
    error = std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
  }
  return -1;
}

/// RFC 5424 severities for spdlog's levels.
int severity(spdlog::level::level_enum lvl) {
  switch (lvl) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

constexpr int facility_daemon = 3;

} // namespace

std::shared_ptr<syslog_sink> syslog_sink::open(const std::string& address, std::string ident,
                                               std::string& error) {
  auto targets = resolve(address, error);
  if (targets.empty())
    return nullptr;
  int fd = connect_datagram(targets, error);
  if (fd < 0)
    return nullptr;
  return std::shared_ptr<syslog_sink>(new syslog_sink(fd, std::move(targets), std::move(ident)));
}

syslog_sink::syslog_sink(int fd, std::vector<target> targets, std::string ident)
  : fd_(fd), targets_(std::move(targets)), ident_(std::move(ident)) {}

syslog_sink::~syslog_sink() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool syslog_sink::reconnect(std::chrono::steady_clock::time_point now) {
  if (fd_ >= 0)
    ::close(fd_);
  std::string ignored;
  fd_ = connect_datagram(targets_, ignored);
  if (fd_ >= 0) {
    backoff_.reset();
    return true;
  }
  retry_at_ = now + backoff_.next(std::uniform_real_distribution<double>{0.0, 1.0}(jitter_));
  return false;
}

bool syslog_sink::send_line(const std::string& line, std::chrono::steady_clock::time_point now) {
  if (fd_ < 0 && (now < retry_at_ || !reconnect(now)))
    return false;
  if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) >= 0)
    return true;
  // The daemon restarted, or is gone: one new connection at once, then backoff.
  return reconnect(now) && ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) >= 0;
}

std::string syslog_sink::frame(spdlog::level::level_enum level, std::string_view logger,
                               std::string_view text,
                               std::chrono::system_clock::time_point when) const {
  // RFC 3164 4.1: <PRI>TIMESTAMP HOSTNAME TAG: CONTENT. The local syslog
  // daemon fills in the host when it is left out, as glibc's syslog(3) does.
  auto t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
  return "<" + std::to_string(facility_daemon * 8 + severity(level)) + ">" + stamp + " " + ident_ +
         "[" + std::to_string(::getpid()) + "]: [" + std::string{logger} + "] " + std::string{text};
}

void syslog_sink::sink_it_(const spdlog::details::log_msg& msg) {
  auto now = std::chrono::steady_clock::now();
  auto line = frame(msg.level, {msg.logger_name.data(), msg.logger_name.size()},
                    {msg.payload.data(), msg.payload.size()}, msg.time);
  if (lost_ > 0) {  // first the count of what the daemon missed, then the line
    auto note = frame(spdlog::level::warn, "log",
                      std::to_string(lost_) +
                        " log line(s) were not sent while syslog could not be reached",
                      msg.time);
    if (!send_line(note, now)) {
      ++lost_;
      return;
    }
    lost_ = 0;
  }
  if (!send_line(line, now))
    ++lost_;
}

} // namespace otrbot::logging
