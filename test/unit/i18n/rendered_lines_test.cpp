// Every shipped line in every shipped catalog, rendered with the sample's and the development
// setup's names: no doubled words ("the the"), no doubled articles ("the your course page").
#include "conf/settings.hpp"
#include "i18n/catalog.hpp"
#include "i18n/catalog_files.hpp"
#include "i18n/text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace otrbot;

namespace {

std::string read(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// The format strings as the shipped sample sets them (the rest: defaults).
i18n::args sample_names() {
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto r = conf::parse_settings(read(OTRBOT_SOURCE_DIR "/conf/otrbot.sample.toml"), "sample",
                                {none, none});
  REQUIRE(r);
  i18n::args out;
  for (const auto& [k, v] : r.value->bot.format_strings)
    out[k] = v;
  return out;
}

/// project_name as scripts/devenv.py writes it into the development config.
std::string development_project_name() {
  auto text = read(OTRBOT_SOURCE_DIR "/scripts/devenv.py");
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex{R"re(project_name = "([^"]+)")re"}));
  // The pages' address, as devenv.py fills it in by default.
  return std::regex_replace(m[1].str(), std::regex{R"(\{args\.web\})"}, "127.0.0.1:5000");
}

/// Words that take a noun after them: two in a row read wrong ("the your").
const std::set<std::string>& determiners(const std::string& locale) {
  static const std::map<std::string, std::set<std::string>> by_language{
    {"en", {"the", "a", "an", "your", "my", "our", "their", "this", "that"}},
    {"nl", {"de", "het", "een", "je", "jouw", "uw", "mijn", "ons", "onze", "deze", "dit"}},
    {"de", {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
            "dein", "deine", "deinen", "deinem", "deiner", "mein", "meine", "unser", "unsere"}},
  };
  return by_language.at(locale.substr(0, 2));
}

/// Lower-case words, split at anything that is not a letter or digit (UTF-8 letters kept).
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      w += static_cast<char>(u < 0x80 ? std::tolower(u) : u);
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty())
    out.push_back(w);
  return out;
}

} // namespace

TEST_CASE("every shipped line reads without doubled words or articles, with sample and development names") {
  auto cats = i18n::load_catalogs(OTRBOT_BUILD_DIR "/locales", "en_GB");
  auto english = i18n::catalog::parse(read(OTRBOT_BUILD_DIR "/locales/en_GB/LC_MESSAGES/messages.mo"));
  REQUIRE(english);
  auto msgids = english->msgids();
  REQUIRE(msgids.size() > 50);
  auto sample = sample_names();
  auto development = sample;
  development["project_name"] = development_project_name();
  auto named = sample;
  named["project_name"] = "Secure Communication 101";
  auto locales = cats.locales();
  std::sort(locales.begin(), locales.end());
  REQUIRE(locales == std::vector<std::string>{"de_DE", "en_GB", "nl_NL"});
  for (const auto& locale : cats.locales()) {
    for (const auto& names : {sample, development, named}) {
      auto values = i18n::with_defaults(cats, locale, names);
      values.insert({{"bot_jid", "helper@school.example"}, {"jid", "learner@school.example"},
                     {"code", "PL2F-A3ZR"}, {"minutes", "5"}, {"seconds", "40"}, {"client", "Psi+"}, {"command", "/otr start"}, {"fingerprint", "6FF95742 5C05253E"}, {"expected", "8"}, {"typed", "7"},
                     {"reason", cats.text(locale, "a secret needs at least 8 characters")}});
      for (const auto& id : msgids) {
        auto line = cats.text(locale, id, values);
        INFO(locale << ": " << line);
        CHECK(line.find('{') == std::string::npos);
        // Article pairs the translator wrote ("gib ... ein, den dir", "stuurt je een code")
        // are grammar; a pair that a filled-in name makes is the bug looked for here.
        auto written = words(cats.text(locale, id));
        auto pairs_in = [&](const std::vector<std::string>& w) {
          std::multiset<std::string> out;
          for (std::size_t i = 1; i < w.size(); ++i)
            if (determiners(locale).contains(w[i - 1]) && determiners(locale).contains(w[i]))
              out.insert(w[i - 1] + " " + w[i]);
          return out;
        };
        auto w = words(line);
        for (std::size_t i = 1; i < w.size(); ++i)
          CHECK_FALSE((w[i] == w[i - 1] && !std::isdigit(static_cast<unsigned char>(w[i][0]))));
        CHECK(pairs_in(w) == pairs_in(written));
      }
    }
  }
}

TEST_CASE("unset names are filled in the student's language") {
  auto cats = i18n::load_catalogs(OTRBOT_BUILD_DIR "/locales", "en_GB");
  auto en = i18n::text(cats, i18n::msg::enter_code, "en_GB", {});
  CHECK(en == "Step 4: type this code on the page for your course to complete the exercise.");
  auto nl = i18n::text(cats, i18n::msg::enter_code, "nl_NL", {});
  CHECK(nl.find("je cursus") != std::string::npos);
  auto set = i18n::text(cats, i18n::msg::enter_code, "nl_NL", {{"project_name", "CS101"}});
  CHECK(set.find("CS101") != std::string::npos);
  auto greeting = i18n::text(cats, i18n::msg::greeting, "de_DE", {});
  CHECK(greeting.find("OTR Bot") != std::string::npos);
  CHECK(greeting.find("für deinen Kurs") != std::string::npos);
}
