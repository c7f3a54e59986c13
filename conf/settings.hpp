// The bot's settings: one TOML file, read strictly (unknown keys and wrong types refused).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace otrbot::conf {

/// One XMPP account the bot may run as ([xmpp.accounts."jid"]).
struct account {
  std::string jid;                ///< bare, prepared
  std::string password;           ///< resolved from password / password_env / password_file
  std::string host;               ///< where to connect; empty: the JID's domain
  std::uint16_t port = 5222;
  bool ssl = false;               ///< direct TLS instead of STARTTLS
  bool allow_plain_text = false;  ///< PLAIN without TLS: loopback servers only
  std::string avatar;             ///< path of a PNG; empty: none

  /// The host the connection goes to.
  std::string connect_host() const;
};

struct xmpp_settings {
  std::string default_account;
  bool enable_tls = true;
  bool allow_ssl_fallback = false;
  std::string tls_version = "TLSv1.2";
  std::string ca_certs = "/etc/ssl/certs/ca-certificates.crt";
  std::vector<std::string> cipher_list{"ECDHE-RSA-AES256-GCM-SHA384",
                                       "ECDHE-RSA-AES128-GCM-SHA256"};
  std::map<std::string, account> accounts;  ///< by bare JID
};

struct bot_settings {
  std::string default_locale = "en_GB";
  std::string default_secret;
  bool may_start_smp = false;
  std::string bot_secret_format = "XXXX-XXXX";
  bool log_user_msgs = false;
  std::int64_t warning_timeout = 1500;  ///< seconds
  std::int64_t session_timeout = 1800;  ///< seconds
  std::int64_t timeout_check_interval = 60;
  bool scheduled_msg_say = true;
  std::int64_t type_speed = 20;  ///< characters per second
  std::int64_t max_messages_per_minute = 60;
  /// JIDs whitelisted at once through the pages / the admin API (0: no limit).
  std::int64_t max_whitelisted_from_pages = 10000;
  std::int64_t max_whitelisted_from_admin = 10000;  ///< per JID; more: ignored until quiet (0: no limit)
  std::int64_t worker_threads = 0;  ///< actor scheduler threads; 0: one per core
  std::int64_t key_pool = 256;      ///< OTR keys made ahead; 0: each made when needed
  std::string locales_dir;          ///< compiled catalogs; empty: the build's own
  /// Names filled into the lines; what is not set here is filled in the
  /// student's language (i18n::with_defaults).
  std::map<std::string, std::string> format_strings;
};

struct whitelist_entry {
  std::string locale;
};

struct lti_settings {
  bool enabled = true;
  bool allow_dev_mode_off_loopback = false;  ///< enabled = false on a public address
  std::string listen = "127.0.0.1:5000";
  std::string public_url;
  bool trust_forwarded_headers = false;
  std::string css_url;
  /// Origins that may show the pages in a frame (the LMS), for the
  /// Content-Security-Policy's frame-ancestors; empty: none but the pages' own.
  std::vector<std::string> frame_ancestors;
  /// Per client address (the proxy's, behind one): connections at once and requests a
  /// minute (0: no limit); the size of a request's head and body.
  std::int64_t max_connections_per_address = 256;
  std::int64_t max_requests_per_address_per_minute = 1200;
  std::int64_t max_header_bytes = 16 * 1024;
  std::int64_t max_body_bytes = 64 * 1024;
  std::int64_t request_timeout = 60;  ///< seconds for a request's head, and again for its body
  std::int64_t stuck_after_minutes = 10;  ///< the teacher view: no new step for this long, "stuck?"
  std::map<std::string, std::string> consumers;  ///< key -> secret
  /// Consumers whose grade URLs may be on loopback or private addresses
  /// (allow_private_outcome_urls = true: tests, an LMS on the same host).
  std::set<std::string> private_outcome_consumers;
};

/// One platform's registration ([lti13.platforms."<issuer>"]).
struct lti13_platform_settings {
  std::string client_id;
  std::string auth_login_url;
  std::string auth_token_url;
  std::string key_set_url;
  std::vector<std::string> deployment_ids;  ///< empty: accept new deployments and record them
  /// More hosts its AGS line items may be on than its own URLs' (Canvas: the school's instance).
  std::vector<std::string> grade_hosts;
};

/// LTI 1.3 ([lti13]; off without the table).
struct lti13_settings {
  bool enabled = false;
  std::string private_key_file;  ///< the tool's RSA key (PEM); empty: lti13-key.pem beside the store
  std::string key_id = "otrbot-1";
  /// Line items (grade URLs) on loopback or private addresses (tests, an LMS on the same host).
  bool allow_private_urls = false;
  std::map<std::string, lti13_platform_settings> platforms;  ///< by issuer
};

struct log_settings {
  std::string level = "info";
  bool syslog = true;
  std::string syslog_address = "/dev/log";
  std::string syslog_level = "info";
};

/// Where what must survive a restart is kept ([store]).
struct store_settings {
  std::string path = "/var/lib/otrbot/otrbot.db";  ///< SQLite (WAL)
  std::string key_file;  ///< empty: path + ".key" (protects codes and page tokens)
};

/// The grade outbox's retries ([grades]), in seconds.
struct grade_settings {
  std::int64_t first_retry = 10;         ///< the first wait; doubling, with jitter
  std::int64_t max_retry = 4 * 3600;     ///< the longest wait between two attempts
  std::int64_t give_up_after = 3 * 86400;  ///< then the grade is "failed" (an admin may retry)
  std::int64_t request_timeout = 20;     ///< one HTTP attempt
};

struct settings {
  xmpp_settings xmpp;
  bot_settings bot;
  std::map<std::string, whitelist_entry> whitelist;  ///< by bare JID
  lti_settings lti;
  lti13_settings lti13;
  std::string admin_token;  ///< empty: admin API off
  /// [metrics] listen: where GET /metrics (Prometheus's text format) is served, on its own
  /// address, never with the pages; empty: off.
  std::string metrics_listen;
  log_settings log;
  store_settings store;
  grade_settings grades;
};

/// Why the settings were refused: the key (dotted path, quoted where needed)
/// and what to fix.
struct config_error {
  std::string key;
  std::string message;
  /// One line for stderr: "bad setting KEY: MESSAGE".
  std::string describe() const;
};

/// Where secrets named by *_env and *_file come from; injected so that the
/// parser stays pure and testable.
struct secret_sources {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::function<std::optional<std::string>(const std::string&)> read_file;
};

/// The outcome of loading: settings, or the first problem found.
struct load_result {
  std::optional<settings> value;
  std::optional<config_error> error;
  explicit operator bool() const noexcept { return value.has_value(); }
};

/// Parses and validates TOML text. `source` names the file in messages.
load_result parse_settings(const std::string& toml_text, const std::string& source,
                           const secret_sources& secrets);

/// The account to run as: `cli_jid` when given, else xmpp.default_account.
/// Either must be a configured account.
std::optional<config_error> select_account(const settings& s, const std::string& cli_jid,
                                           const account*& out);

/// Parses a log level name (trace, debug, info, warn/warning, error, critical,
/// off; any case) to spdlog's numbering (0 = trace ... 6 = off).
std::optional<int> parse_log_level(const std::string& name);

} // namespace otrbot::conf
