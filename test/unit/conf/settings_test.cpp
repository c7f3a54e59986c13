// Settings: the sample loads, defaults hold, every rule refuses with the key's name.
#include "conf/advice.hpp"
#include "conf/settings.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace otrbot::conf;

namespace {

secret_sources fake_sources() {
  return {[](const std::string& name) -> std::optional<std::string> {
            if (name == "BOT_PW")
              return "from-env";
            return std::nullopt;
          },
          [](const std::string& path) -> std::optional<std::string> {
            if (path == "/run/secrets/pw")
              return "from-file\n";
            return std::nullopt;
          }};
}

const std::string minimal = R"([xmpp]
default_account = "bot@example.org"
[xmpp.accounts."bot@example.org"]
password = "pw"
)";

load_result load(const std::string& text) { return parse_settings(text, "test.toml", fake_sources()); }

std::string error_key(const std::string& text) {
  auto r = load(text);
  REQUIRE_FALSE(r);
  return r.error->key;
}

} // namespace

TEST_CASE("the shipped sample loads without error") {
  std::ifstream in{OTRBOT_SOURCE_DIR "/conf/otrbot.sample.toml"};
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  auto r = load(buf.str());
  INFO((r.error ? r.error->describe() : ""));
  REQUIRE(r);
  const auto& s = *r.value;
  CHECK(s.xmpp.default_account == "bot@example.org");
  CHECK(s.xmpp.accounts.at("bot@example.org").host == "xmpp.example.org");
  CHECK(s.whitelist.at("student@example.org").locale == "en_GB");
  CHECK(s.lti.consumers.at("__consumer_key__") == "__lti_secret__");
  // Left out, so that the student's language gives them (i18n::with_defaults).
  CHECK_FALSE(s.bot.format_strings.contains("project_name"));
  CHECK_FALSE(s.bot.format_strings.contains("bot_description"));
  CHECK(s.bot.format_strings.at("bot_title") == "OTR Bot");
  CHECK(s.lti.private_outcome_consumers.empty());
  CHECK(s.store.path == "/var/lib/otrbot/otrbot.db");
  CHECK(s.grades.give_up_after == 3 * 86400);
  CHECK(s.bot.max_messages_per_minute == 60);
}

TEST_CASE("store, grade retries, message rate and private grade URLs are read and checked") {
  auto r = load("[store]\npath = \"/data/x.db\"\nkey_file = \"/keys/x\"\n"
                "[grades]\nfirst_retry = 1\nmax_retry = 2\ngive_up_after = 3\n"
                "[bot]\nmax_messages_per_minute = 0\n"
                "[lti.consumers.k]\nsecret = \"s\"\nallow_private_outcome_urls = true\n");
  INFO((r.error ? r.error->describe() : ""));
  REQUIRE(r);
  CHECK(r.value->store.path == "/data/x.db");
  CHECK(r.value->store.key_file == "/keys/x");
  CHECK(r.value->grades.max_retry == 2);
  CHECK(r.value->bot.max_messages_per_minute == 0);
  CHECK(r.value->lti.private_outcome_consumers == std::set<std::string>{"k"});
  CHECK(error_key("[store]\npath = \"\"\n") == "store.path");
  CHECK(error_key("[grades]\nfirst_retry = 10\nmax_retry = 5\n") == "grades.max_retry");
  CHECK(error_key("[grades]\nfirst_retry = 0\n") == "grades.first_retry");
  CHECK(error_key("[store]\nsize = 1\n") == "store.size");
}

