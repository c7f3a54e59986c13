// `otrbot lti13-invite`.
#include "actors/app/invite_command.hpp"

#include "actors/app/exit_code.hpp"
#include "actors/app/startup.hpp"
#include "actors/store/store_db.hpp"
#include "lti/lti13/lti13_invite.hpp"
#include "transport/base/unix_time.hpp"

#include <ctime>
#include <filesystem>
#include <iostream>

namespace otrbot {

int lti13_invite(const invite_options& opts) {
  auto loaded = load_config(opts.config_path, {});
  if (auto* f = std::get_if<start_failure>(&loaded)) {
    std::cerr << "otrbot: " << f->line << "\n";
    return f->code;
  }
  const auto& s = std::get<loaded_config>(loaded).settings;
  if (!s.lti13.enabled) {
    std::cerr << "otrbot: LTI 1.3 is not set up in these settings (no [lti13] table)\n";
    return as_int(exit_code::bad_setting);
  }
  if (opts.hours < 1 || opts.hours > lti13::max_invite_hours) {
    std::cerr << "otrbot: --hours must be from 1 to " << lti13::max_invite_hours << "\n";
    return as_int(exit_code::invalid_argument);
  }
  if (!opts.host.empty() && !lti13::valid_invite_host(opts.host)) {
    std::cerr << "otrbot: --host must be a host name such as moodle.example.edu (no scheme, "
                 "port or path)\n";
    return as_int(exit_code::invalid_argument);
  }
  // The bot's own key: the invite is sealed with it, so only this bot accepts it.
  auto key_path = s.store.key_file.empty() ? s.store.path + ".key" : s.store.key_file;
  std::error_code ec;
  if (!std::filesystem::exists(key_path, ec)) {
    std::cerr << "otrbot: the store's key " << key_path << " does not exist yet: start the bot "
                 "once, then make the invite (as the user the bot runs as)\n";
    return as_int(exit_code::bad_setting);
  }
  std::string key;
  try {
    key = store::store_key(key_path);
  } catch (const std::exception& e) {
    std::cerr << "otrbot: " << e.what() << " (run this as the user the bot runs as)\n";
    return as_int(exit_code::bad_setting);
  }
  auto expires = unix_now() + opts.hours * 3600;
  std::cout << lti13::make_invite(store::derive_key(key, "lti13 invites"), expires, opts.host) << "\n";
  char until[64];
  auto t = static_cast<std::time_t>(expires);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(until, sizeof until, "%Y-%m-%d %H:%M UTC", &tm);
  auto base = s.lti.public_url.empty() ? std::string{"https://BOT"} : s.lti.public_url;
  while (base.ends_with('/'))
    base.pop_back();
  std::cerr << "Good once, until " << until
            << (opts.host.empty() ? std::string{", for any platform"} : ", for a platform on " + opts.host)
            << ". In the LMS, register the tool at " << base << "/lti13/register; the registration page asks for this code.\n";
  return 0;
}

} // namespace otrbot
