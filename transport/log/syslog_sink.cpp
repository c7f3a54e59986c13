// Syslog over a datagram socket (RFC 3164 framing), for log.syslog_address.
#include "transport/log/syslog_sink.hpp"

#include "transport/net/address.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

namespace otrbot::logging {
namespace {

/// A datagram socket connected to `address`, or -1 with `error` set.
int connect_datagram(const std::string& address, std::string& error) {
  if (address.starts_with("/")) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (address.size() >= sizeof(sa.sun_path)) {
      error = "the socket path is too long";
      return -1;
    }
    std::memcpy(sa.sun_path, address.c_str(), address.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
      error = std::strerror(errno);
      if (fd >= 0)
        ::close(fd);
      return -1;
    }
    return fd;
  }
  auto hp = net::parse_host_port(address);
  if (!hp) {
    error = "not a socket path or host:port";
    return -1;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(hp->host.c_str(), std::to_string(hp->port).c_str(), &hints, &res);
      rc != 0) {
    error = ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (auto* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd >= 0 && ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      break;
    if (fd >= 0)
      ::close(fd);
    fd = -1;
    error = std::strerror(errno);
  }
  ::freeaddrinfo(res);
  return fd;
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
  int fd = connect_datagram(address, error);
  if (fd < 0)
    return nullptr;
  return std::shared_ptr<syslog_sink>(new syslog_sink(fd, address, std::move(ident)));
}

syslog_sink::syslog_sink(int fd, std::string address, std::string ident)
  : fd_(fd), address_(std::move(address)), ident_(std::move(ident)) {}

syslog_sink::~syslog_sink() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool syslog_sink::reconnect() {
  if (fd_ >= 0)
    ::close(fd_);
  std::string ignored;
  fd_ = connect_datagram(address_, ignored);
  return fd_ >= 0;
}

void syslog_sink::sink_it_(const spdlog::details::log_msg& msg) {
  // RFC 3164 4.1: <PRI>TIMESTAMP HOSTNAME TAG: CONTENT. The local syslog
  // daemon fills in the host when it is left out, as glibc's syslog(3) does.
  auto t = std::chrono::system_clock::to_time_t(msg.time);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
  std::string line = "<" + std::to_string(facility_daemon * 8 + severity(msg.level)) + ">" +
                     stamp + " " + ident_ + "[" + std::to_string(::getpid()) + "]: [" +
                     std::string{msg.logger_name.data(), msg.logger_name.size()} + "] " +
                     std::string{msg.payload.data(), msg.payload.size()};
  if (fd_ < 0 && !reconnect())
    return;
  if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) < 0 && reconnect())
    ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL);  // the daemon restarted: one retry
}

} // namespace otrbot::logging
