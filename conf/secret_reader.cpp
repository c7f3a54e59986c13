// Secrets in the settings: a value, an environment variable or a file.
#include "conf/table_reader.hpp"

#include <cctype>

namespace otrbot::conf::detail {
namespace {

std::string trim_trailing(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  return s;
}

} // namespace

/// Reads one of NAME, NAME_env, NAME_file (at most one may be given).
std::optional<std::string> read_secret(table_reader& r, const std::string& name,
                                       const secret_sources& src) {
  std::string direct, env, file;
  r.string(name, direct);
  r.string(name + "_env", env);
  r.string(name + "_file", file);
  int given = int{r.has(name)} + int{r.has(name + "_env")} + int{r.has(name + "_file")};
  if (given > 1)
    refuse(r.key(name), "give only one of " + name + ", " + name + "_env and " + name + "_file");
  if (r.has(name + "_env")) {
    auto v = src.getenv ? src.getenv(env) : std::nullopt;
    if (!v)
      refuse(r.key(name + "_env"), "the environment variable " + env + " is not set");
    return *v;
  }
  if (r.has(name + "_file")) {
    auto v = src.read_file ? src.read_file(file) : std::nullopt;
    if (!v)
      refuse(r.key(name + "_file"), "cannot read the file " + file +
                                      " (it must be a readable regular file of at most 64 KiB)");
    auto value = trim_trailing(*v);
    if (value.empty() || value.find('\0') != std::string::npos)
      refuse(r.key(name + "_file"), "the file " + file + " is empty or holds a NUL byte");
    return value;
  }
  if (r.has(name))
    return direct;
  return std::nullopt;
}

} // namespace otrbot::conf::detail
