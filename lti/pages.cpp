// Page templates (kainjow-mustache: {{x}} is HTML-escaped, {{{x}}} is not and is never used
// for anything a user or an LMS sends).
#include "lti/pages.hpp"

#include <kainjow/mustache.hpp>

namespace otrbot::lti {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

const char* layout = R"(<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} - {{bot_title}}</title>
{{#has_css}}<link rel="stylesheet" href="{{css_url}}">{{/has_css}}
{{^has_css}}<style>
body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1d2433; }
h1 { font-size: 1.5rem; } .step { background: #eef3fb; border-left: 4px solid #2f5fb3; padding: .5rem 1rem; }
progress { width: 100%; } .error { background: #fdecea; border-left: 4px solid #b3261e; padding: .5rem 1rem; }
.dev { background: #fff4d6; border: 2px dashed #a66a00; padding: .5rem 1rem; }
label { display: block; font-weight: 600; margin-top: 1rem; } input[type=text], input[type=password] { width: 100%; padding: .5rem; font-size: 1rem; }
button, .button { margin-top: 1rem; padding: .5rem 1.25rem; font-size: 1rem; background: #2f5fb3; color: #fff; border: 0; border-radius: 4px; text-decoration: none; display: inline-block; }
code { background: #f1f1f1; padding: 0 .25rem; }
</style>{{/has_css}}
</head>
<body>
{{#development}}<p class="dev" role="alert"><strong>Development mode:</strong> no LMS launch, no grades. Never run this in production.</p>{{/development}}
<h1>{{title}}</h1>
<p class="step" id="step"><progress max="5" value="{{step_number}}"></progress><br>{{step}}</p>
{{#has_error}}<p class="error" id="error" role="alert">{{error}}</p>{{/has_error}}
{{{content}}}
</body>
</html>
)";

const char* index_page = R"(<p>In this exercise you learn to chat privately and to check whom you are talking to. You will use your own chat program with <strong>{{bot_title}}</strong> ({{bot_jid}}), a tutor bot for {{project_name}}:</p>
<ol>
<li>start an encrypted conversation with Off-the-Record (OTR);</li>
<li>share a secret with the bot through this page;</li>
<li>check with that secret that you really talk to the bot;</li>
<li>type the code the bot then sends you on this page.</li>
</ol>
{{#instructor}}<p>You are launching this as an instructor: you can try everything, but no grade is sent.</p>{{/instructor}}
<a class="button" id="start" href="/enter_jid?s={{token}}">Start</a>)";

const char* enter_jid_page = R"(<p>Which Jabber ID (XMPP address) do you use in your chat program? The bot will add you as a contact and say hello.</p>
<form method="post" action="/enter_jid">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="jid">Your Jabber ID</label>
<input type="text" id="jid" name="jid" value="{{jid}}" placeholder="you@example.org" autocomplete="username" required>
<button type="submit">Continue</button>
</form>)";

const char* jid_entered_page = R"(<p>The bot <strong>{{bot_jid}}</strong> has asked to add <strong>{{jid}}</strong> as a contact. In your chat program:</p>
<ol>
<li>accept the bot's contact request (and add it yourself if your program asks);</li>
<li>say hello to {{bot_jid}}: it will tell you what to do;</li>
<li>start an encrypted OTR conversation with it.</li>
</ol>
<a class="button" id="next" href="/ask_for_secret?s={{token}}">I have started OTR</a>)";

const char* ask_for_secret_page = R"(<p>Think of a secret that only you know: a few words nobody could guess (at least 8 characters). Type it here, never in the chat. The bot uses it to prove who it is.</p>
<form method="post" action="/ask_for_secret">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="secret">Your shared secret</label>
<input type="password" id="secret" name="secret" autocomplete="off" required minlength="8">
<button type="submit">Give the secret to the bot</button>
</form>)";

const char* enter_bot_secret_page = R"({{#completed}}<p id="done"><strong>Well done!</strong> You have completed the exercise: you set up an encrypted conversation and checked that you talked to the bot.</p>{{/completed}}
{{^completed}}<p>Now authenticate the bot in your chat program with the same secret. When that succeeds, the bot sends you a code over your verified conversation. Type it here.</p>
<form method="post" action="/enter_bot_secret">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="bot_secret">The code from the bot</label>
<input type="text" id="bot_secret" name="bot_secret" autocomplete="off" required placeholder="XXXX-XXXX">
<button type="submit">Check the code</button>
</form>
<p><a href="/ask_for_secret?s={{token}}">Enter another secret</a></p>{{/completed}})";

const char* error_page = R"(<p>Start this exercise again from your course page. If this keeps happening, tell your teacher.</p>)";

} // namespace

void describe_step(const std::string& s, bool has_jid, page_view& v) {
  if (!has_jid) {
    v.step = "Step 0 of 4: tell the bot your Jabber ID.";
    v.step_number = 0;
  } else if (s.empty() || s == "awaiting_otr") {
    v.step = "Step 1 of 4: start an encrypted OTR conversation with the bot.";
    v.step_number = 1;
  } else if (s == "encrypted") {
    v.step = "Step 2 of 4: share a secret with the bot on this page.";
    v.step_number = 2;
  } else if (s == "secret_known" || s == "smp_in_progress") {
    v.step = "Step 3 of 4: authenticate the bot with your secret in your chat program.";
    v.step_number = 3;
  } else if (s == "verified") {
    v.step = "Step 4 of 4: type the code the bot sent you.";
    v.step_number = 4;
  } else {
    v.step = "Done: you have completed the exercise.";
    v.step_number = 5;
  }
}

std::string render(const page_view& v) {
  const char* content = error_page;
  std::string title = "Something went wrong";
  switch (v.kind) {
    case page::index: content = index_page; title = "Chat privately, and check who you talk to"; break;
    case page::enter_jid: content = enter_jid_page; title = "Your Jabber ID"; break;
    case page::jid_entered: content = jid_entered_page; title = "Add the bot"; break;
    case page::ask_for_secret: content = ask_for_secret_page; title = "Share a secret"; break;
    case page::enter_bot_secret: content = enter_bot_secret_page; title = "The bot's code"; break;
    case page::error: break;
  }
  data d;
  d.set("lang", v.lang);
  d.set("title", title);
  d.set("bot_title", v.bot_title);
  d.set("bot_jid", v.bot_jid);
  d.set("project_name", v.project_name);
  d.set("token", v.token);
  d.set("csrf", v.csrf);
  d.set("step", v.step);
  d.set("step_number", std::to_string(v.step_number));
  d.set("jid", v.jid);
  d.set("error", v.error);
  d.set("has_error", v.error.empty() ? data::type::bool_false : data::type::bool_true);
  d.set("css_url", v.css_url);
  // An empty string counts as true in a mustache section: say it with a boolean.
  d.set("has_css", v.css_url.empty() ? data::type::bool_false : data::type::bool_true);
  d.set("completed", v.completed ? data::type::bool_true : data::type::bool_false);
  d.set("instructor", v.instructor ? data::type::bool_true : data::type::bool_false);
  d.set("development", v.development ? data::type::bool_true : data::type::bool_false);
  mustache inner{content};
  d.set("content", inner.render(d));
  mustache outer{layout};
  return outer.render(d);
}

} // namespace otrbot::lti
