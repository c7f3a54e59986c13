// The reads of other accounts' PEP nodes under way (XEP-0060 6.5), and which of them a new,
// identical read would only repeat. A read answers for everything the account did before the
// server handled it; the server handles the account's stanzas and the bot's read in the order it
// got them, so a read sent after the bot last heard from the account covers what the account
// did up to its last stanza. A second identical read is then sent only when the account spoke
// after the first one left (its list may have changed in between). Pure.
#pragma once

#include "transport/xmpp/xmpp_types.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace otrbot::xmpp {

class pep_reads {
public:
  /// Whether a read like `q` is under way and covers all the account said before now: then one
  /// answer serves both, and nothing is sent.
  bool covered(const pep_query& q) const;
  /// A read sent with this iq id.
  void sent(const std::string& id, pep_query q);
  /// A stanza from the account `bare` arrived: the reads to it under way no longer cover it.
  void heard_from(const std::string& bare);
  /// The read with this iq id, if it is under way (and no longer, once this is called).
  std::optional<pep_query> answered(const std::string& id);
  /// The read with this iq id, if it is under way.
  const pep_query* find(const std::string& id) const;
  std::size_t size() const noexcept { return reads_.size(); }
  void clear() {
    reads_.clear();
    per_account_.clear();
  }

private:
  struct read {
    pep_query q;
    bool covers = true;  ///< no stanza from the account since it was sent
  };
  std::map<std::string, read> reads_;                        ///< iq id -> the read
  std::unordered_map<std::string, std::size_t> per_account_;  ///< reads under way per account
};

} // namespace otrbot::xmpp