TEST_CASE("the web server's limits and the whitelist's are read and bounded") {
  auto r = load("[lti]\nmax_connections_per_address = 0\nmax_requests_per_address_per_minute = 5\n"
                "max_header_bytes = 2048\nmax_body_bytes = 4096\nrequest_timeout = 2\n"
                "stuck_after_minutes = 3\n"
                "[bot]\nmax_whitelisted_from_pages = 3\nmax_whitelisted_from_admin = 0\n");
  INFO((r.error ? r.error->describe() : ""));
  REQUIRE(r);
  CHECK(r.value->lti.max_connections_per_address == 0);
  CHECK(r.value->lti.max_requests_per_address_per_minute == 5);
  CHECK(r.value->lti.max_header_bytes == 2048);
  CHECK(r.value->lti.max_body_bytes == 4096);
  CHECK(r.value->lti.request_timeout == 2);
  CHECK(r.value->lti.stuck_after_minutes == 3);
  CHECK(r.value->bot.max_whitelisted_from_pages == 3);
  CHECK(r.value->bot.max_whitelisted_from_admin == 0);
  auto defaults = load(minimal);
  REQUIRE(defaults);
  CHECK(defaults.value->lti.max_connections_per_address == 256);
  CHECK(defaults.value->lti.max_body_bytes == 64 * 1024);
  CHECK(defaults.value->bot.max_whitelisted_from_pages == 10000);
  CHECK(error_key("[lti]\nmax_header_bytes = 10\n") == "lti.max_header_bytes");
  CHECK(error_key("[lti]\nrequest_timeout = 0\n") == "lti.request_timeout");
  CHECK(error_key("[bot]\nmax_whitelisted_from_admin = -1\n") == "bot.max_whitelisted_from_admin");
}

TEST_CASE("defaults are the reference's") {
  auto r = load(minimal);
  REQUIRE(r);
  const auto& s = *r.value;
  CHECK(s.xmpp.enable_tls);
  CHECK(s.xmpp.tls_version == "TLSv1.2");
  CHECK(s.xmpp.accounts.at("bot@example.org").port == 5222);
  CHECK(s.xmpp.accounts.at("bot@example.org").connect_host() == "example.org");
  CHECK(s.bot.warning_timeout == 1500);
  CHECK(s.bot.session_timeout == 1800);
  CHECK(s.bot.timeout_check_interval == 60);
  CHECK(s.bot.type_speed == 20);
  CHECK(s.bot.key_pool == 256);
  CHECK(s.bot.bot_secret_format == "XXXX-XXXX");
  CHECK_FALSE(s.bot.log_user_msgs);
  CHECK(s.lti.listen == "127.0.0.1:5000");
  CHECK(s.admin_token.empty());
  CHECK(s.log.syslog_address == "/dev/log");
}

