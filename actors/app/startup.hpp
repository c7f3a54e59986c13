// What `otrbot runclient` and `otrbot check-config` do alike before anything runs: read the
// settings (and the secrets they name), check the account, load the TLS policy into OpenSSL,
// and say a fatal XMPP failure in one line.
#pragma once

#include "conf/settings.hpp"
#include "transport/xmpp/identity.hpp"
#include "transport/xmpp/xmpp_client.hpp"
#include "transport/xmpp/xmpp_types.hpp"

#include <optional>
#include <string>
#include <variant>

namespace spdlog {
class logger;
}

namespace otrbot {

/// Why the start cannot go on: the exit code (exit_code.hpp) and the line for stderr.
struct start_failure {
  int code = 1;
  std::string line;
};

struct loaded_config {
  std::string path;       ///< the settings file read
  conf::settings settings;
  conf::account account;  ///< the account to run as
};

/// A regular file's text, at most `max_bytes` (nullopt for a directory, a device, a file that
/// cannot be read or is larger).
std::optional<std::string> read_text_file(const std::string& path,
                                          std::size_t max_bytes = std::size_t{1} << 20);
std::optional<std::string> env_value(const std::string& name);

/// The settings from `path` (empty: $OTRBOT_CONFIG, else conf/otrbot.toml) and the account
/// `jid` (empty: xmpp.default_account).
std::variant<loaded_config, start_failure> load_config(std::string path, const std::string& jid);

/// Loads the TLS policy into OpenSSL (before libstrophe initialises it); logs it to `log`.
std::optional<start_failure> apply_tls(const loaded_config& c, spdlog::logger& log);

/// The bot's XMPP identity: its title, status line in the default locale, version and the
/// avatar PNG of the account (a picture that is not a small PNG stops the start).
std::variant<xmpp::identity, start_failure> make_identity(const loaded_config& c,
                                                          std::string status_line);

/// How to connect as the configured account, with the TLS settings (no identity yet).
xmpp::client_options client_options_for(const loaded_config& c);

/// One line for a failure that ends the bot, naming what to check; and its exit code.
std::string fatal_line(xmpp::failure why, const std::string& detail, const conf::account& acc,
                       const conf::xmpp_settings& x);
int exit_for(xmpp::failure why);

} // namespace otrbot
