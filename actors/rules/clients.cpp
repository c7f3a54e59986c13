#include "actors/rules/clients.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace otrbot::clients {
namespace {

struct known {
  std::string_view needle;  ///< found in the lower-case name or caps node
  client id;
  std::string_view name;
};

// Caps nodes are the projects' addresses (XEP-0115 4); names are what XEP-0092 answers.
// Psi+ before Psi: "psi-plus" contains "psi".
constexpr std::array<known, 16> table{{
  {"pidgin", client::pidgin, "Pidgin"},
  {"profanity", client::profanity, "Profanity"},
  {"psi-plus", client::psi, "Psi+"},
  {"psi+", client::psi, "Psi+"},
  {"psi-im", client::psi, "Psi"},
  {"psi", client::psi, "Psi"},
  {"mcabber", client::mcabber, "mcabber"},
  {"poez", client::poezio, "Poezio"},
  {"miranda", client::miranda, "Miranda NG"},
  {"gajim", client::without_otr, "Gajim"},
  {"dino", client::without_otr, "Dino"},
  {"conversations", client::without_otr, "Conversations"},
  {"monal", client::without_otr, "Monal"},
  {"kaidan", client::without_otr, "Kaidan"},
  {"beagle", client::without_otr, "Beagle IM"},
  {"siskin", client::without_otr, "Siskin IM"},
}};

std::string lower(std::string_view s) {
  std::string out{s.substr(0, 200)};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

} // namespace

profile identify(std::string_view software_name, std::string_view caps_node) {
  for (const auto& text : {lower(software_name), lower(caps_node)}) {
    if (text.empty())
      continue;
    for (const auto& k : table)
      if (text.find(k.needle) != std::string::npos)
        return {k.id, std::string{k.name}};
    if (text.find("movim") != std::string::npos)
      return {client::without_otr, "Movim"};
  }
  return {};
}

std::string_view start_otr_command(client c) {
  switch (c) {
    case client::profanity:
    case client::poezio: return "/otr start";
    case client::mcabber: return "/otr start .";
    default: return {};
  }
}

} // namespace otrbot::clients