TEST_CASE("passwords come from the value, an environment variable or a file") {
  auto env = load(R"([xmpp.accounts."a@x.org"]
password_env = "BOT_PW")");
  CHECK(env.value->xmpp.accounts.at("a@x.org").password == "from-env");
  auto file = load(R"([xmpp.accounts."a@x.org"]
password_file = "/run/secrets/pw")");
  CHECK(file.value->xmpp.accounts.at("a@x.org").password == "from-file");  // newline trimmed
  CHECK(error_key(R"([xmpp.accounts."a@x.org"]
password_env = "NOPE")") == R"(xmpp.accounts."a@x.org".password_env)");
  CHECK(error_key(R"([xmpp.accounts."a@x.org"]
password_file = "/nope")") == R"(xmpp.accounts."a@x.org".password_file)");
  CHECK(error_key(R"([xmpp.accounts."a@x.org"]
password = "a"
password_env = "BOT_PW")") == R"(xmpp.accounts."a@x.org".password)");
  CHECK(error_key(R"([xmpp.accounts."a@x.org"]
port = 5222)") == R"(xmpp.accounts."a@x.org")");
}

TEST_CASE("admin token and LTI consumer secrets use the same sources") {
  auto r = load("[admin]\ntoken_env = \"BOT_PW\"\n[lti.consumers.k]\nsecret_file = \"/run/secrets/pw\"\n");
  REQUIRE(r);
  CHECK(r.value->admin_token == "from-env");
  CHECK(r.value->lti.consumers.at("k") == "from-file");
  CHECK(error_key("[lti.consumers.k]\nsecret = \"\"\n") == "lti.consumers.k");
}

TEST_CASE("unknown keys are refused with their full name") {
  CHECK(error_key("colour = 1\n") == "colour");
  CHECK(error_key("[bot]\ncolour = 1\n") == "bot.colour");
  CHECK(error_key(minimal + "colour = 1\n") == R"(xmpp.accounts."bot@example.org".colour)");
  CHECK(error_key("[whitelist.\"s@x.org\"]\nlang = \"en\"\n") == R"(whitelist."s@x.org".lang)");
}

TEST_CASE("wrong types are refused with the key and the expected type") {
  auto r = load("[bot]\nwarning_timeout = \"soon\"\n");
  REQUIRE_FALSE(r);
  CHECK(r.error->key == "bot.warning_timeout");
  CHECK(r.error->message == "must be an integer, not a string");
  CHECK(error_key("[xmpp]\nenable_tls = \"yes\"\n") == "xmpp.enable_tls");
  CHECK(error_key("[xmpp]\ncipher_list = \"A\"\n") == "xmpp.cipher_list");
  CHECK(error_key("[xmpp]\ncipher_list = [1]\n") == "xmpp.cipher_list");
  CHECK(error_key("xmpp = 1\n") == "xmpp");
  CHECK(error_key("[bot.format_strings]\nbot_title = 3\n") == "bot.format_strings.bot_title");
}

TEST_CASE("insecure settings are refused") {
  CHECK(error_key(minimal + "[xmpp]\nenable_tls = false\n") == "(syntax)");  // table defined twice
  CHECK(error_key("[xmpp]\nenable_tls = false\n[xmpp.accounts.\"a@x.org\"]\npassword = \"p\"\n") ==
        "xmpp.enable_tls");
  auto loop = load("[xmpp]\nenable_tls = false\n[xmpp.accounts.\"a@x.org\"]\npassword = \"p\"\n"
                   "host = \"127.0.0.1\"\nallow_plain_text = true\n");
  CHECK(loop);
  CHECK(error_key("[xmpp.accounts.\"a@x.org\"]\npassword = \"p\"\nallow_plain_text = true\n") ==
        R"(xmpp.accounts."a@x.org".allow_plain_text)");
  CHECK(error_key("[xmpp]\nallow_ssl_fallback = true\n") == "xmpp.allow_ssl_fallback");
  CHECK(error_key("[xmpp]\ntls_version = \"TLSv1\"\n") == "xmpp.tls_version");
  CHECK(error_key("[xmpp]\ntls_version = \"TLS 1.2\"\n") == "xmpp.tls_version");
  CHECK(error_key("[xmpp]\ncipher_list = []\n") == "xmpp.cipher_list");
  CHECK(error_key("[xmpp]\ncipher_list = [\"A B\"]\n") == "xmpp.cipher_list");
  CHECK(error_key("[xmpp]\nca_certs = \"\"\n") == "xmpp.ca_certs");
}

TEST_CASE("JIDs are validated and prepared") {
  auto r = load("[whitelist.\"Student@Example.ORG\"]\n");
  REQUIRE(r);
  CHECK(r.value->whitelist.at("student@example.org").locale == "en_GB");
  CHECK(error_key("[whitelist.\"no at sign\"]\n") == R"(whitelist."no at sign")");
  CHECK(error_key("[whitelist.\"s@x.org/phone\"]\n") == R"(whitelist."s@x.org/phone")");
  CHECK(error_key("[xmpp]\ndefault_account = \"nobody@x.org\"\n") == "xmpp.default_account");
}

TEST_CASE("a whitelist entry without a locale gets the default locale") {
  auto r = load("[bot]\ndefault_locale = \"nl_NL\"\n[whitelist.\"s@x.org\"]\n");
  CHECK(r.value->whitelist.at("s@x.org").locale == "nl_NL");
  CHECK(error_key("[bot]\ndefault_locale = \"dutch\"\n") == "bot.default_locale");
}

TEST_CASE("numbers, formats and addresses are checked") {
  CHECK(error_key("[bot]\nwarning_timeout = 1800\n") == "bot.warning_timeout");
  CHECK(error_key("[bot]\ntype_speed = 0\n") == "bot.type_speed");
  CHECK(error_key("[bot]\nkey_pool = -1\n") == "bot.key_pool");
  CHECK(error_key("[bot]\nkey_pool = 100001\n") == "bot.key_pool");
  CHECK(error_key("[bot]\nkey_pool = \"many\"\n") == "bot.key_pool");
  CHECK(error_key("[bot]\nbot_secret_format = \"XX-XX\"\n") == "bot.bot_secret_format");
  CHECK(error_key("[lti]\nlisten = \"5000\"\n") == "lti.listen");
  CHECK(error_key("[lti]\npublic_url = \"ftp://x\"\n") == "lti.public_url");
  CHECK(error_key("[metrics]\nlisten = \"9464\"\n") == "metrics.listen");
  CHECK(error_key("[metrics]\nlisten = \"127.0.0.1:5000\"\n") == "metrics.listen");  // lti.listen's
  CHECK(error_key("[metrics]\nport = 9464\n") == "metrics.port");
  CHECK(error_key("[log]\nlevel = \"loud\"\n") == "log.level");
  CHECK(error_key("[log]\nsyslog_address = \"nowhere\"\n") == "log.syslog_address");
  CHECK(load("[log]\nlevel = \"DEBUG\"\nsyslog_address = \"127.0.0.1:514\"\n"));
}

TEST_CASE("a syntax error names the line") {
  auto r = load("[bot\n");
  REQUIRE_FALSE(r);
  CHECK(r.error->key == "(syntax)");
  CHECK(r.error->message.find("line 1") != std::string::npos);
}

TEST_CASE("the account comes from --jid, else the default account") {
  auto r = load(minimal);
  const account* acc = nullptr;
  CHECK_FALSE(select_account(*r.value, "", acc));
  CHECK(acc->jid == "bot@example.org");
  CHECK_FALSE(select_account(*r.value, "Bot@Example.org", acc));
  CHECK(select_account(*r.value, "other@example.org", acc)->key == "--jid");
  auto none = load("[xmpp.accounts.\"a@x.org\"]\npassword = \"p\"\n");
  CHECK(select_account(*none.value, "", acc)->key == "xmpp.default_account");
}

TEST_CASE("log levels in any case") {
  CHECK(parse_log_level("TRACE") == 0);
  CHECK(parse_log_level("Warn") == 3);
  CHECK(parse_log_level("warning") == 3);
  CHECK_FALSE(parse_log_level("verbose"));
}

TEST_CASE("development mode only on loopback, unless explicitly allowed") {
  CHECK(load("[lti]\nenabled = false\nlisten = \"127.0.0.1:5000\"\n"));
  CHECK(error_key("[lti]\nenabled = false\nlisten = \"0.0.0.0:5000\"\n") == "lti.enabled");
  CHECK(load("[lti]\nenabled = false\nlisten = \"0.0.0.0:5000\"\nallow_dev_mode_off_loopback = true\n"));
  CHECK(load("[lti]\nenabled = true\nlisten = \"0.0.0.0:5000\"\n"));
}

TEST_CASE("a weak default secret is refused") {
  CHECK(error_key("[bot]\ndefault_secret = \"abc\"\n") == "bot.default_secret");
  CHECK(load("[bot]\ndefault_secret = \"purple tractor 42\"\n"));
}

TEST_CASE("settings that load but invite an attack are warned about") {
  auto r = load("[admin]\ntoken = \"a\"\n[lti]\n[lti.consumers.k]\nsecret = \"b\"\n");
  REQUIRE(r);
  auto lines = otrbot::conf::advice(*r.value);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].starts_with("admin.token has fewer than 16 characters"));
  CHECK(lines[1].starts_with("lti.consumers.\"k\" has a secret of fewer than 16 characters"));
  CHECK(lines[2].starts_with("lti.public_url is empty"));
  CHECK(lines[3].starts_with("lti.frame_ancestors is empty"));
  auto good = load("[admin]\ntoken = \"0123456789abcdef0123\"\n[lti]\npublic_url = \"https://b.example/\"\n"
                   "frame_ancestors = [\"https://lms.example.org\"]\n"
                   "[lti.consumers.k]\nsecret = \"0123456789abcdef0123\"\n");
  REQUIRE(good);
  CHECK(otrbot::conf::advice(*good.value).empty());
  CHECK(error_key("[lti]\nframe_ancestors = [\"lms.example.org\"]\n") == "lti.frame_ancestors");
  CHECK(error_key("[lti]\nframe_ancestors = [\"https://a; script-src *\"]\n") == "lti.frame_ancestors");
  CHECK(otrbot::conf::file_mode_advice("/x.toml", 0100600).empty());
  CHECK(otrbot::conf::file_mode_advice("/x.toml", 0100640).empty());
  CHECK(otrbot::conf::file_mode_advice("/x.toml", 0100644).find("chmod 600") != std::string::npos);
}
