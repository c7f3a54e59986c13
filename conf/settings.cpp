// Reading and validating the TOML settings file.
#include "conf/settings.hpp"

#include "conf/table_reader.hpp"

#include "i18n/text.hpp"
#include "transport/base/secrets.hpp"
#include "transport/net/address.hpp"
#include "transport/xmpp/jid.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace otrbot::conf {
namespace {

using detail::refuse;
using detail::refused;
using detail::key_segment;
using detail::table_reader;
using detail::type_name;
using detail::read_secret;

void check_locale(const std::string& key, const std::string& value) {
  // Only the canonical form (ll or ll_CC), so that whitelist keys compare equal.
  if (i18n::normalise_locale(value) != value)
    refuse(key, "\"" + value + "\" is not a locale name such as en_GB or nl_NL");
}

void check_level(const std::string& key, const std::string& value) {
  if (!parse_log_level(value))
    refuse(key, "\"" + value + "\" is not a log level: trace, debug, info, warn or error");
}

void check_url(const std::string& key, const std::string& value) {
  if (!value.empty() && !value.starts_with("https://") && !value.starts_with("http://"))
    refuse(key, "must be empty or an http:// or https:// URL");
}

std::string bare_jid_or_refuse(const std::string& key, const std::string& text) {
  auto r = xmpp::parse_bare_jid(text);
  if (!r)
    refuse(key, "\"" + text + "\" is not a valid bare JID: " + r.error);
  return r.value->bare();
}

void read_xmpp(table_reader& r, xmpp_settings& x, const secret_sources& src) {
  r.string("default_account", x.default_account);
  r.boolean("enable_tls", x.enable_tls);
  r.boolean("allow_ssl_fallback", x.allow_ssl_fallback);
  r.string("tls_version", x.tls_version);
  r.string("ca_certs", x.ca_certs);
  r.strings("cipher_list", x.cipher_list);
  if (auto* accounts = r.table("accounts")) {
    table_reader ar(*accounts, r.key("accounts"));
    for (auto&& [k, node] : ar.all()) {
      auto key = ar.key(k.str());
      auto* t = node.as_table();
      if (!t)
        refuse(key, std::string{"must be a table, not "} + type_name(node.type()));
      account a;
      a.jid = bare_jid_or_refuse(key, std::string{k.str()});
      table_reader tr(*t, key);
      auto pw = read_secret(tr, "password", src);
      if (!pw)
        refuse(key, "needs password, password_env or password_file");
      a.password = *pw;
      tr.string("host", a.host);
      std::int64_t port = a.port;
      tr.integer("port", port, 1, 65535);
      a.port = static_cast<std::uint16_t>(port);
      tr.boolean("ssl", a.ssl);
      tr.boolean("allow_plain_text", a.allow_plain_text);
      tr.string("avatar", a.avatar);
      tr.finish();
      if (!a.host.empty() && a.host.find_first_of(" /@") != std::string::npos)
        refuse(tr.key("host"), "\"" + a.host + "\" is not a host name or address");
      x.accounts[a.jid] = std::move(a);
    }
  }
  r.finish();

  if (!x.default_account.empty()) {
    auto bare = bare_jid_or_refuse(r.key("default_account"), x.default_account);
    if (!x.accounts.contains(bare))
      refuse(r.key("default_account"),
             "\"" + x.default_account + "\" has no [xmpp.accounts.\"" + bare + "\"] table");
    x.default_account = bare;
  }
  if (x.allow_ssl_fallback)
    refuse(r.key("allow_ssl_fallback"),
           "falling back to SSL is insecure and not supported: set it to false");
  if (x.tls_version == "TLSv1" || x.tls_version == "TLSv1.1" || x.tls_version == "SSLv3")
    refuse(r.key("tls_version"), x.tls_version + " is insecure: use TLSv1.2 or TLSv1.3");
  if (x.tls_version != "TLSv1.2" && x.tls_version != "TLSv1.3")
    refuse(r.key("tls_version"), "\"" + x.tls_version + "\" is not TLSv1.2 or TLSv1.3");
  if (x.cipher_list.empty())
    refuse(r.key("cipher_list"), "must name at least one cipher");
  for (const auto& c : x.cipher_list)
    if (c.empty() || !std::all_of(c.begin(), c.end(), [](unsigned char ch) {
          return std::isalnum(ch) || ch == '-' || ch == '_';
        }))
      refuse(r.key("cipher_list"), "\"" + c + "\" is not a cipher name");
  if (x.enable_tls && x.ca_certs.empty())
    refuse(r.key("ca_certs"), "must name a CA file: the server certificate is always checked");
  for (const auto& [jid, a] : x.accounts) {
    auto akey = r.key("accounts") + "." + key_segment(jid);
    if (!x.enable_tls && !net::is_loopback(a.connect_host()))
      refuse(r.key("enable_tls"), "TLS may be off only for a server on loopback, and account " +
                                    jid + " connects to " + a.connect_host());
    if (a.allow_plain_text && !net::is_loopback(a.connect_host()))
      refuse(akey + ".allow_plain_text",
             "plain-text authentication is allowed only for a server on loopback, not " +
               a.connect_host());
  }
}

void read_bot(table_reader& r, bot_settings& b) {
  r.string("default_locale", b.default_locale);
  r.string("default_secret", b.default_secret);
  r.boolean("may_start_smp", b.may_start_smp);
  r.string("bot_secret_format", b.bot_secret_format);
  r.boolean("log_user_msgs", b.log_user_msgs);
  constexpr std::int64_t day = 24 * 3600;
  r.integer("warning_timeout", b.warning_timeout, 1, 7 * day);
  r.integer("session_timeout", b.session_timeout, 1, 7 * day);
  r.integer("timeout_check_interval", b.timeout_check_interval, 1, day);
  r.boolean("scheduled_msg_say", b.scheduled_msg_say);
  r.integer("type_speed", b.type_speed, 1, 100000);
  r.integer("max_messages_per_minute", b.max_messages_per_minute, 0, 100000);
  r.integer("max_whitelisted_from_pages", b.max_whitelisted_from_pages, 0, 10'000'000);
  r.integer("max_whitelisted_from_admin", b.max_whitelisted_from_admin, 0, 10'000'000);
  r.integer("worker_threads", b.worker_threads, 0, 256);
  r.integer("key_pool", b.key_pool, 0, 100000);
  r.string("locales_dir", b.locales_dir);
  if (auto* fs = r.table("format_strings")) {
    table_reader fr(*fs, r.key("format_strings"));
    for (auto&& [k, node] : fr.all()) {
      auto* s = node.as_string();
      if (!s)
        refuse(fr.key(k.str()), std::string{"must be a string, not "} + type_name(node.type()));
      b.format_strings[std::string{k.str()}] = s->get();
    }
  }
  r.finish();
  check_locale(r.key("default_locale"), b.default_locale);
  if (b.warning_timeout >= b.session_timeout)
    refuse(r.key("warning_timeout"), "must be smaller than session_timeout (" +
                                       std::to_string(b.session_timeout) + ")");
  if (!b.default_secret.empty()) {
    auto normal = secrets::normalise(b.default_secret);
    if (!normal)
      refuse(r.key("default_secret"), "is not valid UTF-8");
    if (auto weak = secrets::weakness(*normal))
      refuse(r.key("default_secret"), "is too weak: " + *weak);
  }
  auto xs = std::count(b.bot_secret_format.begin(), b.bot_secret_format.end(), 'X');
  if (xs < 6 || b.bot_secret_format.size() > 64)
    refuse(r.key("bot_secret_format"),
           "needs at least 6 X (each a random character) and at most 64 characters");
  for (unsigned char c : b.bot_secret_format)
    if (c < 0x20 || c > 0x7e)
      refuse(r.key("bot_secret_format"), "may hold only printable ASCII characters");
}

void read_whitelist(table_reader& r, std::map<std::string, whitelist_entry>& wl,
                    const std::string& default_locale) {
  for (auto&& [k, node] : r.all()) {
    auto key = r.key(k.str());
    auto* t = node.as_table();
    if (!t)
      refuse(key, std::string{"must be a table such as { locale = \"en_GB\" }, not "} +
                    type_name(node.type()));
    auto jid = bare_jid_or_refuse(key, std::string{k.str()});
    whitelist_entry e{default_locale};
    table_reader er(*t, key);
    er.string("locale", e.locale);
    er.finish();
    check_locale(er.key("locale"), e.locale);
    wl[jid] = e;
  }
}

void read_lti(table_reader& r, lti_settings& l, const secret_sources& src) {
  r.boolean("enabled", l.enabled);
  r.boolean("allow_dev_mode_off_loopback", l.allow_dev_mode_off_loopback);
  r.string("listen", l.listen);
  r.string("public_url", l.public_url);
  r.boolean("trust_forwarded_headers", l.trust_forwarded_headers);
  r.string("css_url", l.css_url);
  r.strings("frame_ancestors", l.frame_ancestors);
  r.integer("max_connections_per_address", l.max_connections_per_address, 0, 1'000'000);
  r.integer("max_requests_per_address_per_minute", l.max_requests_per_address_per_minute, 0,
            100'000'000);
  r.integer("max_header_bytes", l.max_header_bytes, 1024, 1024 * 1024);
  r.integer("max_body_bytes", l.max_body_bytes, 1024, 16 * 1024 * 1024);
  r.integer("request_timeout", l.request_timeout, 1, 3600);
  r.integer("stuck_after_minutes", l.stuck_after_minutes, 1, 24 * 60);
  for (const auto& origin : l.frame_ancestors)
    if (!net::is_http_url(origin) || origin.find_first_of(" ;,'\"") != std::string::npos)
      refuse(r.key("frame_ancestors"), "\"" + origin + "\" is not an origin such as "
                                       "https://lms.example.org");
  if (auto* consumers = r.table("consumers")) {
    table_reader cr(*consumers, r.key("consumers"));
    for (auto&& [k, node] : cr.all()) {
      auto key = cr.key(k.str());
      auto* t = node.as_table();
      if (!t)
        refuse(key, std::string{"must be a table with a secret, not "} + type_name(node.type()));
      table_reader tr(*t, key);
      auto secret = read_secret(tr, "secret", src);
      bool allow_private = false;
      tr.boolean("allow_private_outcome_urls", allow_private);
      tr.finish();
      if (allow_private)
        l.private_outcome_consumers.insert(std::string{k.str()});
      if (!secret || secret->empty())
        refuse(key, "needs a non-empty secret, secret_env or secret_file");
      l.consumers[std::string{k.str()}] = *secret;
    }
  }
  r.finish();
  auto where = net::parse_host_port(l.listen);
  if (!where)
    refuse(r.key("listen"), "\"" + l.listen + "\" is not host:port");
  if (!l.enabled && !net::is_loopback(where->host) && !l.allow_dev_mode_off_loopback)
    refuse(r.key("enabled"), "development mode (pages without an LMS launch) is allowed only on "
                             "a loopback address, not " + where->host +
                             " (unless lti.allow_dev_mode_off_loopback = true)");
  check_url(r.key("public_url"), l.public_url);
  check_url(r.key("css_url"), l.css_url);
}

void read_log(table_reader& r, log_settings& l) {
  r.string("level", l.level);
  r.boolean("syslog", l.syslog);
  r.string("syslog_address", l.syslog_address);
  r.string("syslog_level", l.syslog_level);
  r.finish();
  check_level(r.key("level"), l.level);
  check_level(r.key("syslog_level"), l.syslog_level);
  if (!l.syslog_address.starts_with("/") && !net::parse_host_port(l.syslog_address))
    refuse(r.key("syslog_address"),
           "\"" + l.syslog_address + "\" is neither a socket path nor host:port");
}

void read_store(table_reader& r, store_settings& st) {
  r.string("path", st.path);
  r.string("key_file", st.key_file);
  r.finish();
  if (st.path.empty())
    refuse(r.key("path"), "is empty: name the SQLite file where the bot keeps its state");
}

void read_grades(table_reader& r, grade_settings& g) {
  r.integer("first_retry", g.first_retry, 1, 86400);
  r.integer("max_retry", g.max_retry, 1, 7 * 86400);
  r.integer("give_up_after", g.give_up_after, 1, 365 * 86400);
  r.integer("request_timeout", g.request_timeout, 1, 600);
  r.finish();
  if (g.max_retry < g.first_retry)
    refuse(r.key("max_retry"), "is shorter than grades.first_retry");
}

} // namespace

