// otrbot's entry point: the command line (CLI11) and its subcommands.
#include "actors/app/check_config.hpp"
#include "actors/app/exit_code.hpp"
#include "actors/app/invite_command.hpp"
#include "actors/app/runclient.hpp"
#include "i18n/tools.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unistd.h>
#include <iostream>

namespace {

/// The bot runs with glibc's allocator told to overwrite every block freed, and to keep no
/// per-thread cache of freed blocks (which it would not overwrite): the OTR keys of ended
/// sessions (libotr's read buffer, libgcrypt's S-expressions and the copies each signature
/// makes) and the students' messages do not stay readable in the heap. Tunables take effect at
/// a process's start only: runclient starts itself again with them, once. An administrator's
/// own GLIBC_TUNABLES naming tcache_count wins (scripts/bench compares both).
void restart_with_wiping_allocator(char** argv) {
  const char* given = std::getenv("GLIBC_TUNABLES");
  std::string tunables = given ? given : "";
  if (tunables.find("glibc.malloc.tcache_count") != std::string::npos)
    return;
  tunables += (tunables.empty() ? "" : ":") + std::string{"glibc.malloc.tcache_count=0:glibc.malloc.perturb=90"};
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) == 0)
    ::execv("/proc/self/exe", argv);
  // (execv failed: the bot runs on with the usual allocator)
}

} // namespace

int main(int argc, char** argv) {
  using otrbot::as_int;
  using otrbot::exit_code;
  if (argc > 1 && std::string_view{argv[1]} == "runclient")
    restart_with_wiping_allocator(argv);
  // A server hang-up must not kill the process through SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"otrbot: an XMPP tutor that teaches OTR encryption and SMP verification",
               "otrbot"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "otrbot 0.1.0");

  otrbot::runclient_options run;
  auto* runclient = app.add_subcommand("runclient", "Run the bot (and, later, its web pages)");
  runclient->add_option("-c,--config", run.config_path,
                        "Settings file (default: $OTRBOT_CONFIG, else conf/otrbot.toml)");
  runclient->add_option("-j,--jid", run.jid, "Account to run as (default: xmpp.default_account)");

  otrbot::check_options check;
  auto* check_config = app.add_subcommand(
    "check-config", "Check the settings and what they point at (XMPP server, login, pages), "
                    "one line per check");
  check_config->add_option("-c,--config", check.config_path,
                           "Settings file (default: $OTRBOT_CONFIG, else conf/otrbot.toml)");
  check_config->add_option("-j,--jid", check.jid, "Account to check (default: xmpp.default_account)");
  auto* running_flag = check_config->add_flag("--running", check.running,
                         "The bot runs: check that its pages answer on lti.listen instead of "
                         "logging in and binding again (a health check)");
  check_config
    ->add_flag("--offline", check.offline,
               "Check only the settings and the files they name: no server is reached, no port "
               "bound (the systemd unit runs this before the bot)")
    ->excludes(running_flag);

  otrbot::invite_options invite;
  auto* lti13_invite = app.add_subcommand(
    "lti13-invite", "Make a single-use LTI 1.3 registration invite (printed on stdout) for one "
                    "platform; run as the user the bot runs as");
  lti13_invite->add_option("-c,--config", invite.config_path,
                           "Settings file (default: $OTRBOT_CONFIG, else conf/otrbot.toml)");
  lti13_invite->add_option("--hours", invite.hours, "How long it is good for (default: 24, at most 720)");
  lti13_invite->add_option("--host", invite.host,
                           "The platform's host, e.g. moodle.example.edu: only a registration "
                           "from there may use it (default: any)");

  std::string pot_out = "messages.pot";
  std::string sources = otrbot::i18n::default_source_dir();
  std::string locales = otrbot::i18n::default_locales_dir();
  auto* extract = app.add_subcommand("extract", "Extract the bot's messages into a .pot file");
  extract->add_option("-o,--output", pot_out, "Where to write the template (default: messages.pot)");
  extract->add_option("--sources", sources, "The source tree (default: " + sources + ")");
  std::string pot, locale;
  auto* init = app.add_subcommand("init", "Start a translation for a locale from a .pot file");
  init->add_option("POT", pot, "The template")->required();
  init->add_option("LOCALE", locale, "The locale, e.g. nl_NL")->required();
  auto* update = app.add_subcommand("update", "Merge a new .pot into a locale's translation");
  update->add_option("POT", pot, "The template")->required();
  update->add_option("LOCALE", locale, "The locale, e.g. nl_NL")->required();
  std::string compile_locale;
  auto* compile = app.add_subcommand("compile", "Compile translations to .mo files (all locales by default)");
  compile->add_option("-l,--locale", compile_locale, "Only this locale");
  for (auto* sub : {init, update, compile})
    sub->add_option("--locales", locales, "The catalogs' folder (default: " + locales + ")");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "otrbot: " << e.what() << " (see otrbot -h)\n";
    return as_int(exit_code::invalid_argument);
  }

  namespace tr = otrbot::i18n;
  if (runclient->parsed())
    return otrbot::runclient(run);
  if (check_config->parsed())
    return otrbot::check_config(check);
  if (lti13_invite->parsed())
    return otrbot::lti13_invite(invite);
  if (extract->parsed())
    return tr::extract(pot_out, sources);
  if (init->parsed())
    return tr::init(pot, locale, locales);
  if (update->parsed())
    return tr::update(pot, locale, locales);
  if (compile->parsed())
    return tr::compile(compile_locale.empty() ? std::nullopt : std::optional{compile_locale}, locales);
  return as_int(exit_code::invalid_argument);
}
