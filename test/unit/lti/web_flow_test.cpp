// The pages' flow without I/O: which page or redirect a request gets, tokens, cookies, signed URLs.
#include "lti/pages/web_flow.hpp"
#include "lti/wire/token.hpp"

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

namespace {

web_settings settings(bool https = false) {
  web_settings cfg;
  cfg.lti.listen = "127.0.0.1:5000";
  if (https)
    cfg.lti.public_url = "https://otr.example.edu/lti/";
  cfg.bot_jid = "bot@example.org";
  cfg.token_key = "k3y";
  return cfg;
}

web_session visit(std::string jid = {}) {
  web_session s;
  s.id = "abc";
  s.csrf = "c5rf";
  s.jid = std::move(jid);
  s.locale = "en_GB";
  s.expires = 4'000'000'000;
  return s;
}

} // namespace

TEST_CASE("web flow: a page before the JID is known redirects to the JID form, with the token") {
  auto cfg = settings();
  auto r = show(cfg, page::ask_for_secret, visit(), {});
  CHECK(r.status == 303);
  CHECK(r.location.rfind("/enter_jid?s=", 0) == 0);
  bool ok = true;
  auto token = percent_decode(r.location.substr(13), false, ok);
  CHECK(ok);
  CHECK(read_token(token, "k3y", 1000) == std::optional<std::string>{"abc"});
  CHECK(show(cfg, page::enter_jid, visit(), {}).status == 200);
}

TEST_CASE("web flow: a page shows the student's step") {
  auto r = show(settings(), page::enter_bot_secret, visit("s@example.org"), otr_step("verified"));
  CHECK(r.status == 200);
  CHECK(r.kind == body_kind::html);
  CHECK(r.body.find("Step 4 of 4") != std::string::npos);
  CHECK(r.body.find("value=\"c5rf\"") != std::string::npos);
}

TEST_CASE("web flow: the session token comes from the form, else the query, else the cookie") {
  web_request r;
  r.cookie_token = "from-cookie";
  CHECK(token_of(r, {}) == "from-cookie");
  r.query = {{"s", "from-query"}};
  CHECK(token_of(r, {}) == "from-query");
  CHECK(token_of(r, {{"s", "from-form"}}) == "from-form");
}

TEST_CASE("web flow: the cookie is SameSite=None; Secure behind HTTPS, else Lax, always HttpOnly") {
  auto plain = session_cookie(settings(false), visit());
  CHECK(plain.find("HttpOnly; SameSite=Lax") != std::string::npos);
  auto https = session_cookie(settings(true), visit());
  CHECK(https.find("HttpOnly; SameSite=None; Secure") != std::string::npos);
}

TEST_CASE("web flow: the signed URL is the public URL, else from Host (forwarded headers when trusted)") {
  web_request r;
  r.path = "/";
  r.host = "127.0.0.1:5000";
  r.forwarded_proto = "https";
  r.forwarded_host = "lms-proxy.example.edu";
  auto cfg = settings();
  CHECK(signed_uri(cfg.lti, r) == "http://127.0.0.1:5000/");
  cfg.lti.trust_forwarded_headers = true;
  CHECK(signed_uri(cfg.lti, r) == "https://lms-proxy.example.edu/");
  CHECK(signed_uri(settings(true).lti, r) == "https://otr.example.edu/lti/");
}

TEST_CASE("web flow: what cannot be a code is refused with the reason and kept in the field") {
  auto cfg = settings();
  auto s = visit("s@example.org");
  CHECK_FALSE(refuse_code_format(cfg, s, otr_step("verified"), "pl2f a3zr"));
  auto r = refuse_code_format(cfg, s, otr_step("verified"), "PL2F-A3Z");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body.find("That cannot be the code: the code has 8 letters and digits, and you typed 7.") !=
        std::string::npos);
  CHECK(r->body.find("value=\"PL2F-A3Z\"") != std::string::npos);
}

TEST_CASE("web flow: in development mode every error page leads back to the start") {
  auto cfg = settings();
  cfg.lti.enabled = false;
  auto r = error_page(cfg, 404, "There is no such page.");
  CHECK(r.status == 404);
  CHECK(r.body.find("id=\"start_again\" href=\"/\"") != std::string::npos);
  cfg.lti.enabled = true;
  CHECK(error_page(cfg, 404, "There is no such page.").body.find("start_again") == std::string::npos);
}