std::string account::connect_host() const {
  if (!host.empty())
    return host;
  auto at = jid.find('@');
  return at == std::string::npos ? jid : jid.substr(at + 1);
}

std::string config_error::describe() const { return "bad setting " + key + ": " + message; }

std::optional<int> parse_log_level(const std::string& name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::map<std::string, int> levels{
    {"trace", 0}, {"debug", 1}, {"info", 2},     {"warn", 3},
    {"warning", 3}, {"error", 4}, {"critical", 5}, {"off", 6}};
  auto it = levels.find(n);
  if (it == levels.end())
    return std::nullopt;
  return it->second;
}

load_result parse_settings(const std::string& toml_text, const std::string& source,
                           const secret_sources& secrets) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return {std::nullopt,
            config_error{"(syntax)", std::string{e.description()} + " at line " +
                                       std::to_string(where.line) + ", column " +
                                       std::to_string(where.column)}};
  }
  try {
    settings s;
    table_reader top(root, "");
    if (auto* t = top.table("xmpp")) {
      table_reader r(*t, "xmpp");
      read_xmpp(r, s.xmpp, secrets);
    }
    if (auto* t = top.table("bot")) {
      table_reader r(*t, "bot");
      read_bot(r, s.bot);
    } else {
      check_locale("bot.default_locale", s.bot.default_locale);
    }
    if (auto* t = top.table("whitelist")) {
      table_reader r(*t, "whitelist");
      read_whitelist(r, s.whitelist, s.bot.default_locale);
    }
    if (auto* t = top.table("lti")) {
      table_reader r(*t, "lti");
      read_lti(r, s.lti, secrets);
    }
    if (auto* t = top.table("lti13")) {
      table_reader r(*t, "lti13");
      detail::read_lti13(r, s.lti13, secrets);
    }
    if (auto* t = top.table("admin")) {
      table_reader r(*t, "admin");
      s.admin_token = read_secret(r, "token", secrets).value_or("");
      r.finish();
    }
    if (auto* t = top.table("metrics")) {
      table_reader r(*t, "metrics");
      r.string("listen", s.metrics_listen);
      r.finish();
      if (!s.metrics_listen.empty()) {
        auto where = net::parse_host_port(s.metrics_listen);
        if (!where)
          refuse(r.key("listen"), "\"" + s.metrics_listen + "\" is not host:port (or \"\": off)");
        auto pages = net::parse_host_port(s.lti.listen);
        if (pages && pages->port == where->port)
          refuse(r.key("listen"), "must be another port than lti.listen's: the metrics are "
                                  "never served with the pages");
      }
    }
    if (auto* t = top.table("log")) {
      table_reader r(*t, "log");
      read_log(r, s.log);
    }
    if (auto* t = top.table("store")) {
      table_reader r(*t, "store");
      read_store(r, s.store);
    }
    if (auto* t = top.table("grades")) {
      table_reader r(*t, "grades");
      read_grades(r, s.grades);
    }
    top.finish();
    return {std::move(s), std::nullopt};
  } catch (const refused& r) {
    return {std::nullopt, r.error};
  }
}

std::optional<config_error> select_account(const settings& s, const std::string& cli_jid,
                                           const account*& out) {
  out = nullptr;
  if (!cli_jid.empty()) {
    auto r = xmpp::parse_bare_jid(cli_jid);
    auto it = r ? s.xmpp.accounts.find(r.value->bare()) : s.xmpp.accounts.end();
    if (it == s.xmpp.accounts.end())
      return config_error{"--jid", "\"" + cli_jid + "\" has no [xmpp.accounts.\"" + cli_jid +
                                     "\"] table in the settings"};
    out = &it->second;
    return std::nullopt;
  }
  if (s.xmpp.default_account.empty())
    return config_error{"xmpp.default_account",
                        "no account to run as: set it, or pass --jid"};
  out = &s.xmpp.accounts.at(s.xmpp.default_account);
  return std::nullopt;
}

} // namespace otrbot::conf
