// The syslog sink against a real Unix datagram socket: lines arrive framed; when the daemon
// goes, lines are counted, not waited for; when it is back, the count arrives, then the lines.
#include "transport/log/syslog_sink.hpp"

#include <catch2/catch.hpp>
#include <spdlog/logger.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

/// A syslog daemon as far as the sink can tell: a bound Unix datagram socket.
struct daemon_socket {
  std::string path;
  int fd = -1;
  explicit daemon_socket(std::string p) : path(std::move(p)) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
    timeval tv{0, 10'000};  // receive waits at most 10 ms
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~daemon_socket() {
    ::close(fd);
    std::filesystem::remove(path);
  }
  /// The next datagram, or "" when none came within 10 ms.
  std::string next() {
    char buf[2048];
    auto n = ::recv(fd, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string{};
  }
};

std::string temp_socket_path() {
  char dir[] = "/tmp/otrbot-syslog-XXXXXX";
  REQUIRE(::mkdtemp(dir));
  return std::string{dir} + "/log";
}

} // namespace

TEST_CASE("syslog sink: framed lines; a daemon that goes and comes back loses only the count") {
  auto path = temp_socket_path();
  std::string error;
  auto daemon = std::make_unique<daemon_socket>(path);
  auto sink = otrbot::logging::syslog_sink::open(path, "otrbot", error);
  REQUIRE(sink);
  spdlog::logger log("web", sink);
  log.set_level(spdlog::level::trace);

  log.warn("first line");
  auto got = daemon->next();
  CHECK(got.starts_with("<28>"));  // daemon (3) * 8 + warning (4)
  CHECK(got.find(" otrbot[") != std::string::npos);
  CHECK(got.ends_with("]: [web] first line"));

  daemon.reset();  // the daemon is gone: lines are dropped at once, never waited for
  for (int i = 0; i < 1000; ++i)
    log.info("while it is gone");

  daemon = std::make_unique<daemon_socket>(path);
  // Back: within the backoff (at most 100 ms for the first retries) a line gets through.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  std::string count;
  while (count.empty() && std::chrono::steady_clock::now() < deadline) {
    log.info("after it came back");
    count = daemon->next();
  }
  REQUIRE_FALSE(count.empty());
  CHECK(count.find("[log] ") != std::string::npos);
  CHECK(count.find(" log line(s) were not sent while syslog could not be reached") !=
        std::string::npos);
  auto n = std::stoul(count.substr(count.find("[log] ") + 6));
  CHECK(n >= 1000);  // the thousand, and those sent before the retry was due
  CHECK(daemon->next().ends_with("]: [web] after it came back"));
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("syslog sink: an address that cannot be used is refused at open, with the reason") {
  std::string error;
  CHECK_FALSE(otrbot::logging::syslog_sink::open("no-port", "otrbot", error));
  CHECK(error == "not a socket path or host:port");
  error.clear();
  CHECK_FALSE(otrbot::logging::syslog_sink::open("/nonexistent-dir/log", "otrbot", error));
  CHECK_FALSE(error.empty());
}
