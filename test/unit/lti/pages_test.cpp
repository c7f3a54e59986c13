// The pages: escaping, optional parts, steps.
#include "lti/pages/pages.hpp"

#include <catch2/catch.hpp>
#include "actors/rules/lesson_plan.hpp"

namespace {
/// The OTR lesson's description of a step, by its name ("" : no session yet), as the session
/// manager hands it to the pages.
otrbot::lti::step_view otr_step(std::string_view name) {
  const auto& plan = otrbot::lesson::otr_plan();
  return plan.describe(name.empty() ? std::nullopt : plan.step_named(name));
}
} // namespace

using namespace otrbot::lti;

TEST_CASE("what users and LMSs send is HTML-escaped") {
  page_view v;
  v.kind = page::enter_jid;
  v.jid = "<script>alert(1)</script>\"'&";
  v.error = "<b>bad</b>";
  v.token = "a\"b";
  auto html = render(v);
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;") != std::string::npos);
  CHECK(html.find("&lt;b&gt;bad&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("value=\"a&quot;b\"") != std::string::npos);
}

TEST_CASE("what a student typed comes back without control characters or broken UTF-8") {
  page_view v;
  v.kind = page::enter_jid;
  v.jid = std::string{"a\0b\x1b[31m\xff\xfe@ex\xc3\xa9.org", 20};
  auto html = render(v);
  CHECK(html.find('\0') == std::string::npos);
  CHECK(html.find('\x1b') == std::string::npos);
  CHECK(html.find("\xff") == std::string::npos);
  CHECK(html.find("a\xef\xbf\xbd" "b\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd@ex\xc3\xa9.org") != std::string::npos);
}

TEST_CASE("empty optional parts are left out; the built-in style without a css_url") {
  page_view v;
  v.kind = page::index;
  auto html = render(v);
  CHECK(html.find("id=\"error\"") == std::string::npos);
  CHECK(html.find("<style>") != std::string::npos);
  CHECK(html.find("rel=\"stylesheet\"") == std::string::npos);
  CHECK(html.find("Development mode") == std::string::npos);
  v.css_url = "https://lms.example/style.css";
  v.development = true;
  html = render(v);
  CHECK(html.find("<link rel=\"stylesheet\" href=\"https://lms.example/style.css\">") != std::string::npos);
  CHECK(html.find("<style>") == std::string::npos);
  CHECK(html.find("Development mode") != std::string::npos);
}

TEST_CASE("the lang attribute and every page kind render") {
  for (auto kind : {page::index, page::enter_jid, page::jid_entered, page::ask_for_secret,
                    page::enter_bot_secret, page::error}) {
    page_view v;
    v.kind = kind;
    v.locale = "nl_NL";
    auto html = render(v);
    CHECK(html.find("<html lang=\"nl\">") != std::string::npos);
    CHECK(html.find("{{") == std::string::npos);
  }
}

TEST_CASE("steps are described for the student") {
  page_view v;
  describe_step(otr_step(""), false, v);
  CHECK(v.step_number == 0);
  describe_step(otr_step("encrypted"), true, v);
  CHECK(v.step.rfind("Step 2 of 4", 0) == 0);
  describe_step(otr_step("smp_in_progress"), true, v);
  CHECK(v.step_number == 3);
  describe_step(otr_step("completed"), true, v);
  CHECK(v.step_number == 4);
}

TEST_CASE("the progress bar has one segment per step of \"Step n of 4\"") {
  page_view v;
  v.kind = page::index;
  for (const char* step : {"awaiting_otr", "encrypted", "secret_known", "verified", "completed"}) {
    describe_step(otr_step(step), true, v);
    auto html = render(v);
    CHECK(html.find("<progress max=\"4\" value=\"" + std::to_string(v.step_number) + "\">") !=
          std::string::npos);
    CHECK(v.step_number <= 4);
  }
}

TEST_CASE("the code page says what to do at the student's step") {
  page_view v;
  v.kind = page::enter_bot_secret;
  auto intro_at = [&](const char* step) {
    describe_step(otr_step(step), true, v);
    auto html = render(v);
    auto start = html.find("<p>", html.find("id=\"step\""));
    return html.substr(start, html.find("</p>", start) - start);
  };
  CHECK(intro_at("awaiting_otr").find("First start an encrypted OTR conversation") != std::string::npos);
  CHECK(intro_at("encrypted").find("does not have your secret") != std::string::npos);
  CHECK(intro_at("secret_known").find("Now authenticate the bot") != std::string::npos);
  CHECK(intro_at("smp_in_progress").find("Now authenticate the bot") != std::string::npos);
  auto verified = intro_at("verified");
  CHECK(verified.find("has sent you a code") != std::string::npos);
  CHECK(verified.find("authenticate") == std::string::npos);
}

TEST_CASE("text inputs include their padding in their width (no overflow)") {
  page_view v;
  v.kind = page::enter_jid;
  CHECK(render(v).find("box-sizing: border-box") != std::string::npos);
}

