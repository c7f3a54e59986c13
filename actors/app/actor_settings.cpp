// From the settings file to the actors' configurations.
#include "actors/app/actor_settings.hpp"

#include "actors/chat/omemo_keyring.hpp"
#include "actors/rules/lesson_plan.hpp"
#include "actors/store/store_db.hpp"
#include "transport/omemo/fingerprint.hpp"

#include <chrono>

namespace otrbot {

void apply_session_settings(const conf::settings& s, session_config& sd) {
  for (const auto& [k, v] : s.bot.format_strings)
    sd.format_strings[k] = v;
  sd.lesson.may_start_smp = s.bot.may_start_smp;
  sd.lesson.code_format = s.bot.bot_secret_format;
  sd.default_secret = s.bot.default_secret;
  sd.scheduled_msg_say = s.bot.scheduled_msg_say;
  sd.type_speed = s.bot.type_speed;
  sd.log_user_msgs = s.bot.log_user_msgs;
}

void apply_manager_settings(const conf::settings& s, session_manager_config& mc) {
  mc.default_locale = s.bot.default_locale;
  mc.warning_timeout = std::chrono::seconds{s.bot.warning_timeout};
  mc.session_timeout = std::chrono::seconds{s.bot.session_timeout};
  mc.check_interval = std::chrono::seconds{s.bot.timeout_check_interval};
  mc.stuck_after = std::chrono::minutes{s.lti.stuck_after_minutes};
  mc.max_messages_per_minute = s.bot.max_messages_per_minute;
  mc.max_whitelisted = {{store::whitelist_source::pages, s.bot.max_whitelisted_from_pages},
                        {store::whitelist_source::admin, s.bot.max_whitelisted_from_admin}};
}

outcomes_config outcomes_settings(const conf::settings& s, const std::optional<lti13::setup>& lti13) {
  outcomes_config oc;
  oc.consumers = s.lti.consumers;
  oc.allow_private = s.lti.private_outcome_consumers;
  oc.first_retry = std::chrono::seconds{s.grades.first_retry};
  oc.max_retry = std::chrono::seconds{s.grades.max_retry};
  oc.give_up_after = std::chrono::seconds{s.grades.give_up_after};
  oc.request_timeout = std::chrono::seconds{s.grades.request_timeout};
  if (lti13)
    oc.lti13 = ags::client_config{lti13->key, s.lti13.key_id, lti13->all, s.lti13.allow_private_urls};
  return oc;
}

lti::web_settings page_settings(const conf::settings& s, const std::string& bot_jid,
                                std::shared_ptr<const i18n::catalogs> catalogs,
                                const omemo_keyring& keyring, const std::string& store_key) {
  lti::web_settings pages;
  pages.lti = s.lti;
  pages.bot_jid = bot_jid;
  pages.default_locale = s.bot.default_locale;
  pages.code_format = s.bot.bot_secret_format;
  for (const auto& [k, v] : s.bot.format_strings)
    pages.format_strings[k] = v;
  pages.catalogs = std::move(catalogs);
  pages.token_key = store::derive_key(store_key, "web tokens");
  pages.csp = lti::content_security_policy(s.lti);
  pages.before_session = lesson::otr_plan().describe(std::nullopt);  // the default lesson
  pages.first_steps["omemo"] = lesson::omemo_plan().describe(std::nullopt);
  pages.omemo_fingerprint = keyring.real().fp().grouped();
  pages.omemo_uri = omemo::verification_uri(bot_jid, keyring.real().id(), keyring.real().fp());
  return pages;
}

} // namespace otrbot
