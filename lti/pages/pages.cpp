// Page templates (kainjow-mustache: {{x}} is HTML-escaped; {{{x}}} only ever holds our own
// rendered inner template). Every text is a msgid translated into the student's language.
#include "lti/pages/pages.hpp"

#include "lti/pages/page_templates.hpp"
#include "lti/pages/qr_svg.hpp"

#include "i18n/text.hpp"

#include <kainjow/mustache.hpp>
#include <functional>
#include <map>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

namespace otrbot::lti {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;
using namespace templates;

/// What a student typed, shown back on a page: invalid UTF-8 (ICU substitutes it) and control
/// characters become U+FFFD, so that no page carries bytes a browser would misread.
std::string shown(const std::string& typed) {
  auto text = icu::UnicodeString::fromUTF8(typed);
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    UChar32 c = text.char32At(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0))
      text.replace(i, U16_LENGTH(c), static_cast<UChar>(0xFFFD));
  }
  std::string out;
  return text.toUTF8String(out);
}

data flag(bool b) { return b ? data::type::bool_true : data::type::bool_false; }

/// The teacher view's rows, each in the instructor's language.
data class_rows(const page_view& v, const i18n::catalogs& cats) {
  auto tr = [&](const char* msgid) { return cats.text(v.locale, msgid); };
  data list{data::type::list};
  for (const auto& r : v.rows) {
    data row;
    row.set("student", shown(r.student));
    row.set("jid", r.jid.empty() ? std::string{"-"} : r.jid);
    row.set("client", r.client.empty() ? tr(N_("not known yet")) : r.client);
    page_view step;
    if (r.jid.empty())
      row.set("step", tr(N_("Not started: no Jabber ID yet")));
    else if (r.lesson.name.empty())
      row.set("step", tr(N_("No chat with the bot running")));
    else {
      describe_step(r.lesson, true, step);
      row.set("step", tr(step.step.c_str()));
      // Which lesson, by its protocol's name (the same in every language).
      if (r.lesson.lesson == "omemo")
        row.set("lesson", std::string{"OMEMO: "});
      else if (r.lesson.lesson == "otr")
        row.set("lesson", std::string{"OTR: "});
    }
    row.set("stuck", flag(r.stuck));
    row.set("stuck_label", tr(N_("stuck?")));
    row.set("active", r.idle_minutes < 0
                        ? std::string{"-"}
                        : cats.text(v.locale, N_("{minutes, plural, =0 {just now} one {# minute ago} "
                                                 "other {# minutes ago}}"),
                                    {{"minutes", std::to_string(r.idle_minutes)}}));
    static const std::map<std::string, const char*> grades{
      {"", N_("No grade (not a graded launch)")},
      {"none", N_("Not yet")},
      {"pending", N_("Being sent to the LMS")},
      {"done", N_("Accepted by the LMS")},
      {"failed", N_("Not accepted: the LMS refused it or could not be reached")},
      {"held", N_("Held: the bot cannot store it yet (is its disk full?); it is sent once stored")}};
    auto g = grades.find(r.grade);
    row.set("grade", tr(g == grades.end() ? grades.at("") : g->second));
    row.set("resend", flag(r.grade_id > 0 && (r.grade == "pending" || r.grade == "failed")));
    row.set("resend_label", tr(N_("Send again")));
    row.set("grade_id", std::to_string(r.grade_id));
    row.set("token", v.token);
    row.set("csrf", v.csrf);
    list.push_back(row);
  }
  return list;
}

} // namespace

void describe_step(const step_view& at, bool has_jid, page_view& v) {
  v.step_of = at.of;
  v.code_intro = at.code_intro;
  v.lesson_step = at.name;
  if (!has_jid) {
    v.step = N_("Step 0 of 4: tell the bot your Jabber ID.");
    v.step_number = 0;
    return;
  }
  v.step = at.line;
  v.step_number = at.number;
}

