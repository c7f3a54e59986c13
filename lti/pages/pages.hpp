// The student's web pages, rendered from mustache templates with HTML escaping (pure).
#pragma once

#include "i18n/catalog.hpp"
#include "i18n/text.hpp"
#include "lti/pages/step_view.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace otrbot::lti {

enum class page { index, enter_jid, jid_entered, ask_for_secret, enter_bot_secret, class_view, error,
                  /// LTI 1.3 between login and launch, or after a registration (lti13.js acts on it).
                  handoff };

/// One student on the teacher view.
struct class_row {
  std::string student;      ///< the LMS's name for them, else its user id
  std::string jid;          ///< "" before they entered one
  step_view lesson;        ///< their step (name "": no session running, not completed)
  std::int64_t idle_minutes = -1;  ///< since their last sign of life; -1: no session running
  bool stuck = false;       ///< no progress for the view's stuck_minutes
  std::string grade;        ///< "" (not a graded launch), "none" (not yet), "pending", "done", "failed"
  std::int64_t grade_id = 0;  ///< the outbox's id, to send a pending or failed grade again
  std::string client;       ///< their chat program, once the bot knows it
};

/// Everything a page may show. Text is escaped by the templates. A field added here goes into
/// page_cache.cpp's key too (or makes a page uncacheable there).
struct page_view {
  page kind = page::error;
  const i18n::catalogs* catalogs = nullptr;  ///< nullptr: English
  std::string locale = "en_GB";   ///< the student's locale (and the html lang)
  std::string css_url;            ///< lti.css_url; empty: the built-in style
  std::string bot_title;
  std::string bot_jid;
  std::string project_name;
  std::string token;              ///< the signed session token carried in links and forms
  std::string csrf;               ///< the form's CSRF token
  std::string step;               ///< where the student is in the lesson (a msgid)
  std::string lesson_step;        ///< the lesson's step name ("" before the bot has a session)
  int step_number = 0;            ///< the progress bar's value, 0 (the JID) to step_of
  int step_of = 4;                ///< the progress bar's maximum
  std::string code_intro;         ///< a msgid: what the code page asks at the student's step
  std::string lesson = "otr";     ///< the student's lesson ("otr", "omemo"; "auto": not known yet)
  std::string bot_fingerprint;    ///< OMEMO: the bot's real device, 8 groups of 8 hex digits
  std::string verify_uri;         ///< OMEMO: what a phone scans to verify that device
  std::string jid;                ///< the student's JID, once entered (or claimed)
  std::string proof_word;         ///< the word the claimed JID must send ("" once proved)
  std::string typed_code;         ///< a refused code, shown again to be corrected
  std::string error;              ///< a msgid for the student (refused input, ...)
  i18n::args error_args;          ///< its placeholders (a {reason} is translated too)
  bool completed = false;
  bool instructor = false;        ///< an instructor's launch: no grade goes back
  bool development = false;       ///< development mode: no LMS launch
  std::vector<class_row> rows;    ///< the teacher view's students
  int stuck_minutes = 10;         ///< the teacher view: after this long without progress, "stuck?"
  /// page::handoff: "put" (keep the login's proof in the platform's storage, then go on to the
  /// platform), "get" (read it back and send the launch again with it), "window" (offer to open
  /// the exercise in a new window), "register" (the registration code's form), "close" (a
  /// registration is done: close its window).
  std::string handoff;
  /// Its values: target, origin, key, value, next (put/get); id_token, state (get); window_url
  /// (window); openid_configuration, registration_token (register).
  std::map<std::string, std::string> handoff_data;
};

/// The page for `view`. A page that shows nothing of one student but the visit's tokens (the
/// launch's first page, a refused launch's page) is rendered from the templates once per thread
/// and texts, with marks where the tokens go; later ones splice their tokens in (page_cache.cpp).
std::string render(const page_view& view);
/// The same, always from the templates (what render's cache must equal, byte for byte).
std::string render_fresh(const page_view& view);

/// Puts a lesson step's line (a msgid), number and code-page intro into `view`; before the JID is
/// known, Step 0.
void describe_step(const step_view& at, bool has_jid, page_view& view);

} // namespace otrbot::lti
