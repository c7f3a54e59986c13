// LTI 1.3 at start.
#include "actors/lms/lti13_setup.hpp"

#include <spdlog/logger.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace otrbot::lti13 {
namespace {

/// Writes a new key file that did not exist (O_EXCL), readable by the bot's user only.
bool write_new(const std::string& path, const std::string& text, std::string& why) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      why = std::strerror(errno);
      ::close(fd);
      ::unlink(path.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    why = "fsync failed";
    ::unlink(path.c_str());
  }
  return synced;
}

} // namespace

std::string key_file_path(const conf::settings& s) {
  if (!s.lti13.private_key_file.empty())
    return s.lti13.private_key_file;
  auto slash = s.store.path.rfind('/');
  return (slash == std::string::npos ? std::string{"."} : s.store.path.substr(0, slash)) +
         "/lti13-key.pem";
}

std::optional<setup> load_setup(const conf::settings& s, const std::vector<std::string>& stored,
                                spdlog::logger& log, std::string& error) {
  setup out;
  out.key_file = key_file_path(s);
  struct stat st {};
  std::string why;
  if (::stat(out.key_file.c_str(), &st) != 0 && errno == ENOENT) {
    out.key = jose::generate_rsa(2048);
    if (!write_new(out.key_file, jose::private_pem(out.key), why)) {
      error = "bad setting lti13.private_key_file: cannot write a new key to " + out.key_file +
              ": " + why;
      return std::nullopt;
    }
    log.info("LTI 1.3: made the tool's key {} (RSA 2048; keep it: platforms know its public half)",
             out.key_file);
  } else {
    std::ifstream in(out.key_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in)
      why = "it cannot be read";
    else
      out.key = jose::read_private_pem(text.str(), why);
    if (!out.key) {
      error = "bad setting lti13.private_key_file: " + out.key_file + ": " + why;
      return std::nullopt;
    }
    if (st.st_mode & 077)
      log.warn("LTI 1.3: the tool's key {} is readable by others than its owner (chmod 600 it)",
               out.key_file);
  }
  out.jwks = nlohmann::json{{"keys", nlohmann::json::array({jose::public_jwk(out.key, s.lti13.key_id)})}}.dump();
  for (const auto& text : stored) {
    auto p = decode_platform(text);
    if (!p)
      continue;
    // An issuer set by hand is the administrator's: no registration speaks for it.
    if (p->source == "registered" && s.lti13.platforms.contains(p->issuer)) {
      log.warn("LTI 1.3: the registered platform {} (client {}) is ignored: its issuer is set "
               "by hand in [lti13.platforms]", p->issuer, p->client_id);
      continue;
    }
    out.all[{p->issuer, p->client_id}] = *p;
  }
  for (const auto& [issuer, c] : s.lti13.platforms) {
    platform p;
    p.issuer = issuer;
    p.client_id = c.client_id;
    p.auth_login_url = c.auth_login_url;
    p.auth_token_url = c.auth_token_url;
    p.key_set_url = c.key_set_url;
    p.deployment_ids.insert(c.deployment_ids.begin(), c.deployment_ids.end());
    p.fixed_deployments = !c.deployment_ids.empty();
    p.grade_hosts.insert(c.grade_hosts.begin(), c.grade_hosts.end());
    if (auto it = out.all.find({issuer, c.client_id}); it != out.all.end() && !p.fixed_deployments)
      p.deployment_ids = it->second.deployment_ids;  // recorded ones
    out.all[{issuer, c.client_id}] = std::move(p);
  }
  log.info("LTI 1.3: {} platform registration(s); key set at /lti13/jwks (key id {})",
           out.all.size(), s.lti13.key_id);
  return out;
}

} // namespace otrbot::lti13
