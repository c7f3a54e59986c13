// Warnings about settings that load.
#include "conf/advice.hpp"

namespace otrbot::conf {
namespace {

/// Shorter than this, a shared secret or token can be guessed online.
constexpr std::size_t min_secret_length = 16;

} // namespace

std::vector<std::string> advice(const settings& s) {
  std::vector<std::string> out;
  if (!s.admin_token.empty() && s.admin_token.size() < min_secret_length)
    out.push_back("admin.token has fewer than 16 characters: it can be guessed; use a long random "
                  "one (openssl rand -hex 32)");
  for (const auto& [key, secret] : s.lti.consumers)
    if (secret.size() < min_secret_length)
      out.push_back("lti.consumers.\"" + key + "\" has a secret of fewer than 16 characters: "
                    "launches and grades can be forged by whoever guesses it; use a long random one");
  if (s.lti.enabled && s.lti.public_url.empty())
    out.push_back("lti.public_url is empty: the launch URL the LMS signed is rebuilt from the "
                  "request's Host header; set it to the URL your LMS launches");
  if (s.lti.enabled && s.lti.frame_ancestors.empty())
    out.push_back("lti.frame_ancestors is empty: no LMS can show the pages in a frame (they open "
                  "in a window of their own); list your LMS's origin to embed them");
  return out;
}

std::string file_mode_advice(const std::string& path, unsigned mode) {
  if ((mode & 0007) == 0)
    return {};
  return "the settings file " + path + " can be read by every user of this machine, and it may "
         "hold passwords and secrets: chmod 600 it (or use the *_env / *_file keys)";
}

} // namespace otrbot::conf
