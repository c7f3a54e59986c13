// The bot's lines and their placeholders.
#include "i18n/text.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::i18n;

TEST_CASE("the greeting says what the bot is, with the configured names") {
  auto g = text(source_only(), msg::greeting, "en_GB",
                {{"bot_title", "Tutor"}, {"bot_description", "a bot"}, {"project_name", "CS101"}});
  CHECK(g.find("Tutor") != std::string::npos);
  CHECK(g.find("CS101") != std::string::npos);
  CHECK(g.find('{') == std::string::npos);
}

TEST_CASE("locale names are normalised from BCP 47 and any case") {
  CHECK(normalise_locale("nl-BE") == "nl_BE");
  CHECK(normalise_locale("EN_gb") == "en_GB");
  CHECK(normalise_locale("de") == "de");
  CHECK_FALSE(normalise_locale("english"));
  CHECK_FALSE(normalise_locale("en-GBR"));
  CHECK_FALSE(normalise_locale("e1-GB"));
  CHECK_FALSE(normalise_locale(""));
}
