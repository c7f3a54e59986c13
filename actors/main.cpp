// otrbot's entry point: the command line (CLI11) and its subcommands.
#include "actors/exit_code.hpp"
#include "actors/runclient.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
  using otrbot::as_int;
  using otrbot::exit_code;
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

  std::string pot_out = "messages.pot";
  auto* extract = app.add_subcommand("extract", "Extract the bot's messages into a .pot file");
  extract->add_option("-o,--output", pot_out, "Where to write the template");
  std::string pot, locale;
  auto* init = app.add_subcommand("init", "Start a translation for a locale from a .pot file");
  init->add_option("POT", pot, "The template")->required();
  init->add_option("LOCALE", locale, "The locale, e.g. nl_NL")->required();
  auto* update = app.add_subcommand("update", "Merge a new .pot into a locale's translation");
  update->add_option("POT", pot, "The template")->required();
  update->add_option("LOCALE", locale, "The locale, e.g. nl_NL")->required();
  std::string compile_locale;
  auto* compile = app.add_subcommand("compile", "Compile translations to .mo files");
  compile->add_option("-l,--locale", compile_locale, "Only this locale");

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

  if (runclient->parsed())
    return otrbot::runclient(run);
  for (auto* sub : {extract, init, update, compile})
    if (sub->parsed()) {
      std::cerr << "otrbot: " << sub->get_name()
                << " is not available yet: translations come with their own issue\n";
      return as_int(exit_code::invalid_argument);
    }
  return as_int(exit_code::invalid_argument);
}
