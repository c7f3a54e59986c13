// `otrbot check-config`: the settings, the avatar, the catalogs, the store's directory, the XMPP
// server (DNS SRV, then a login with the TLS policy), the LTI listen address and public URL.
#include "actors/app/check_config.hpp"

#include "actors/app/exit_code.hpp"
#include "actors/app/startup.hpp"
#include "actors/lms/http_client.hpp"
#include "actors/lms/lti13_setup.hpp"
#include "i18n/catalog_files.hpp"
#include "lti/wire/jose.hpp"
#include "transport/net/address.hpp"
#include "transport/net/dns.hpp"
#include "transport/xmpp/xmpp_client.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>
#include <vector>

namespace otrbot {
namespace {

using namespace std::chrono_literals;
constexpr int unreachable = 9;  // check-config only: a server could not be reached

class report {
public:
  void ok(const char* check, const std::string& what) { line("ok", check, what); }
  void skip(const char* check, const std::string& why) { line("skip", check, why); }
  void fail(const char* check, const std::string& what, int code) {
    line("FAIL", check, what);
    if (code_ == 0)
      code_ = code;
  }
  int code() const { return code_; }

private:
  static void line(const char* verdict, const char* check, const std::string& what) {
    std::printf("%-4s  %-13s %s\n", verdict, check, what.c_str());
    std::fflush(stdout);
  }
  int code_ = 0;
};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

void check_dns(report& r, const conf::account& acc) {
  std::string error;
  if (!acc.host.empty()) {
    auto found = net::resolve_addresses(acc.host, error);
    if (found.empty())
      r.fail("xmpp dns", acc.host + " does not resolve: " + error, unreachable);
    else
      r.ok("xmpp dns", acc.host + " is " + joined(found));
    return;
  }
  auto domain = acc.jid.substr(acc.jid.find('@') + 1);
  if (auto srv = net::xmpp_client_srv(domain); !srv.empty()) {
    std::vector<std::string> targets;
    for (const auto& t : srv)
      targets.push_back(t.host + ":" + std::to_string(t.port));
    r.ok("xmpp dns", "SRV _xmpp-client._tcp." + domain + ": " + joined(targets));
    return;
  }
  auto found = net::resolve_addresses(domain, error);
  if (found.empty())
    r.fail("xmpp dns", "no SRV record for _xmpp-client._tcp." + domain + ", and " + domain +
                         " does not resolve: " + error, unreachable);
  else
    r.ok("xmpp dns", "no SRV record; " + domain + " is " + joined(found));
}

/// Logs in once with the TLS policy (nothing published, no presence) and logs out.
void check_login(report& r, const loaded_config& c) {
  const auto& acc = c.account;
  auto o = client_options_for(c);
  o.publish_identity = false;
  std::optional<std::pair<xmpp::failure, std::string>> failed;
  std::string bound;
  xmpp::client_events events;
  events.connected = [&](const std::string& jid) { bound = jid; };
  events.disconnected = [&](xmpp::failure why, const std::string& detail) {
    if (bound.empty())
      failed = {why, detail};
  };
  auto quiet = std::make_shared<spdlog::logger>("check", std::make_shared<spdlog::sinks::null_sink_mt>());
  xmpp::xmpp_client client{o, std::move(events), quiet};
  auto deadline = std::chrono::steady_clock::now() + 30s;
  if (client.connect())
    while (bound.empty() && !failed && !client.idle() && std::chrono::steady_clock::now() < deadline)
      client.run_once(100ms);
  auto where = acc.connect_host() + ":" + std::to_string(acc.port);
  if (!bound.empty()) {
    r.ok("xmpp login", "logged in as " + bound + " at " + where +
                         (o.enable_tls ? " over TLS (minimum " + c.settings.xmpp.tls_version + ")" : ""));
    client.disconnect();
    for (int i = 0; i < 50 && !client.idle(); ++i)
      client.run_once(20ms);
  } else if (failed && xmpp::is_fatal(failed->first)) {
    r.fail("xmpp login", fatal_line(failed->first, failed->second, acc, c.settings.xmpp),
           exit_for(failed->first));
  } else {
    r.fail("xmpp login", "no XMPP server answered at " + where +
                           (failed && !failed->second.empty() ? " (" + failed->second + ")" : ""),
           unreachable);
  }
}

void check_listen(report& r, const conf::lti_settings& l, bool running) {
  auto hp = net::parse_host_port(l.listen);
  if (!hp) {
    r.fail("lti listen", "lti.listen = \"" + l.listen + "\" is not host:port", as_int(exit_code::bad_setting));
    return;
  }
  if (running) {
    auto host = hp->host == "0.0.0.0" ? "127.0.0.1" : hp->host == "::" ? "::1" : hp->host;
    auto url = "http://" + (host.find(':') != host.npos ? "[" + host + "]" : host) + ":" +
               std::to_string(hp->port) + "/is_up";
    http::request get;
    get.url = url;
    get.timeout = std::chrono::seconds{5};
    auto answer = http::perform(get);
    if (answer.status == 200)
      r.ok("lti listen", url + " answers 200");
    else
      r.fail("lti listen",
             url + (answer.status ? " answers " + std::to_string(answer.status) : ": " + answer.error),
             unreachable);
    return;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(hp->host.c_str(), std::to_string(hp->port).c_str(), &hints, &res) != 0 || !res) {
    r.fail("lti listen", hp->host + " (lti.listen) does not resolve", as_int(exit_code::bad_setting));
    return;
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM, 0);
  int err = errno;
  bool bound = false;
  if (fd >= 0) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    bound = ::bind(fd, res->ai_addr, res->ai_addrlen) == 0;
    err = errno;
    ::close(fd);
  }
  freeaddrinfo(res);
  if (bound)
    r.ok("lti listen", l.listen + " is free to listen on");
  else
    r.fail("lti listen", "cannot listen on " + l.listen + ": " + std::strerror(err) +
                           (err == EADDRINUSE ? " (if otrbot runs there, add --running)" : ""),
           as_int(exit_code::bad_setting));
}

void check_public_url(report& r, const conf::lti_settings& l) {
  if (l.public_url.empty()) {
    r.ok("public url", "none: launches are checked against the Host header and the path");
    return;
  }
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u{curl_url(), curl_url_cleanup};
  char* host = nullptr;
  char* scheme = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, l.public_url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
    r.fail("public url", "lti.public_url = \"" + l.public_url + "\" is not a URL",
           as_int(exit_code::bad_setting));
    return;
  }
  std::string h{host}, sch{scheme};
  curl_free(host);
  curl_free(scheme);
  if (h.size() > 2 && h.front() == '[')
    h = h.substr(1, h.size() - 2);
  if (sch != "https" && !net::is_loopback(h)) {
    r.fail("public url", l.public_url + " is not https: browsers and LMSs expect the pages on HTTPS",
           as_int(exit_code::bad_setting));
    return;
  }
  std::string error;
  auto found = net::resolve_addresses(h, error);
  if (found.empty())
    r.fail("public url", h + " (lti.public_url) does not resolve: " + error, unreachable);
  else
    r.ok("public url", l.public_url + " (" + h + " is " + joined(found) + ")");
}