TEST_CASE("development mode: every page, the error page too, offers to start again") {
  page_view v;
  v.kind = page::error;
  v.development = true;
  auto html = render(v);
  CHECK(html.find("Development mode") != std::string::npos);
  CHECK(html.find("<a class=\"button\" id=\"start_again\" href=\"/\">") != std::string::npos);
  v.kind = page::enter_bot_secret;
  v.completed = true;
  v.token = "tok";
  v.csrf = "c";
  html = render(v);
  CHECK(html.find("<form method=\"post\" action=\"/start_again\"") != std::string::npos);
  v.development = false;
  CHECK(render(v).find("start_again") == std::string::npos);
}

TEST_CASE("development mode: the first page has Start only, and every page links the class") {
  page_view v;
  v.kind = page::index;
  v.development = true;
  v.token = "tok";
  auto html = render(v);
  CHECK(html.find("id=\"start_again\"") == std::string::npos);
  CHECK(html.find("id=\"start\"") != std::string::npos);
  CHECK(html.find("<a id=\"dev_class\" href=\"/class?s=tok\">") != std::string::npos);
  v.kind = page::class_view;
  CHECK(render(v).find("id=\"dev_class\"") == std::string::npos);  // it is that page
  v.development = false;
  v.kind = page::index;
  CHECK(render(v).find("dev_class") == std::string::npos);
}

TEST_CASE("a student's page holds what follows the step in <main>, marked with its step") {
  page_view v;
  v.kind = page::enter_bot_secret;
  v.token = "tok";
  v.jid = "s@example.org";
  describe_step(otr_step("encrypted"), true, v);
  v.error = "The check failed.";
  auto html = render(v);
  auto main = html.find("<main id=\"main\" data-step=\"encrypted\">");
  REQUIRE(main != std::string::npos);
  auto end = html.find("</main>");
  // The step line, the error and the form are inside (progress.js swaps them); the live region,
  // which screen readers follow, is outside, and so is the script.
  for (const char* inside : {"id=\"step\"", "id=\"error\"", "name=\"bot_secret\""})
    CHECK((html.find(inside) > main && html.find(inside) < end));
  CHECK(html.find("id=\"live\"") > end);
  CHECK(html.find("data-token=\"tok\"") > end);
  v.completed = true;  // done: its own heading, not "The bot's code"
  CHECK(render(v).find("<h1 id=\"title\">Exercise complete</h1>") != std::string::npos);
}

TEST_CASE("the teacher view lists each student's step, progress and grade, names escaped") {
  page_view v;
  v.kind = page::class_view;
  v.token = "tok";
  v.csrf = "c1";
  v.stuck_minutes = 10;
  v.rows = {{"Ada <b>Lovelace</b>", "ada@example.org", otr_step("smp_in_progress"), 12, true, "none", 0,
             "Profanity"},
            {"u-2", "", {}, -1, false, "", 0, {}},
            {"Grace", "grace@example.org", otr_step("completed"), -1, false, "failed", 7, {}},
            {"Linus", "linus@example.org", otr_step("verified"), 0, false, "pending", 8, {}},
            {"Mo", "mo@example.org", otrbot::lesson::omemo_plan().describe(otrbot::lesson::step::secret_known), 1,
             false, "none", 0, "Dino"}};
  auto html = render(v);
  CHECK(html.find("Ada &lt;b&gt;Lovelace&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("<b>Lovelace") == std::string::npos);
  CHECK(html.find("Step 3 of 4") != std::string::npos);
  // Which lesson each student takes, by its protocol's name.
  CHECK(html.find("data-label=\"Step\">OTR: Step 3 of 4") != std::string::npos);
  CHECK(html.find("data-label=\"Step\">OMEMO: Step 3 of 4: switch off the bot") !=
        std::string::npos);
  CHECK(html.find("<tr role=\"row\" class=\"stuck\">") != std::string::npos);
  // The chat program of each student (why many get stuck), "not known yet" before the bot knows.
  CHECK(html.find("<th scope=\"col\" role=\"columnheader\">Chat program</th>") != std::string::npos);
  CHECK(html.find("data-label=\"Chat program\">Profanity</td>") != std::string::npos);
  CHECK(html.find("data-label=\"Chat program\">not known yet</td>") != std::string::npos);
  // Narrow screens get one block per student, each value labelled, not a sideways scroll;
  // the list updates itself (progress.js).
  CHECK(html.find("@media (max-width: 40rem)") != std::string::npos);
  CHECK(html.find("<script src=\"/static/progress.js\" defer></script>") != std::string::npos);
  CHECK(html.find("id=\"refreshed\"") != std::string::npos);
  CHECK(html.find("12 minutes ago") != std::string::npos);
  CHECK(html.find("just now") != std::string::npos);
  CHECK(html.find("Not started: no Jabber ID yet") != std::string::npos);
  CHECK(html.find("No grade (not a graded launch)") != std::string::npos);
  CHECK(html.find("Done: you have completed the exercise.") != std::string::npos);
  // "Send again" only for grades the LMS has not accepted, each with the form's tokens.
  CHECK(html.find("name=\"grade\" value=\"7\"") != std::string::npos);
  CHECK(html.find("name=\"grade\" value=\"8\"") != std::string::npos);
  CHECK(html.find("name=\"grade\" value=\"0\"") == std::string::npos);
  CHECK(html.find("name=\"csrf\" value=\"c1\"") != std::string::npos);
  CHECK(html.find("id=\"step\"") == std::string::npos);  // no step bar of the teacher's own
  v.rows.clear();
  CHECK(render(v).find("id=\"empty\"") != std::string::npos);
}
