// The roster and presence rules.
#include "actors/rules/roster_policy.hpp"

#include <map>

namespace otrbot {

xmpp_actions sync_roster(const std::set<std::string>& whitelist,
                         const std::vector<xmpp::roster_item>& roster) {
  xmpp_actions out;
  // RFC 6121 4.2: initial presence, after the roster was retrieved. Until
  // it is sent the server treats the bot as unavailable and keeps messages
  // and subscription requests from it.
  out.presences.push_back({"", "available", ""});
  std::map<std::string, const xmpp::roster_item*> by_jid;
  for (const auto& item : roster)
    by_jid[item.jid] = &item;
  for (const auto& item : roster)
    if (!whitelist.contains(item.jid))
      out.roster.push_back({item.jid, true});
  for (const auto& jid : whitelist) {
    auto it = by_jid.find(jid);
    if (it == by_jid.end())
      out.roster.push_back({jid, false});
    const auto& sub = it == by_jid.end() ? std::string{} : it->second->subscription;
    bool subscribed = sub == "to" || sub == "both";
    bool asked = it != by_jid.end() && it->second->ask_subscribe;
    if (sub != "from" && sub != "both")
      out.presences.push_back({jid, "subscribed", ""});  // pre-approval (RFC 6121 3.4)
    if (!subscribed && !asked)
      out.presences.push_back({jid, "subscribe", ""});
    out.presences.push_back({jid, "available", ""});
  }
  return out;
}

xmpp_actions welcome(const std::string& jid) {
  // The student's own request, should their program send one, is approved ahead (RFC 6121
  // 3.4 pre-approval): Prosody otherwise answers it with an `unavailable` from the bot, and
  // Profanity ends OTR on it. A server without pre-approval ignores the `subscribed`.
  return {{{jid, false}}, {{jid, "subscribed", ""}, {jid, "subscribe", ""}, {jid, "available", ""}}};
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
  if (p.type == "subscribed")
    return {{}, {{from_bare, "available", ""}}};
  if (p.type == "available" && new_resource)
    return {{}, {{p.from, "available", ""}}};
  return {};
}

} // namespace otrbot