/// The LTI 1.3 key: read as runclient reads it, or made at start where it is missing.
void check_lti13(report& r, const conf::settings& s) {
  if (!s.lti13.enabled)
    return;
  auto path = lti13::key_file_path(s);
  auto platforms = std::to_string(s.lti13.platforms.size()) + " platform(s) in the settings";
  std::ifstream in(path);
  if (!in) {
    auto dir = std::filesystem::path{path}.parent_path();
    if (errno == ENOENT && ::access(dir.empty() ? "." : dir.c_str(), W_OK | X_OK) == 0)
      r.ok("lti13", path + " does not exist yet: made at start; " + platforms);
    else
      r.fail("lti13", "cannot read " + path + " (lti13.private_key_file): " + std::strerror(errno),
             as_int(exit_code::bad_setting));
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string why;
  if (jose::read_private_pem(text.str(), why))
    r.ok("lti13", path + " (key id " + s.lti13.key_id + "); " + platforms);
  else
    r.fail("lti13", path + " (lti13.private_key_file): " + why, as_int(exit_code::bad_setting));
}

} // namespace

int check_config(const check_options& opts) {
  report r;
  auto loaded = load_config(opts.config_path, opts.jid);
  if (auto* f = std::get_if<start_failure>(&loaded)) {
    r.fail("settings", f->line, f->code);
    return r.code();
  }
  const auto& c = std::get<loaded_config>(loaded);
  const auto& s = c.settings;
  r.ok("settings", c.path + ": account " + c.account.jid + ", " +
                     std::to_string(s.lti.consumers.size()) + " LTI consumer(s), " +
                     std::to_string(s.whitelist.size()) + " whitelisted JID(s)");
  // The TLS policy goes into OpenSSL before anything else uses OpenSSL (the avatar's hash would).
  auto quiet = spdlog::logger("check", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto tls_failure = opts.running ? std::nullopt : apply_tls(c, quiet);
  auto made = make_identity(c, {});
  if (auto* f = std::get_if<start_failure>(&made))
    r.fail("avatar", f->line, f->code);
  else if (const auto& pic = std::get<xmpp::identity>(made).picture)
    r.ok("avatar", c.account.avatar + ": PNG " + std::to_string(pic->width) + "x" +
                     std::to_string(pic->height) + ", " + std::to_string(pic->png.size()) + " bytes");
  else
    r.ok("avatar", "none (xmpp.accounts.\"" + c.account.jid + "\".avatar is empty)");

  auto dir = s.bot.locales_dir.empty() ? std::string{OTRBOT_LOCALES_DIR} : s.bot.locales_dir;
  auto catalogs = i18n::load_catalogs(dir, "en_GB");
  std::string names;
  for (const auto& l : catalogs.locales())
    names += (names.empty() ? "" : ", ") + l;
  if (catalogs.locales().size() > 1)
    r.ok("catalogs", names + " in " + dir);
  else
    r.fail("catalogs", "no compiled catalogs in " + dir + " (only English): check bot.locales_dir",
           as_int(exit_code::bad_setting));

  if (opts.running) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    check_listen(r, s.lti, true);
    return r.code();
  }
  namespace fs = std::filesystem;
  auto store_dir = fs::path{s.store.path}.parent_path();
  if (store_dir.empty())
    store_dir = ".";
  if (::access(store_dir.c_str(), W_OK | X_OK) == 0)
    r.ok("store", "the folder of " + s.store.path + " is writable");
  else
    r.fail("store", "the folder of " + s.store.path + " (store.path) is missing or not writable: " +
                      std::strerror(errno), as_int(exit_code::store_unusable));

  check_lti13(r, s);
  if (opts.offline) {
    // The systemd unit's ExecStartPre: a server down at boot is no bad setting (the bot
    // connects when it is back), so nothing is reached here.
    r.skip("xmpp login", "--offline: the XMPP server is not asked");
    r.skip("lti listen", "--offline: " + s.lti.listen + " is not tried");
    return r.code();
  }
  check_dns(r, c.account);
  if (tls_failure) {
    r.fail("xmpp login", tls_failure->line, tls_failure->code);
  } else {
    xmpp::initialize_library();
    check_login(r, c);
  }
  // libcurl initialises OpenSSL: only once the TLS policy is in (as runclient does).
  curl_global_init(CURL_GLOBAL_DEFAULT);
  check_listen(r, s.lti, false);
  check_public_url(r, s.lti);
  return r.code();
}

} // namespace otrbot