TEST_CASE("web flow: a JID waiting for its proof shows the word to send, and every other page leads there") {
  auto cfg = settings();
  auto s = visit();
  s.claim_jid = "dave@example.org";
  s.claim_word = "K7PQ2M";
  s.claim_expires = 2'000;
  CHECK(claim_waiting(s, 1'999));
  CHECK_FALSE(claim_waiting(s, 2'000));
  for (auto kind : {page::ask_for_secret, page::enter_bot_secret}) {
    auto r = show(cfg, kind, s, {});
    CHECK(r.status == 303);
    CHECK(r.location.rfind("/jid_entered?s=", 0) == 0);
  }
  auto proof = show(cfg, page::jid_entered, s, {});
  REQUIRE(proof.status == 200);
  CHECK(proof.body.find(R"(<code id="jid_proof">K7PQ2M</code>)") != std::string::npos);
  CHECK(proof.body.find(R"(href="xmpp:bot@example.org?message;body=K7PQ2M")") != std::string::npos);
  CHECK(proof.body.find("Step 0 of 4: show the bot that this Jabber ID is yours.") != std::string::npos);
  CHECK(proof.body.find(R"(data-step="jid_proof")") != std::string::npos);
  CHECK(proof.body.find(R"(id="next")") == std::string::npos);  // no way on before the proof
  // Proved: the "Add the bot" page, without the word.
  s.jid = "dave@example.org";
  s.claim_jid.clear();
  auto bound = show(cfg, page::jid_entered, s, otr_step("awaiting_otr"));
  CHECK(bound.body.find("jid_proof") == std::string::npos);
  CHECK(bound.body.find(R"(id="next")") != std::string::npos);
}

TEST_CASE("web flow: a page the manager did not describe shows the lesson's first step") {
  auto cfg = settings();
  cfg.before_session = otr_step("");
  auto s = visit("s@example.org");
  auto v = view(cfg, page::index, &s, {});
  CHECK(v.step == "Step 1 of 4: start an encrypted OTR conversation with the bot.");
  CHECK(v.step_number == 1);
  CHECK(v.lesson_step.empty());  // no step name: the page's data-step stays ""
  auto described = view(cfg, page::index, &s, otr_step("encrypted"));
  CHECK(described.step_number == 2);
  CHECK(described.lesson_step == "encrypted");
}

TEST_CASE("web flow: before the bot has a session, the pages speak of the lesson the course chose") {
  auto cfg = settings();
  cfg.before_session = otr_step("");
  step_view omemo_first;
  omemo_first.lesson = "omemo";
  omemo_first.line = "Step 1 of 4: switch on OMEMO encryption in your chat with the bot.";
  omemo_first.number = 1;
  cfg.first_steps["omemo"] = omemo_first;
  auto s = visit("s@example.org");

  s.lms.lesson = "omemo";
  auto chosen = show(cfg, page::jid_entered, s, {});
  CHECK(chosen.body.find("switch on OMEMO encryption in your chat with it.") != std::string::npos);
  CHECK(chosen.body.find("I have switched on OMEMO") != std::string::npos);
  CHECK(chosen.body.find("I have started OTR") == std::string::npos);
  CHECK(view(cfg, page::index, &s, {}).step == omemo_first.line);

  s.lms.lesson = "otr";
  auto otr = show(cfg, page::jid_entered, s, {});
  CHECK(otr.body.find("start an encrypted OTR conversation with it.") != std::string::npos);
  CHECK(otr.body.find("I have started OTR") != std::string::npos);

  s.lms.lesson.clear();  // auto: the student's program decides
  auto any = show(cfg, page::jid_entered, s, {});
  CHECK(any.body.find("OTR or OMEMO, whichever your program has") != std::string::npos);
  CHECK(any.body.find("I have started encryption") != std::string::npos);
  // Once the bot has a session, its lesson is the one its step names.
  CHECK(view(cfg, page::jid_entered, &s, otr_step("awaiting_otr")).lesson == "otr");
}
