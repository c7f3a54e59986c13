// The rendered-page cache: every page it serves is the one the templates render, byte for byte.
#include "lti/pages/pages.hpp"

#include "i18n/catalog_files.hpp"

#include <catch2/catch.hpp>

#include <functional>

using namespace otrbot;
using namespace otrbot::lti;

namespace {

const i18n::catalogs& shipped() {
  static const auto cats = i18n::load_catalogs(OTRBOT_BUILD_DIR "/locales", "en_GB");
  return cats;
}

/// A launch's first page, as the web actor asks for it.
page_view launch_page() {
  page_view v;
  v.kind = page::index;
  v.catalogs = &shipped();
  v.locale = "nl_NL";
  v.bot_title = "The tutor";
  v.bot_jid = "bot@school.example";
  v.project_name = "Privacy 101";
  v.token = "v1.abc-DEF_123.sig";
  v.csrf = "0123456789abcdef";
  v.step = N_("Step 0 of 4: tell the bot your Jabber ID.");
  return v;
}

} // namespace

TEST_CASE("a cached page is the rendered page, for the first and every later visit") {
  auto v = launch_page();
  v.kind = page::enter_jid;  // (the first page has no form, no CSRF token)
  auto fresh = render_fresh(v);
  REQUIRE(fresh.find("v1.abc-DEF_123.sig") != std::string::npos);
  REQUIRE(fresh.find("0123456789abcdef") != std::string::npos);
  CHECK(render(v) == fresh);
  CHECK(render(v) == fresh);
  // Another visit: the same page with its own tokens, escaped as the templates escape them.
  v.token = "t<\"&'>";
  v.csrf = "c&c";
  auto other = render(v);
  CHECK(other == render_fresh(v));
  CHECK(other.find("t&lt;&quot;&amp;&apos;&gt;") != std::string::npos);
  CHECK(other.find("v1.abc-DEF_123.sig") == std::string::npos);
  CHECK(other.find('\x1f') == std::string::npos);
}

TEST_CASE("every field of a page is part of what the cache tells apart") {
  std::vector<std::pair<const char*, std::function<void(page_view&)>>> changes{
    {"kind", [](page_view& v) { v.kind = page::enter_jid; }},
    {"kind: error", [](page_view& v) { v.kind = page::error; }},
    {"kind: secret", [](page_view& v) { v.kind = page::ask_for_secret; }},
    {"kind: code", [](page_view& v) { v.kind = page::enter_bot_secret; }},
    {"catalogs", [](page_view& v) { v.catalogs = nullptr; }},
    {"locale", [](page_view& v) { v.locale = "de_DE"; }},
    {"css_url", [](page_view& v) { v.css_url = "https://lms.example/a.css"; }},
    {"bot_title", [](page_view& v) { v.bot_title = "Another tutor"; }},
    {"bot_jid", [](page_view& v) { v.bot_jid = "other@school.example"; }},
    {"project_name", [](page_view& v) { v.project_name = "Privacy 102"; }},
    {"no token", [](page_view& v) { v.token.clear(); }},
    {"no csrf", [](page_view& v) { v.csrf.clear(); }},
    {"step", [](page_view& v) { v.step = N_("This page cannot be shown."); }},
    {"lesson_step", [](page_view& v) { v.lesson_step = "smp"; }},
    {"step_number", [](page_view& v) { v.step_number = 2; }},
    {"step_of", [](page_view& v) { v.step_of = 5; }},
    {"error", [](page_view& v) { v.error = N_("This exercise could not be started: {reason}."); }},
    {"error_args", [](page_view& v) {
       v.error = N_("This exercise could not be started: {reason}.");
       v.error_args["reason"] = "the launch was already used (a replayed nonce)";
     }},
    {"completed", [](page_view& v) { v.kind = page::enter_bot_secret; v.completed = true; }},
    {"instructor", [](page_view& v) { v.instructor = true; }},
    {"development", [](page_view& v) { v.development = true; }},
    {"lesson", [](page_view& v) { v.kind = page::ask_for_secret; v.lesson = "omemo"; }},
    {"fingerprint", [](page_view& v) {
       v.kind = page::ask_for_secret;
       v.lesson = "omemo";
       v.bot_fingerprint = "01234567 89abcdef 01234567 89abcdef 01234567 89abcdef 01234567 89abcdef";
     }},
    {"verify_uri", [](page_view& v) {
       v.kind = page::ask_for_secret;
       v.lesson = "omemo";
       v.verify_uri = "xmpp:bot@school.example?omemo-sid-1=abc";
     }},
    {"code_intro", [](page_view& v) {
       v.kind = page::enter_bot_secret;
       v.code_intro = N_("Type here the code the bot sent you.");
     }},
    // Not cached (a student's own text, the teacher view): rendered each time.
    {"jid", [](page_view& v) { v.jid = "student@example.org"; v.kind = page::jid_entered; }},
    {"typed_code", [](page_view& v) { v.kind = page::enter_bot_secret; v.typed_code = "12-34"; }},
    {"class view", [](page_view& v) {
       v.kind = page::class_view;
       class_row ann;
       ann.student = "Ann";
       v.rows.push_back(ann);
     }},
    {"handoff", [](page_view& v) { v.kind = page::handoff; v.handoff = "window"; }},
  };
  // From the launch's page and from the JID's form (which has a CSRF token), each in turn cached.
  for (const auto& [what, change] : changes) {
    INFO(what);
    bool changes_a_page = false;
    for (auto kind : {page::index, page::enter_jid}) {
      auto base = launch_page();
      base.kind = kind;
      render(base);
      auto changed = base;
      change(changed);
      auto fresh = render_fresh(changed);
      if (fresh == render_fresh(base))
        continue;  // (this field shows on another page)
      changes_a_page = true;
      CHECK(render(changed) == fresh);
      CHECK(render(base) == render_fresh(base));
    }
    CHECK(changes_a_page);
  }
}

TEST_CASE("each set of catalogs is told apart; a copy is the same texts") {
  i18n::catalogs a{"en_GB", {}};
  i18n::catalogs b{"en_GB", {}};
  auto c = a;
  CHECK(a.serial() != b.serial());
  CHECK(c.serial() == a.serial());
}