namespace {

/// A template parsed once per thread (they are constants; rendering does not
/// change a parsed template), not at every page.
mustache& parsed(const char* text) {
  thread_local std::map<const char*, mustache> cache;
  auto it = cache.find(text);
  if (it == cache.end())
    it = cache.emplace(text, mustache{text}).first;
  return it->second;
}

void handoff(const page_view& v, data& d, std::string& title,
             const std::function<std::string(const char*)>& tr) {
  const auto& a = v.handoff;
  for (const char* k : {"target", "origin", "key", "value", "next", "id_token", "state", "window_url",
                        "openid_configuration", "registration_token"}) {
    auto it = v.handoff_data.find(k);
    d.set(k, it == v.handoff_data.end() ? std::string{} : it->second);
  }
  d.set("action", a);
  d.set("is_get", flag(a == "get"));
  d.set("is_put", flag(a == "put"));
  d.set("is_window", flag(a == "window"));
  d.set("is_register", flag(a == "register"));
  if (a == "register") {
    title = tr(N_("Register the bot with your platform"));
    d.set("intro", tr(N_("Type the registration code that the bot's administrator made for your "
                         "platform. A code works once, for a limited time.")));
    d.set("label", tr(N_("Registration code")));
    d.set("button", tr(N_("Register")));
  } else if (a == "close") {
    title = tr(N_("The bot is registered"));
    d.set("intro", tr(N_("The bot is now registered with your platform. This window closes by "
                         "itself; if it does not, close it.")));
  } else if (a == "window") {
    title = tr(N_("Open the exercise in a new window"));
    d.set("intro", tr(N_("Your browser did not let this page keep what it needs inside your "
                         "course page. Open the exercise in a new window to go on.")));
    d.set("button", tr(N_("Open in a new window")));
  } else {
    title = tr(N_("Starting the exercise"));
    d.set("intro", tr(N_("Starting the exercise...")));
    d.set("button", tr(N_("Continue")));
  }
}

} // namespace

