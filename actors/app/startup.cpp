// Reading and checking the settings, the TLS policy and the bot's identity before a start.
#include "actors/app/startup.hpp"

#include "actors/app/exit_code.hpp"
#include "transport/net/openssl_policy.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <cstdlib>
#include <fstream>

namespace otrbot {

/// A regular file's text, at most `max_bytes` (then nullopt, as for a
/// directory, a device such as /dev/zero, or a file that cannot be read).
std::optional<std::string> read_text_file(const std::string& path,
                                          std::size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::size_t>(st.st_size) > max_bytes)
    return std::nullopt;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || static_cast<std::size_t>(in.gcount()) > max_bytes)
    return std::nullopt;  // it grew meanwhile
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::optional<std::string> env_value(const std::string& name) {
  if (const char* v = std::getenv(name.c_str()))
    return std::string{v};
  return std::nullopt;
}

namespace {

/// A secret's file (password_file, secret_file, token_file): small, regular.
std::optional<std::string> read_secret_file(const std::string& path) {
  return read_text_file(path, 64 * 1024);
}

start_failure failed(exit_code code, std::string line) { return {as_int(code), std::move(line)}; }

} // namespace

std::variant<loaded_config, start_failure> load_config(std::string path, const std::string& jid) {
  if (path.empty())
    path = env_value("OTRBOT_CONFIG").value_or("conf/otrbot.toml");
  auto text = read_text_file(path);
  if (!text)
    return failed(exit_code::no_settings,
                  "no settings: cannot read " + path +
                    " as a settings file (a regular file of at most 1 MiB; copy "
                    "conf/otrbot.sample.toml there, or pass --config FILE)");
  auto loaded = conf::parse_settings(*text, path, {env_value, read_secret_file});
  if (!loaded)
    return failed(exit_code::bad_setting, loaded.error->describe() + " (in " + path + ")");
  const conf::account* acc = nullptr;
  if (auto err = conf::select_account(*loaded.value, jid, acc))
    return failed(exit_code::bad_setting, err->describe() + " (in " + path + ")");
  if (loaded.value->whitelist.contains(acc->jid))
    return failed(exit_code::bad_setting,
                  "bad setting whitelist.\"" + acc->jid + "\": the bot's own account cannot be a "
                  "student (it would talk to itself); remove it (in " + path + ")");
  auto account = *acc;
  return loaded_config{path, std::move(*loaded.value), std::move(account)};
}

std::optional<start_failure> apply_tls(const loaded_config& c, spdlog::logger& log) {
  const auto& s = c.settings;
  if (!s.xmpp.enable_tls) {
    log.warn("TLS is off: allowed only because {} is on loopback", c.account.connect_host());
    return std::nullopt;
  }
  if (!read_text_file(s.xmpp.ca_certs))
    return failed(exit_code::bad_setting, "bad setting xmpp.ca_certs: cannot read " + s.xmpp.ca_certs);
  auto policy = xmpp::make_tls_policy(s.xmpp.tls_version, s.xmpp.cipher_list);
  if (auto err = xmpp::apply_tls_policy(*policy, s.xmpp.cipher_list))
    return failed(err->bad_setting ? exit_code::bad_setting : exit_code::tls_policy,
                  err->bad_setting ? "bad setting " + err->message : err->message);
  log.info("TLS policy: minimum {}, TLS 1.2 ciphers {}, TLS 1.3 suites {}",
           policy->min_protocol, policy->cipher_string.empty() ? "none" : policy->cipher_string,
           policy->ciphersuites.empty() ? "OpenSSL's defaults" : policy->ciphersuites);
  return std::nullopt;
}

std::variant<xmpp::identity, start_failure> make_identity(const loaded_config& c,
                                                          std::string status_line) {
  xmpp::identity me;
  me.version = OTRBOT_VERSION;
  auto title = c.settings.bot.format_strings.find("bot_title");
  me.nickname = title != c.settings.bot.format_strings.end() && !title->second.empty()
                  ? title->second
                  : "OTR Bot";
  me.status = std::move(status_line);
  const auto& path = c.account.avatar;
  if (path.empty())
    return me;
  auto key = "bad setting xmpp.accounts.\"" + c.account.jid + "\".avatar: ";
  auto png = read_text_file(path, xmpp::max_avatar_bytes);
  if (!png)
    return failed(exit_code::bad_setting, key + "cannot read " + path + " as a PNG of at most " +
                                            std::to_string(xmpp::max_avatar_bytes / 1024) + " KiB");
  std::string why;
  me.picture = xmpp::make_avatar(*png, why);
  if (!me.picture)
    return failed(exit_code::bad_setting, key + path + ": " + why);
  return me;
}

xmpp::client_options client_options_for(const loaded_config& c) {
  const auto& acc = c.account;
  xmpp::client_options o;
  o.jid = acc.jid;
  o.password = acc.password;
  o.host = acc.host;
  o.port = acc.port;
  o.direct_tls = acc.ssl;
  o.enable_tls = c.settings.xmpp.enable_tls;
  o.allow_plain_text = acc.allow_plain_text;
  o.ca_file = c.settings.xmpp.enable_tls ? c.settings.xmpp.ca_certs : "";
  o.wire_log.log_user_msgs = c.settings.bot.log_user_msgs;
  return o;
}

std::string fatal_line(xmpp::failure why, const std::string& detail, const conf::account& acc,
                       const conf::xmpp_settings& x) {
  auto where = acc.connect_host() + ":" + std::to_string(acc.port);
  switch (why) {
    case xmpp::failure::auth_refused:
      return "the XMPP server at " + where + " refused the credentials of " + acc.jid +
             ": check the password of [xmpp.accounts.\"" + acc.jid + "\"]";
    case xmpp::failure::cert_untrusted:
      return "the certificate of the XMPP server at " + where + " is not trusted (" + detail +
             "): check xmpp.ca_certs (" + x.ca_certs + ") and that the certificate names the domain";
    case xmpp::failure::tls_unavailable:
      return "the XMPP server at " + where + " does not offer TLS, and TLS is required";
    default:
      return "the TLS handshake with the XMPP server at " + where +
             " failed on the TLS policy (minimum " + x.tls_version +
             ", xmpp.cipher_list): " + detail;
  }
}

int exit_for(xmpp::failure why) {
  switch (why) {
    case xmpp::failure::auth_refused: return as_int(exit_code::auth_refused);
    case xmpp::failure::cert_untrusted: return as_int(exit_code::cert_untrusted);
    default: return as_int(exit_code::tls_policy);
  }
}

} // namespace otrbot
