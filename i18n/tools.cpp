// The translation commands.
#include "i18n/tools.hpp"

#include "i18n/text.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iostream>
#include <vector>

extern char** environ;

namespace otrbot::i18n {
namespace fs = std::filesystem;
namespace {

constexpr int ok = 0, bad_input = 2, missing_tool = 5;

int error(int code, const std::string& line) {
  std::cerr << "otrbot: " << line << '\n';
  return code;
}

/// Runs a program found on PATH; 127 when it is not there.
int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0)
    return rc == ENOENT ? 127 : 1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0)
    return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int tool(const std::vector<std::string>& args) {
  int rc = run(args);
  if (rc == 127)
    return error(missing_tool, args[0] + " is missing: install gettext (apt-get install gettext)");
  if (rc != 0)
    return error(1, args[0] + " failed (exit " + std::to_string(rc) + ")");
  return ok;
}

fs::path po_path(const std::string& dir, const std::string& locale) {
  return fs::path{dir} / locale / "LC_MESSAGES" / "messages.po";
}

std::optional<int> check_locale(const std::string& locale) {
  if (normalise_locale(locale) != locale)
    return error(bad_input, "\"" + locale + "\" is not a locale name such as nl_NL or de");
  return std::nullopt;
}

/// Which catalogs a command works on: never a surprise (issue: a tree baked in at build time).
void say_folder(const std::string& dir) {
  std::cout << "using the catalogs in " << fs::weakly_canonical(fs::absolute(dir)).string() << "\n";
}

std::optional<int> check_pot(const std::string& pot) {
  if (!fs::is_regular_file(pot))
    return error(bad_input, "cannot read the template " + pot + " (make one with otrbot extract)");
  return std::nullopt;
}

} // namespace

std::string default_source_dir() { return "."; }

std::string default_locales_dir() {
  std::error_code ec;
  if (fs::is_directory(fs::path{"i18n"} / "locales", ec))
    return (fs::path{"i18n"} / "locales").string();
  return OTRBOT_LOCALES_DIR;
}

int extract(const std::string& pot, const std::string& source_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const char* part : {"actors", "conf", "i18n", "lti", "transport"})
    for (auto it = fs::recursive_directory_iterator(fs::path{source_dir} / part, ec);
         !ec && it != fs::recursive_directory_iterator{}; it.increment(ec))
      if (it->path().extension() == ".cpp" || it->path().extension() == ".hpp")
        files.push_back(fs::relative(it->path(), source_dir).string());
  if (files.empty())
    return error(bad_input, "no sources under " + fs::weakly_canonical(fs::absolute(source_dir)).string() +
                              " (run it in a source checkout, or pass --sources DIR)");
  std::cout << "using the sources in " << fs::weakly_canonical(fs::absolute(source_dir)).string() << "\n";
  std::sort(files.begin(), files.end());
  std::vector<std::string> cmd{"xgettext", "--from-code=UTF-8", "--language=C++", "--keyword=N_",
                                "--add-comments=TRANSLATORS:", "--package-name=otrbot",
                                "--msgid-bugs-address=otrbot developers", "--sort-by-file",
                                "--directory=" + source_dir, "-o", fs::absolute(pot).string()};
  cmd.insert(cmd.end(), files.begin(), files.end());
  if (int rc = tool(cmd); rc != ok)
    return rc;
  std::cout << "wrote " << pot << "\n";
  return ok;
}

int init(const std::string& pot, const std::string& locale, const std::string& dir) {
  if (auto rc = check_pot(pot))
    return *rc;
  if (auto rc = check_locale(locale))
    return *rc;
  auto po = po_path(dir, locale);
  if (fs::exists(po))
    return error(bad_input, po.string() + " already exists: use otrbot update");
  say_folder(dir);
  fs::create_directories(po.parent_path());
  if (int rc = tool({"msginit", "--no-translator", "--locale=" + locale + ".UTF-8", "-i", pot,
                     "-o", po.string()});
      rc != ok)
    return rc;
  std::cout << "created " << po.string() << ": translate it, then run otrbot compile\n";
  return ok;
}

int update(const std::string& pot, const std::string& locale, const std::string& dir) {
  if (auto rc = check_pot(pot))
    return *rc;
  if (auto rc = check_locale(locale))
    return *rc;
  auto po = po_path(dir, locale);
  if (!fs::exists(po))
    return error(bad_input, "there is no " + locale + " catalog in " + dir + " (start one with otrbot init)");
  say_folder(dir);
  if (int rc = tool({"msgmerge", "--quiet", "--update", "--backup=none", po.string(), pot}); rc != ok)
    return rc;
  std::cout << "updated " << po.string() << "\n";
  return ok;
}

int compile(const std::optional<std::string>& locale, const std::string& dir) {
  std::vector<std::string> locales;
  if (locale) {
    if (auto rc = check_locale(*locale))
      return *rc;
    if (!fs::exists(po_path(dir, *locale)))
      return error(bad_input, "there is no " + *locale + " catalog in " + dir);
    locales.push_back(*locale);
  } else {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (fs::exists(po_path(dir, entry.path().filename().string())))
        locales.push_back(entry.path().filename().string());
    std::sort(locales.begin(), locales.end());
    if (locales.empty())
      return error(bad_input, "there are no catalogs in " + dir);
  }
  say_folder(dir);
  for (const auto& l : locales) {
    auto po = po_path(dir, l);
    auto mo = fs::path{po}.replace_extension(".mo");
    if (int rc = tool({"msgfmt", "--check", "-o", mo.string(), po.string()}); rc != ok)
      return rc;
    std::cout << "compiled " << mo.string() << "\n";
  }
  return ok;
}

} // namespace otrbot::i18n