std::string render_fresh(const page_view& v) {
  const auto& cats = v.catalogs ? *v.catalogs : i18n::source_only();
  auto names = i18n::with_defaults(cats, v.locale,
                                   {{"bot_title", v.bot_title}, {"bot_jid", v.bot_jid},
                                    {"project_name", v.project_name}, {"jid", v.jid}});
  auto tr = [&](const char* msgid) { return cats.text(v.locale, msgid, names); };
  data d;
  const char* content = error_page;
  std::string title;
  switch (v.kind) {
    case page::index:
      content = index_page;
      title = tr(N_("Chat privately, and check who you talk to"));
      d.set("intro", tr(N_("In this exercise you learn to chat privately and to check whom you are "
                           "talking to. You will use your own chat program with {bot_title} "
                           "({bot_jid}), a tutor bot for {project_name}:")));
      d.set("item1", tr(N_("start an encrypted conversation with Off-the-Record (OTR);")));
      d.set("item2", tr(N_("share a secret with the bot through this page;")));
      d.set("item3", tr(N_("check with that secret that you really talk to the bot;")));
      d.set("item4", tr(N_("type the code the bot then sends you on this page.")));
      d.set("instructor_note", tr(N_("You are launching this as an instructor: you can try "
                                     "everything, but no grade is sent.")));
      d.set("class_link", tr(N_("See where your students are.")));
      d.set("start", tr(N_("Start")));
      break;
    case page::enter_jid:
      content = enter_jid_page;
      title = tr(N_("Your Jabber ID"));
      d.set("intro", tr(N_("Which Jabber ID (XMPP address) do you use in your chat program? Next, "
                           "you send the bot a word from it, to show that it is yours; then the "
                           "bot asks to add you as a contact and tells you what to do.")));
      d.set("label", tr(N_("Your Jabber ID")));
      d.set("placeholder", tr(N_("you@example.org")));
      d.set("button", tr(N_("Continue")));
      break;
    case page::jid_entered:
      content = jid_entered_page;
      title = v.proof_word.empty() ? tr(N_("Add the bot")) : tr(N_("Show that this Jabber ID is yours"));
      d.set("intro", tr(N_("The bot {bot_jid} has asked to add {jid} as a contact. In your chat "
                           "program:")));
      d.set("item1", tr(N_("accept the bot's contact request when your program shows it (in "
                           "Profanity type /sub allow, in mcabber the /event ... accept line it "
                           "shows you);")));
      d.set("item2", tr(N_("say hello to {bot_jid}: it will tell you what to do;")));
      if (v.lesson == "omemo") {
        d.set("item3", tr(N_("switch on OMEMO encryption in your chat with it.")));
        d.set("button", tr(N_("I have switched on OMEMO")));
      } else if (v.lesson == "otr") {
        d.set("item3", tr(N_("start an encrypted OTR conversation with it.")));
        d.set("button", tr(N_("I have started OTR")));
      } else {
        d.set("item3", tr(N_("start an encrypted conversation with it: OTR or OMEMO, whichever "
                             "your program has (the bot tells you how).")));
        d.set("button", tr(N_("I have started encryption")));
      }
      d.set("proof", flag(!v.proof_word.empty()));
      d.set("proof_word", v.proof_word);
      d.set("proof_intro", tr(N_("Show the bot that {jid} is yours: from that account, send "
                                 "{bot_jid} a chat message with this word:")));
      d.set("proof1", tr(N_("in your chat program, open a chat with {bot_jid} (you need not add it "
                            "as a contact first) and send the word as a plain message, before "
                            "you start any encryption;")));
      d.set("proof2", tr(N_("the bot answers in the chat, and this page moves on by itself.")));
      d.set("proof_why", tr(N_("Until the word comes from {jid}, the bot says nothing to it: "
                               "nobody can make the bot teach or grade someone else's account. "
                               "The word works for an hour.")));
      d.set("other_jid", tr(N_("Enter a different Jabber ID")));
      // RFC 5122 / XEP-0147: chat programs that handle xmpp: links open the chat with the word.
      d.set("proof_link", tr(N_("Or open this link on the device you chat on: your chat program "
                                "may open the chat with the word typed in for you.")));
      break;
    case page::ask_for_secret:
      content = ask_for_secret_page;
      if (v.lesson == "omemo") {
        title = tr(N_("Verify each other's devices"));
        d.set("omemo", flag(true));
        d.set("omemo_intro", tr(N_("The bot's account shows two devices, and only this one is really "
                                   "the bot's. In your chat program, compare this fingerprint with "
                                   "the bot's devices, verify the one that matches, and switch the "
                                   "other one off (distrust it).")));
        d.set("fp_label", tr(N_("The bot's fingerprint:")));
        d.set("bot_fingerprint", v.bot_fingerprint);
        d.set("bot_qr", qr_svg(v.verify_uri, "bot_qr",
                               tr(N_("QR code of the bot's device, to scan with your phone"))));
        d.set("scan", tr(N_("On a phone (Conversations, Monal), scan this code to verify the "
                            "bot's device.")));
        d.set("fp_where", tr(N_("Then type your own device's fingerprint here, so that the bot "
                                "knows your device. Your chat program shows it: in Dino under "
                                "Accounts, your account, OMEMO, \"Own fingerprint\"; in Gajim with "
                                "the shield beside the message field, \"Own Fingerprint\"; in "
                                "Conversations in your account's details; in Profanity type /omemo "
                                "fingerprint. Spaces, dashes and upper case do not matter.")));
        d.set("fp_field", tr(N_("Your device's fingerprint")));
        d.set("fp_button", tr(N_("Give the fingerprint to the bot")));
        break;
      }
      d.set("omemo", flag(false));
      title = tr(N_("Share a secret"));
      d.set("intro", tr(N_("Think of a secret that only you know: a few words nobody could guess "
                           "(at least 8 characters). Type it here, never in the chat. The bot "
                           "uses it to prove who it is.")));
      d.set("label", tr(N_("Your shared secret")));
      d.set("button", tr(N_("Give the secret to the bot")));
      break;
    case page::enter_bot_secret:
      content = enter_bot_secret_page;
      title = v.completed ? tr(N_("Exercise complete")) : tr(N_("The bot's code"));
      d.set("done", tr(N_("Well done! You have completed the exercise: you set up an encrypted "
                          "conversation and checked that you talked to the bot.")));
      d.set("intro", tr(v.code_intro.c_str()));
      d.set("label", tr(N_("The code from the bot")));
      d.set("button", tr(N_("Check the code")));
      d.set("other_secret", v.lesson == "omemo" ? tr(N_("Type your fingerprint again"))
                                                : tr(N_("Enter another secret")));
      break;
    case page::class_view:
      content = class_page;
      title = tr(N_("Your class"));
      d.set("intro", cats.text(v.locale, N_("Everyone who launched this exercise, and where each of "
                                            "them is. Without progress for {minutes} minutes, a "
                                            "student may be stuck."),
                               {{"minutes", std::to_string(v.stuck_minutes)}}));
      d.set("h_student", tr(N_("Student")));
      d.set("h_jid", tr(N_("Jabber ID")));
      d.set("h_client", tr(N_("Chat program")));
      d.set("refreshed", tr(N_("This list updates itself every 15 seconds.")));
      d.set("h_step", tr(N_("Step")));
      d.set("h_active", tr(N_("Last progress")));
      d.set("h_grade", tr(N_("Grade")));
      d.set("empty", tr(N_("Nobody has launched this exercise yet.")));
      d.set("refresh", tr(N_("Refresh")));
      d.set("has_rows", flag(!v.rows.empty()));
      d.set("rows", class_rows(v, cats));
      break;
    case page::handoff:
      content = handoff_page;
      handoff(v, d, title, tr);
      break;
    case page::error:
      title = tr(N_("Something went wrong"));
      d.set("intro", v.development
                       ? tr(N_("Development mode: start again with the button above."))
                       : tr(N_("Start this exercise again from your course page. If this keeps "
                               "happening, tell your teacher.")));
      break;
  }
  auto lang = v.locale.substr(0, v.locale.find('_'));
  d.set("lang", lang.empty() ? std::string{"en"} : lang);
  d.set("title", title);
  d.set("bot_title", names["bot_title"]);
  d.set("token", v.token);
  d.set("bot_jid", v.bot_jid);
  d.set("csrf", v.csrf);
  d.set("step", v.step.empty() ? std::string{} : tr(v.step.c_str()));
  d.set("step_number", std::to_string(v.step_number));
  d.set("step_of", std::to_string(v.step_of));
  // A teacher's page and the LTI 1.3 handoff show no step.
  d.set("show_step", flag(v.kind != page::class_view && v.kind != page::handoff));
  // The pages after the JID follow the lesson live (progress.js; without script, a reload).
  bool live = !v.token.empty() && !v.jid.empty() && !v.completed &&
              (v.kind == page::jid_entered || v.kind == page::ask_for_secret ||
               v.kind == page::enter_bot_secret);
  d.set("live", flag(live));
  // progress.js also keeps the teacher view up to date.
  d.set("has_script", flag(live || (v.kind == page::class_view && !v.token.empty())));
  d.set("lesson_step", v.lesson_step);
  d.set("jid", shown(v.jid));
  d.set("typed_code", shown(v.typed_code));
  auto error_args = names;
  for (const auto& [k, val] : v.error_args)
    error_args[k] = val;
  // A {reason} is itself a msgid, with the same values for its own placeholders.
  if (auto r = v.error_args.find("reason"); r != v.error_args.end())
    error_args["reason"] = cats.text(v.locale, r->second, error_args);
  d.set("error", v.error.empty() ? std::string{} : cats.text(v.locale, v.error, error_args));
  // An empty string counts as true in a mustache section: say it with booleans.
  d.set("has_error", flag(!v.error.empty()));
  d.set("css_url", v.css_url);
  d.set("has_css", flag(!v.css_url.empty()));
  d.set("completed", flag(v.completed));
  d.set("instructor", flag(v.instructor));
  d.set("development", flag(v.development));
  d.set("dev_banner", tr(N_("Development mode: no LMS launch, no grades. Never run this in production.")));
  d.set("start_again", tr(N_("Start again")));
  d.set("start_again_shown", flag(v.kind != page::index));  // the first page has "Start"
  d.set("dev_class", flag(v.development && !v.token.empty() && v.kind != page::class_view));
  d.set("dev_class_link", tr(N_("See the teacher's view of the development class.")));
  d.set("has_session", flag(!v.token.empty()));
  d.set("content", parsed(content).render(d));
  return parsed(layout).render(d);
}

} // namespace otrbot::lti
