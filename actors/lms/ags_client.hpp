// Sends an LTI 1.3 grade: an access token from the platform's token endpoint (kept until it
// expires), then the score to the launch's line item. Blocking: used by the grade sender on its
// own thread.
#pragma once

#include "lti/wire/grade_target.hpp"
#include "lti/lti13/ags.hpp"
#include "lti/lti13/lti13.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <string>

namespace otrbot::ags {

/// What sending needs: the tool's key and the platforms (with the registered ones added as they
/// come).
struct client_config {
  jose::key tool_key;
  std::string key_id;
  lti13::platforms platforms;
  bool allow_private_urls = false;  ///< [lti13] allow_private_urls
};

class client {
public:
  explicit client(client_config cfg) : cfg_(std::move(cfg)) {}

  /// A platform registered while the bot runs; a token cached for the same (issuer, client_id)
  /// is forgotten (it was another platform's word).
  void add_platform(const lti13::platform& p) {
    cfg_.platforms[{p.issuer, p.client_id}] = p;
    tokens_.erase({p.issuer, p.client_id});
  }

  /// One attempt for a score on line item `to`: true when the platform took it. Otherwise
  /// `why`, and `final` when no retry can help (no such platform, a line item where grades may
  /// not go).
  bool send(const lti::ags_line_item& to, double score, std::chrono::seconds timeout,
            std::atomic<bool>* stopping, std::string& why, bool& final);

private:
  /// A token for `p` (cached), or "" and `why`.
  std::string token_for(const lti13::platform& p, std::chrono::seconds timeout,
                        std::atomic<bool>* stopping, std::string& why);

  client_config cfg_;
  std::map<lti13::platform_id, access_token> tokens_;
};

} // namespace otrbot::ags
