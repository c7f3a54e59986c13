// Proof of JID ownership (pure).
#include "actors/rules/jid_claims.hpp"

#include "transport/base/secrets.hpp"

#include <algorithm>

namespace otrbot {
namespace {

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

} // namespace

bool carries_word(std::string_view body, std::string_view word) {
  if (word.empty())
    return false;
  std::string want;
  for (char c : word)
    want += upper(c);
  bool found = false;
  std::string token;
  auto check = [&] {
    // Every token is compared (no early exit): the time does not say how far a guess got.
    if (!token.empty() && secrets::constant_time_equal(token, want))
      found = true;
    token.clear();
  };
  for (char c : body) {
    if (alnum(c))
      token += upper(c);
    else
      check();
  }
  check();
  return found;
}

void jid_claims::sweep(std::int64_t now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    std::erase_if(it->second, [now](const jid_claim& c) { return c.expires <= now; });
    it = it->second.empty() ? waiting_.erase(it) : std::next(it);
  }
}

std::vector<jid_claim>* jid_claims::live(const std::string& jid, std::int64_t now) {
  auto it = waiting_.find(jid);
  if (it == waiting_.end())
    return nullptr;
  std::erase_if(it->second, [now](const jid_claim& c) { return c.expires <= now; });
  if (it->second.empty()) {
    waiting_.erase(it);
    return nullptr;
  }
  return &it->second;
}

claim_state jid_claims::claim(jid_claim c, std::int64_t now) {
  if (auto b = bound_.find(c.jid.str()); b != bound_.end() && b->second == c.visit)
    return claim_state::bound;
  live(c.jid.str(), now);
  auto& list = waiting_[c.jid.str()];
  auto same = std::find_if(list.begin(), list.end(),
                           [&c](const jid_claim& x) { return x.visit == c.visit; });
  if (same != list.end()) {
    *same = std::move(c);
    return claim_state::pending;
  }
  if (list.size() >= max_per_jid)
    return claim_state::too_many;
  list.push_back(std::move(c));
  return claim_state::pending;
}

std::optional<jid_claim> jid_claims::prove(const std::string& jid, std::string_view body,
                                           std::int64_t now) {
  auto* list = live(jid, now);
  if (!list)
    return std::nullopt;
  std::optional<jid_claim> proved;
  for (auto& c : *list)
    if (carries_word(body, c.word) && !proved)
      proved = c;
  if (!proved)
    return std::nullopt;
  waiting_.erase(jid);
  bound_[jid] = proved->visit;
  return proved;
}

void jid_claims::unbind(jid_claim c) {
  if (auto b = bound_.find(c.jid.str()); b != bound_.end() && b->second == c.visit)
    bound_.erase(b);
  auto& list = waiting_[c.jid.str()];
  if (list.size() < max_per_jid)
    list.push_back(std::move(c));
}

bool jid_claims::holds(const std::string& jid, const std::string& visit) const {
  if (auto b = bound_.find(jid); b != bound_.end() && b->second == visit)
    return true;
  auto it = waiting_.find(jid);
  return it != waiting_.end() &&
         std::any_of(it->second.begin(), it->second.end(),
                     [&visit](const jid_claim& c) { return c.visit == visit; });
}

bool jid_claims::waiting(const std::string& jid, std::int64_t now) {
  return live(jid, now) != nullptr;
}

std::size_t jid_claims::size() const {
  std::size_t n = 0;
  for (const auto& [jid, list] : waiting_)
    n += list.size();
  return n;
}

void jid_claims::forget(const std::string& jid) {
  waiting_.erase(jid);
  bound_.erase(jid);
}

} // namespace otrbot
