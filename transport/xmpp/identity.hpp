// Who the bot says it is on XMPP (filled in from the settings; sent by xmpp_client).
#pragma once

#include "transport/xmpp/avatar.hpp"

#include <optional>
#include <string>

namespace otrbot::xmpp {

struct identity {
  std::string software = "otrbot";  ///< XEP-0092 <name/>; the disco identity's name without a nickname
  std::string version;              ///< XEP-0092 <version/>
  std::string nickname;             ///< the vCard's FN and NICKNAME, the disco identity's name
  std::string status;               ///< the status line of every available presence
  std::optional<avatar> picture;    ///< published as XEP-0084 and XEP-0153 avatar
};

} // namespace otrbot::xmpp
