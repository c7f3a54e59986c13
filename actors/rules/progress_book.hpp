// What the session manager knows of each student beyond a running session (pure): whether they
// gave the secret, the HMAC of the last code sent to them, whether they completed, and what the
// first session after a restart is to tell them. Enough to check a code after a restart, to say
// what a restart changed, and to keep a completion.
#pragma once

#include "actors/contract/store_types.hpp"

#include <map>
#include "actors/rules/lesson_plan.hpp"

#include <optional>
#include <string>

namespace otrbot {

class progress_book {
public:
  /// What a restart changed for a student who was mid-lesson.
  struct restart_facts {
    std::string step;         ///< their step before the restart
    bool had_secret = false;  ///< they had given the shared secret (it must be given again)
    bool code_valid = false;  ///< the code sent before the restart can still be typed
  };

  /// Takes in what the store had for a student at start (their step named by `plan`).
  void restore(const store::student& s, const lesson::plan& plan);
  /// Nothing of the student is kept (whitelisted anew, or removed).
  void forget(const std::string& jid) { records_.erase(jid); }

  void secret_given(const std::string& jid) { records_[jid].had_secret = true; }
  bool had_secret(const std::string& jid) const;

  /// The HMAC of the code just sent to the student: it replaces the last one.
  void code_sent(const std::string& jid, std::string mac) { records_[jid].code_mac = std::move(mac); }
  bool code_went_out(const std::string& jid) const;
  /// Whether `mac` is the HMAC of the last code sent to the student (constant time).
  bool code_matches(const std::string& jid, const std::string& mac) const;

  /// Marks the student completed: true the first time.
  bool complete(const std::string& jid);
  bool completed(const std::string& jid) const;

  /// What the first session after a restart is to say, once; nothing when `finishing` (the
  /// lesson is done: nothing to start again).
  std::optional<restart_facts> take_restart_notice(const std::string& jid, bool finishing);

private:
  struct record {
    std::string step_before_restart;  ///< "" when nothing needs explaining
    bool had_secret = false;          ///< a shared secret was given (it is never kept)
    std::string code_mac;             ///< the HMAC of the last code sent ("" none)
    bool completed = false;
  };
  const record* find(const std::string& jid) const;
  std::map<std::string, record> records_;  ///< bare JID -> record
};

} // namespace otrbot
