// Catalogs: .mo files, ICU MessageFormat placeholders and plurals, locale matching.
#include "i18n/catalog.hpp"
#include "i18n/text.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <sstream>

using namespace otrbot::i18n;

namespace {

/// A .mo file with the given pairs, little- or big-endian, as msgfmt lays it out.
std::string make_mo(const std::vector<std::pair<std::string, std::string>>& pairs, bool big) {
  auto u32 = [&](std::uint32_t v) {
    if (big)
      v = __builtin_bswap32(v);
    std::string s(4, '\0');
    std::memcpy(s.data(), &v, 4);
    return s;
  };
  auto n = static_cast<std::uint32_t>(pairs.size());
  std::uint32_t orig = 28, trans = orig + n * 8, data = trans + n * 8;
  std::string head = u32(0x950412de) + u32(0) + u32(n) + u32(orig) + u32(trans) + u32(0) + u32(0);
  std::string otab, ttab, blob;
  for (const auto& [id, str] : pairs) {
    otab += u32(static_cast<std::uint32_t>(id.size())) + u32(data + static_cast<std::uint32_t>(blob.size()));
    blob += id + '\0';
  }
  for (const auto& [id, str] : pairs) {
    ttab += u32(static_cast<std::uint32_t>(str.size())) + u32(data + static_cast<std::uint32_t>(blob.size()));
    blob += str + '\0';
  }
  return head + otab + ttab + blob;
}

catalogs dutch() {
  auto nl = catalog::parse(make_mo({{"", "Content-Type: text/plain; charset=UTF-8\n"},
                                     {"Hello {name}", "Hallo {name}"},
                                     {"{n, plural, one {# minute} other {# minutes}}",
                                      "{n, plural, one {# minuut} other {# minuten}}"}},
                                    false));
  REQUIRE(nl);
  return catalogs{"en_GB", {{"nl_NL", *nl}}};
}

} // namespace

TEST_CASE("a .mo file is read in either byte order; the header entry is skipped") {
  for (bool big : {false, true}) {
    auto c = catalog::parse(make_mo({{"", "header"}, {"a", "b"}, {"untranslated", ""}}, big));
    REQUIRE(c);
    CHECK(c->size() == 1);
    CHECK(*c->find("a") == "b");
    CHECK(c->find("untranslated") == nullptr);
  }
}

TEST_CASE("broken .mo files are refused, not trusted") {
  auto good = make_mo({{"a", "b"}}, false);
  CHECK_FALSE(catalog::parse(""));
  CHECK_FALSE(catalog::parse(std::string(40, 'x')));
  CHECK_FALSE(catalog::parse(good.substr(0, good.size() - 3)));
  auto huge = good;
  huge[8] = '\xff';  // claims 255 messages
  CHECK_FALSE(catalog::parse(huge));
}

TEST_CASE("the catalogs msgfmt built are read") {
  std::ifstream in{OTRBOT_BUILD_DIR "/locales/nl_NL/LC_MESSAGES/messages.mo", std::ios::binary};
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  auto nl = catalog::parse(buf.str());
  REQUIRE(nl);
  CHECK(nl->size() > 100);
  catalogs all{"en_GB", {{"nl_NL", *nl}}};
  CHECK(text(all, msg::encryption_on, "nl_NL", {}).rfind("Goed gedaan", 0) == 0);
  CHECK(text(all, msg::timeout_warning, "nl_NL", {{"minutes", "1"}}).find("over 1 minuut.") !=
        std::string::npos);
  CHECK(text(all, msg::timeout_warning, "en_GB", {{"minutes", "3"}}).find("in 3 minutes.") !=
        std::string::npos);
}

TEST_CASE("named placeholders and ICU plurals in each language") {
  auto c = dutch();
  CHECK(c.text("nl_NL", "Hello {name}", {{"name", "Anna"}}) == "Hallo Anna");
  CHECK(c.text("en_GB", "Hello {name}", {{"name", "Anna"}}) == "Hello Anna");
  CHECK(c.text("nl_NL", "{n, plural, one {# minute} other {# minutes}}", {{"n", "1"}}) == "1 minuut");
  CHECK(c.text("nl_NL", "{n, plural, one {# minute} other {# minutes}}", {{"n", "5"}}) == "5 minuten");
  CHECK(c.text("en_GB", "{n, plural, one {# minute} other {# minutes}}", {{"n", "1"}}) == "1 minute");
  // A message no catalog has is shown in the source language.
  CHECK(c.text("nl_NL", "Only English", {}) == "Only English");
  // Values are never read as patterns.
  CHECK(c.text("nl_NL", "Hello {name}", {{"name", "{evil, plural, other {x}}"}}) ==
        "Hallo {evil, plural, other {x}}");
}

TEST_CASE("a broken pattern never loses the line") {
  CHECK(format("Hello {name", "en_GB", {{"name", "x"}}) == "Hello {name");
}

TEST_CASE("the best catalog for a requested language") {
  auto c = dutch();
  CHECK(c.best_match("nl-BE", "en_GB") == "nl_NL");
  CHECK(c.best_match("nl", "en_GB") == "nl_NL");
  CHECK(c.best_match("en-US", "nl_NL") == "en_GB");
  CHECK(c.best_match("fr-FR", "en_GB") == "en_GB");
  CHECK(c.best_match("", "nl_NL") == "nl_NL");
  CHECK(c.locales() == std::vector<std::string>{"en_GB", "nl_NL"});
}
