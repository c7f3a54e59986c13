// Which chat program a student uses, from what it says of itself (XEP-0092's software name, or
// the node of its XEP-0115 capabilities), and whether it can do OTR at all (pure). The steps in
// that program's own words are catalog lines (i18n/text.hpp), chosen by the lesson.
#pragma once

#include <string>
#include <string_view>

namespace otrbot::clients {

/// The programs the lesson has their own steps for; `generic` for any other (or unknown) one.
enum class client { generic, pidgin, profanity, psi, mcabber, poezio, miranda, without_otr };

struct profile {
  client id = client::generic;
  std::string name;  ///< as the student knows it ("Profanity", "Gajim"); empty when unknown
  friend bool operator==(const profile&, const profile&) = default;
};

/// The profile of a client that calls itself `software_name` (XEP-0092 <name/>) or announces
/// `caps_node` (XEP-0115); either may be empty. Programs known to have no OTR (Gajim since 1.0,
/// Dino, Conversations, Monal, Kaidan, Beagle IM, Siskin IM, Movim) are `without_otr`.
profile identify(std::string_view software_name, std::string_view caps_node);

/// The command that starts OTR in a program that has one ("/otr start ." in mcabber: the dot is
/// the contact in the open chat); "" for a program started from a menu, or unknown.
std::string_view start_otr_command(client c);

} // namespace otrbot::clients
