// The roster and presence rules.
#include "actors/rules/roster_policy.hpp"

#include <map>

namespace otrbot {

xmpp_actions sync_roster(const std::set<std::string>& whitelist,
                         const std::vector<xmpp::roster_item>& roster) {
  xmpp_actions out;
  // RFC 6121 4.2: initial presence, after the roster was retrieved. Until
  // it is sent the server treats the bot as unavailable and keeps messages
  // and subscription requests from it. It reaches every student subscribed to the bot.
  out.presences.push_back({"", "available", ""});
  std::map<std::string, const xmpp::roster_item*> by_jid;
  for (const auto& item : roster)
    by_jid[item.jid] = &item;
  for (const auto& item : roster)
    if (!whitelist.contains(item.jid))
      out.roster.push_back({item.jid, true});
  // Only what differs from the roster found is changed: each change is a write of the server's
  // roster storage (Prosody's default storage rewrites the whole roster for each).
  for (const auto& jid : whitelist) {
    auto it = by_jid.find(jid);
    if (it == by_jid.end()) {
      for (auto& p : welcome(jid).presences)
        out.presences.push_back(std::move(p));
      continue;
    }
    const auto& sub = it->second->subscription;
    if (sub != "to" && sub != "both" && !it->second->ask_subscribe)
      out.presences.push_back({jid, "subscribe", ""});
    // The initial presence reaches "from" and "both"; the others see the bot online by a
    // directed presence. Their pre-approval was made with the item, and it lasts (RFC 6121 3.4).
    if (sub != "from" && sub != "both")
      out.presences.push_back({jid, "available", ""});
  }
  return out;
}

xmpp_actions welcome(const std::string& jid) {
  // The student's own request, should their program send one, is approved ahead (RFC 6121
  // 3.4 pre-approval): Prosody otherwise answers it with an `unavailable` from the bot, and
  // Profanity ends OTR on it. A server without pre-approval ignores the `subscribed`. No roster
  // set: the pre-approval, or else the subscription request, makes the item (RFC 6121 3.1.2,
  // 3.4), and every change is one more write of the server's roster storage.
  return {{}, {{jid, "subscribed", ""}, {jid, "subscribe", ""}, {jid, "available", ""}}};
}

xmpp_actions farewell(const std::string& jid, const std::string& status) {
  return {{{jid, true}}, {{jid, "unavailable", status}}};
}

xmpp_actions answer_presence(bool whitelisted, const xmpp::inbound_presence& p,
                             const std::string& from_bare, bool new_resource) {
  if (!whitelisted)
    return {};
  if (p.type == "subscribe")
    return {{}, {{from_bare, "subscribed", ""}, {from_bare, "subscribe", ""}}};
  // Not redundant with the answer to the resource's presence that follows: Profanity shows the
  // bot offline after `/sub allow` until a presence comes after the approval (test_profanity).
  if (p.type == "subscribed")
    return {{}, {{from_bare, "available", ""}}};
  if (p.type == "available" && new_resource)
    return {{}, {{p.from, "available", ""}}};
  return {};
}

} // namespace otrbot
