// From the settings file to the actors' configurations: what each actor takes from
// conf::settings, in one place (runclient wires the actors; these only copy values).
#pragma once

#include "actors/chat/session_manager.hpp"
#include "actors/lms/lti13_setup.hpp"
#include "actors/lms/outcomes.hpp"
#include "conf/settings.hpp"
#include "lti/pages/web_flow.hpp"

#include <memory>
#include <optional>
#include <string>

namespace otrbot {

class omemo_keyring;

/// The [bot] settings every session starts with (texts, lesson options, typing, logging).
void apply_session_settings(const conf::settings& s, session_config& sd);

/// The [bot] and [lti] limits and timeouts the session manager keeps.
void apply_manager_settings(const conf::settings& s, session_manager_config& mc);

/// The [grades] retry policy, the LTI 1.1 consumers and, with LTI 1.3, the AGS client's key.
outcomes_config outcomes_settings(const conf::settings& s, const std::optional<lti13::setup>& lti13);

/// What the pages show: [lti], the bot's JID, its texts and its OMEMO device; `store_key`
/// (the store's key) signs the page tokens, so that they outlive a restart.
lti::web_settings page_settings(const conf::settings& s, const std::string& bot_jid,
                                std::shared_ptr<const i18n::catalogs> catalogs,
                                const omemo_keyring& keyring, const std::string& store_key);

} // namespace otrbot
