#include "transport/xmpp/pep_reads.hpp"

namespace otrbot::xmpp {

bool pep_reads::covered(const pep_query& q) const {
  if (!per_account_.contains(q.to))
    return false;
  for (const auto& [id, r] : reads_)
    if (r.covers && r.q == q)
      return true;
  return false;
}

void pep_reads::sent(const std::string& id, pep_query q) {
  ++per_account_[q.to];
  reads_.insert_or_assign(id, read{std::move(q), true});
}

void pep_reads::heard_from(const std::string& bare) {
  if (!per_account_.contains(bare))
    return;  // the usual case: nothing read from them is under way
  for (auto& [id, r] : reads_)
    if (r.q.to == bare)
      r.covers = false;
}

std::optional<pep_query> pep_reads::answered(const std::string& id) {
  auto it = reads_.find(id);
  if (it == reads_.end())
    return std::nullopt;
  auto q = std::move(it->second.q);
  reads_.erase(it);
  if (auto a = per_account_.find(q.to); a != per_account_.end() && --a->second == 0)
    per_account_.erase(a);
  return q;
}

const pep_query* pep_reads::find(const std::string& id) const {
  auto it = reads_.find(id);
  return it == reads_.end() ? nullptr : &it->second.q;
}

} // namespace otrbot::xmpp
