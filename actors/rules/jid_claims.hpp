// Proof of JID ownership: a visit of the pages claims a Jabber ID, and the claim binds only when
// a chat message from that JID carries the visit's word (pure: time is a parameter).
//
//   page: JID typed --claim(jid, visit, word)--> [pending] --message from jid with word--> bound
//                                                    |                                      |
//                                                    '-- an hour passes: expired, JID free   '-> whitelisted
#pragma once

#include "lti/pages/jid_claim.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot {

/// The claims waiting for their proof, and which visit proved each JID last.
class jid_claims {
public:
  /// Claims waiting per JID at once (each from a visit of its own): enough for a student's
  /// phone, laptop and a relaunch, too few for strangers to keep the owner out for long.
  static constexpr std::size_t max_per_jid = 8;

  /// Adds a visit's claim (or renews it, with the word it brings); `bound` when that visit
  /// proved the JID already.
  claim_state claim(jid_claim c, std::int64_t now);

  /// The claim of `jid` whose word `body` carries, if any; it is bound at once (every other
  /// claim on that JID ends) and returned.
  std::optional<jid_claim> prove(const std::string& jid, std::string_view body, std::int64_t now);

  /// Puts back a claim whose binding could not be kept (the store failed): it waits again.
  void unbind(jid_claim c);

  /// Whether `visit` has a claim on `jid` (waiting or not yet swept) or proved it.
  bool holds(const std::string& jid, const std::string& visit) const;

  /// Whether `jid` has a claim waiting.
  bool waiting(const std::string& jid, std::int64_t now);

  /// Claims kept, over all JIDs (some may have expired since the last sweep).
  std::size_t size() const;

  /// Drops every expired claim (the owner's timer; the other calls drop those of their JID).
  void sweep(std::int64_t now);

  /// Forgets everything about `jid` (removed from the whitelist).
  void forget(const std::string& jid);

private:
  /// The claims of `jid` that have not expired (nullptr: none).
  std::vector<jid_claim>* live(const std::string& jid, std::int64_t now);
  std::map<std::string, std::vector<jid_claim>> waiting_;  ///< bare JID -> its claims
  std::map<std::string, std::string> bound_;                ///< bare JID -> the visit that proved it
};

/// Whether `body` carries `word` as one of its words (letters and digits between anything
/// else, any case), compared in constant time per word.
bool carries_word(std::string_view body, std::string_view word);

} // namespace otrbot
