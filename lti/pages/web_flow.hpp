// The pages' flow without I/O: web sessions, what each page shows at the student's step, and the
// responses (pages, redirects, errors) that the web actor sends back (pure).
#pragma once

#include "conf/settings.hpp"
#include "i18n/catalog.hpp"
#include "i18n/text.hpp"
#include "lti/lti11/launch.hpp"
#include "lti/pages/jid_claim.hpp"
#include "lti/pages/pages.hpp"
#include "lti/pages/web_types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace otrbot::lti {

/// Seconds a web session lives, and wrong codes allowed per visit.
constexpr std::int64_t session_lifetime = 8 * 3600;
constexpr int max_wrong_codes = 10;
/// Page actions that make the bot speak in the chat (a refused secret), per visit and minute.
constexpr int max_spoken_per_minute = 10;
/// Jabber IDs one LMS user's visits may have bound at once (each visit binds one): a person with a
/// phone and a laptop, not a list of strangers for the bot to invite.
constexpr std::size_t max_jids_per_lms_user = 3;

/// One student's (or teacher's) visit, from the launch on.
struct web_session {
  std::string id;
  std::string csrf;
  launch lms;          ///< what the launch said (a mock one in development mode)
  std::string jid;     ///< the student's bare JID, once entered (and proved to be theirs)
  /// A JID entered and waiting for its proof: a chat message from it carrying `claim_word`.
  std::string claim_jid;
  std::string claim_word;
  std::int64_t claim_expires = 0;  ///< Unix time; the claim is gone after it
  std::string locale;  ///< the best catalog for the launch's language
  int wrong_codes = 0;
  std::int64_t expires = 0;  ///< Unix time
};

/// What the pages need of the settings.
struct web_settings {
  conf::lti_settings lti;
  std::string bot_jid;
  std::string default_locale = "en_GB";
  std::string code_format = "XXXX-XXXX";  ///< bot.bot_secret_format
  i18n::args format_strings;
  std::shared_ptr<const i18n::catalogs> catalogs;
  std::string token_key;  ///< signs the session tokens (derived from the store's key)
  std::string csp;        ///< the pages' Content-Security-Policy (content_security_policy)
  /// What the pages show while the session manager has not said a student's step (it did not
  /// answer): the first step of the lesson (runclient fills it in from the lesson's plan).
  step_view before_session;
  /// The same for a course that chose another lesson (lesson id -> its first step).
  std::map<std::string, step_view> first_steps;
  /// OMEMO: the bot's real device's fingerprint (8 groups of 8) and the URI that verifies it.
  std::string omemo_fingerprint;
  std::string omemo_uri;
};

/// The pages' Content-Security-Policy: nothing but their own style (and
/// lti.css_url's origin) and their own script (no inline one), forms only to
/// themselves, framed only by lti.frame_ancestors.
std::string content_security_policy(const conf::lti_settings& lti);

/// The signed token of a web session, for links, forms and the cookie.
std::string token_for(const web_settings& cfg, const web_session& s);

/// The Set-Cookie value of a new web session: SameSite=None; Secure behind
/// HTTPS (inside an LMS iframe the cookie is third-party), else Lax.
std::string session_cookie(const web_settings& cfg, const web_session& s);

/// The session token a request carries: the form's `s`, the query's `s`, or the cookie.
std::string token_of(const web_request& r, const params& form);

/// The URL the LMS signed: lti.public_url when set, else from the Host
/// header (X-Forwarded-Proto/Host with trust_forwarded_headers).
std::string signed_uri(const conf::lti_settings& lti, const web_request& r);

/// A page `kind` for `s` (nullptr: no web session) at the lesson step `step` (as the student's
/// lesson describes it; without a line, cfg.before_session).
page_view view(const web_settings& cfg, page kind, const web_session* s, const step_view& step);

/// A rendered page.
web_response html(int status, const page_view& v);

/// The error page, saying `msgid` (with {reason}) in `locale` (default: the settings').
web_response error_page(const web_settings& cfg, int status, const char* msgid,
                        const std::string& reason = {}, const std::string& locale = {});

/// 303 to `path` of the pages, carrying the session's token.
web_response redirect(const web_settings& cfg, const std::string& path, const web_session& s);

/// The step the live progress reports while the visit's JID waits for its proof.
constexpr const char* proof_step = "jid_proof";

/// Whether the visit has a JID claimed and not proved (expired or not).
bool has_claim(const web_session& s);

/// The step line and number of visit `s` at the lesson step `step`: Step 0 asks for the JID, or
/// for its proof while one is claimed (the word then goes on the page too).
void describe_visit(const web_session& s, const step_view& step, page_view& v);

/// Who a visit is, for the whitelist's record ("LMS user <id> (<consumer>)").
std::string visitor(const web_session& s);

/// The visit's claim on its JID, as the session manager keeps it (with the launch's grade).
jid_claim claim_of(const web_session& s);

/// Whether the visit has a JID waiting for its proof at `now`.
bool claim_waiting(const web_session& s, std::int64_t now);

/// What GET of a page shows: the page, or a redirect while no JID is known (to /jid_entered,
/// which shows the word to send, while one waits for its proof; else to /enter_jid).
web_response show(const web_settings& cfg, page kind, const web_session& s, const step_view& step);

/// The code page refusing what cannot be a code at all (length, characters),
/// with the typed text kept; nullopt when it has the form of a code.
std::optional<web_response> refuse_code_format(const web_settings& cfg, const web_session& s,
                                               const step_view& step, const std::string& typed);

/// A page of `kind` with an error (a msgid, with {reason} when given).
web_response page_with_error(const web_settings& cfg, int status, page kind, const web_session& s,
                             const step_view& step, const char* msgid,
                             const std::string& reason = {});

} // namespace otrbot::lti
