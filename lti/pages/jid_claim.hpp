// A visit's claim on a Jabber ID and the grade that goes with it, as plain data (header only:
// the message between the web actor and the session manager).
#pragma once

#include "lti/wire/grade_target.hpp"
#include "transport/xmpp/jid.hpp"

#include <cstdint>
#include <string>

namespace otrbot {

/// Seconds a claim waits for its proof.
constexpr std::int64_t claim_lifetime = 3600;

/// A student's grade and where it goes (an LTI 1.1 outcome or an AGS line item). No secret is
/// in it: the grade sender looks the consumer's or the platform's up.
struct grade_job {
  lti::grade_target target;
  double score = 1.0;
};

/// One visit's claim on a Jabber ID, waiting for its proof.
struct jid_claim {
  xmpp::bare_jid jid;   ///< the bare JID claimed (parsed by the web actor)
  std::string visit;    ///< the web session's id
  std::string word;     ///< what a message from the JID must carry (jid_proof on the page)
  std::string locale;   ///< the student's language, for the whitelist
  std::string by;       ///< who claimed it ("LMS user ..."), for the whitelist's record
  bool graded = false;  ///< a graded learner launch: `grade` goes out on completion
  grade_job grade;
  std::int64_t expires = 0;  ///< Unix time
  std::string lesson{};      ///< the lesson the course chose: "otr", "omemo", "" (auto)
};

/// The answer to a claim.
enum class claim_state : std::uint8_t {
  pending,  ///< waiting for the word from the JID
  bound,    ///< this visit proved it: the JID is the visit's
  too_many, ///< the JID has as many claims waiting as it may
};

} // namespace otrbot
