// The pages' mustache templates: the layout and each page's content (constants, no logic).
// {{x}} is HTML-escaped; {{{content}}} only ever holds a template of this file, rendered.
#pragma once

namespace otrbot::lti::templates {

inline constexpr const char* layout = R"(<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} - {{bot_title}}</title>
{{#has_css}}<link rel="stylesheet" href="{{css_url}}">{{/has_css}}
{{^has_css}}<style>
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1d2433; }
h1 { font-size: 1.5rem; } .step { background: #eef3fb; border-left: 4px solid #2f5fb3; padding: .5rem 1rem; }
progress { width: 100%; } input, button { max-width: 100%; } form.inline { display: inline; } .error { background: #fdecea; border-left: 4px solid #b3261e; padding: .5rem 1rem; }
.proof code { font-size: 1.75rem; letter-spacing: .15em; background: #eef3fb; padding: .25rem .75rem; border-radius: 4px; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; } code { overflow-wrap: anywhere; }
.dev { background: #fff4d6; border: 2px dashed #a66a00; padding: .5rem 1rem; }
.live { border-left: 4px solid #5b7a3a; padding: 0 1rem; } .live p:empty { display: none; }
.wide { overflow-x: auto; } @media (max-width: 40rem) { #class thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); } #class, #class tbody, #class tr, #class td { display: block; } #class tr { border-bottom: 2px solid #ccd3e0; padding: .25rem 0; } #class td { border: 0; overflow-wrap: anywhere; } #class td::before { content: attr(data-label) ": "; font-weight: 600; } }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #ccd3e0; } tr.stuck { background: #fff4d6; }
label { display: block; font-weight: 600; margin-top: 1rem; } input[type=text], input[type=password] { width: 100%; padding: .5rem; font-size: 1rem; }
:focus-visible { outline: 3px solid #1d2433; outline-offset: 2px; } .button:focus-visible, button:focus-visible { outline-color: #1d2433; box-shadow: 0 0 0 5px #fff; }
button, .button { margin-top: 1rem; padding: .5rem 1.25rem; font-size: 1rem; background: #2f5fb3; color: #fff; border: 0; border-radius: 4px; text-decoration: none; display: inline-block; }
</style>{{/has_css}}
</head>
<body>
{{#development}}<div class="dev" role="alert" id="dev"><p>{{dev_banner}}</p>
{{#dev_class}}<p><a id="dev_class" href="/class?s={{token}}">{{dev_class_link}}</a></p>{{/dev_class}}
{{#start_again_shown}}{{#has_session}}<form method="post" action="/start_again" class="inline"><input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="start_again">{{start_again}}</button></form>{{/has_session}}
{{^has_session}}<a class="button" id="start_again" href="/">{{start_again}}</a>{{/has_session}}{{/start_again_shown}}</div>{{/development}}
<main id="main" data-step="{{lesson_step}}">
<h1 id="title">{{title}}</h1>
{{#show_step}}<p class="step" id="step"><progress max="{{step_of}}" value="{{step_number}}"></progress><br><span id="step_text">{{step}}</span></p>{{/show_step}}
{{#has_error}}<p class="error" id="error" role="alert">{{error}}</p>{{/has_error}}
{{{content}}}
</main>
{{#live}}<div id="live" class="live" aria-live="polite" data-progress="/progress?s={{token}}" data-token="{{token}}">
<p id="live_encryption"></p><p id="live_fingerprint"></p><p id="live_check"></p></div>{{/live}}
{{#has_script}}<script src="/static/progress.js" defer></script>{{/has_script}}
</body>
</html>
)";

inline constexpr const char* index_page = R"(<p>{{intro}}</p>
<ol><li>{{item1}}</li><li>{{item2}}</li><li>{{item3}}</li><li>{{item4}}</li></ol>
{{#instructor}}<p id="instructor">{{instructor_note}} <a id="class_link" href="/class?s={{token}}">{{class_link}}</a></p>{{/instructor}}
<a class="button" id="start" href="/enter_jid?s={{token}}">{{start}}</a>)";

inline constexpr const char* enter_jid_page = R"(<p>{{intro}}</p>
<form method="post" action="/enter_jid">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="jid">{{label}}</label>
<input type="text" id="jid" name="jid" value="{{jid}}" placeholder="{{placeholder}}" autocomplete="username" required{{#has_error}} aria-invalid="true" aria-describedby="error"{{/has_error}}>
<button type="submit">{{button}}</button>
</form>)";

inline constexpr const char* jid_entered_page = R"({{#proof}}<p>{{proof_intro}}</p>
<p class="proof"><code id="jid_proof">{{proof_word}}</code></p>
<p><a id="proof_link" href="xmpp:{{bot_jid}}?message;body={{proof_word}}">{{proof_link}}</a></p>
<ol><li>{{proof1}}</li><li>{{proof2}}</li></ol>
<p>{{proof_why}}</p>
<p><a id="other_jid" href="/enter_jid?s={{token}}">{{other_jid}}</a></p>{{/proof}}
{{^proof}}<p>{{intro}}</p>
<ol><li>{{item1}}</li><li>{{item2}}</li><li>{{item3}}</li></ol>
<a class="button" id="next" href="/ask_for_secret?s={{token}}">{{button}}</a>{{/proof}})";

inline constexpr const char* ask_for_secret_page = R"({{#omemo}}<p>{{omemo_intro}}</p>
<p class="fingerprint">{{fp_label}} <code id="bot_fingerprint">{{bot_fingerprint}}</code></p>
<figure>{{{bot_qr}}}<figcaption>{{scan}}</figcaption></figure>
<form method="post" action="/ask_for_secret">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<p id="fp_where">{{fp_where}}</p>
<label for="device_fingerprint">{{fp_field}}</label>
<input type="text" id="device_fingerprint" name="device_fingerprint" autocomplete="off" spellcheck="false" required aria-describedby="{{#has_error}}error {{/has_error}}fp_where"{{#has_error}} aria-invalid="true"{{/has_error}}>
<button type="submit">{{fp_button}}</button>
</form>{{/omemo}}
{{^omemo}}<p>{{intro}}</p>
<form method="post" action="/ask_for_secret">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="secret">{{label}}</label>
<input type="password" id="secret" name="secret" autocomplete="off" required minlength="8"{{#has_error}} aria-invalid="true" aria-describedby="error"{{/has_error}}>
<button type="submit">{{button}}</button>
</form>{{/omemo}})";

inline constexpr const char* enter_bot_secret_page = R"({{#completed}}<p id="done">{{done}}</p>{{/completed}}
{{^completed}}<p>{{intro}}</p>
<form method="post" action="/enter_bot_secret">
<input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="bot_secret">{{label}}</label>
<input type="text" id="bot_secret" name="bot_secret" value="{{typed_code}}" autocomplete="off" required placeholder="XXXX-XXXX"{{#has_error}} aria-invalid="true" aria-describedby="error"{{/has_error}}>
<button type="submit">{{button}}</button>
</form>
<p><a href="/ask_for_secret?s={{token}}">{{other_secret}}</a></p>{{/completed}})";

inline constexpr const char* error_page = R"(<p>{{intro}}</p>)";

inline constexpr const char* class_page = R"(<p>{{intro}}</p>
{{#has_rows}}<div class="wide" tabindex="0" role="region" aria-labelledby="title"><table id="class" role="table">
<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">{{h_student}}</th><th scope="col" role="columnheader">{{h_jid}}</th><th scope="col" role="columnheader">{{h_client}}</th><th scope="col" role="columnheader">{{h_step}}</th><th scope="col" role="columnheader">{{h_active}}</th><th scope="col" role="columnheader">{{h_grade}}</th></tr></thead>
<tbody role="rowgroup">{{#rows}}<tr role="row"{{#stuck}} class="stuck"{{/stuck}}><td role="cell" data-label="{{h_student}}">{{student}}</td><td role="cell" data-label="{{h_jid}}">{{jid}}</td><td role="cell" data-label="{{h_client}}">{{client}}</td><td role="cell" data-label="{{h_step}}">{{lesson}}{{step}}{{#stuck}} <strong>{{stuck_label}}</strong>{{/stuck}}</td><td role="cell" data-label="{{h_active}}">{{active}}</td><td role="cell" data-label="{{h_grade}}">{{grade}}{{#resend}}
<form method="post" action="/class/resend" class="inline"><input type="hidden" name="s" value="{{token}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="grade" value="{{grade_id}}"><button type="submit">{{resend_label}}</button></form>{{/resend}}</td></tr>
{{/rows}}</tbody></table></div>{{/has_rows}}
{{^has_rows}}<p id="empty">{{empty}}</p>{{/has_rows}}
<p><a href="/class?s={{token}}">{{refresh}}</a> <span id="refreshed">{{refreshed}}</span></p>)";

/// LTI 1.3's handoff page: the data lti13.js acts on (the pages allow no inline script), and
/// what a browser without script can do.
inline constexpr const char* handoff_page = R"(<p id="handoff_text">{{intro}}</p>
<div id="lti13" data-action="{{action}}" data-target="{{target}}" data-origin="{{origin}}" data-key="{{key}}" data-value="{{value}}" data-next="{{next}}"></div>
{{#is_get}}<form id="lti13_form" method="post" action="/lti13/launch"><input type="hidden" name="id_token" value="{{id_token}}"><input type="hidden" name="state" value="{{state}}"><input type="hidden" id="lti13_bind" name="lti13_bind" value=""></form>{{/is_get}}
{{#is_put}}<noscript><a class="button" href="{{next}}">{{button}}</a></noscript>{{/is_put}}
{{#is_register}}<form id="register_form" method="post" action="/lti13/register"><input type="hidden" name="openid_configuration" value="{{openid_configuration}}"><input type="hidden" name="registration_token" value="{{registration_token}}">
<label for="invite">{{label}}</label>
<input type="text" id="invite" name="invite" autocomplete="off" spellcheck="false" required{{#has_error}} aria-invalid="true" aria-describedby="error"{{/has_error}}>
<button type="submit">{{button}}</button>
</form>{{/is_register}}
{{#is_window}}<a class="button" id="new_window" href="{{window_url}}" target="_blank" rel="noopener">{{button}}</a>{{/is_window}}
<script src="/static/lti13.js" defer></script>)";

} // namespace otrbot::lti::templates
