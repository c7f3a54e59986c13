// Reading one TOML table of the settings: typed getters that name the key in every refusal,
// and finish() that refuses unknown keys (internal to conf/; toml++).
#pragma once

#include "conf/settings.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <optional>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::conf::detail {

/// Thrown inside the reader, caught by parse_settings: the first problem wins.
struct refused {
  config_error error;
};

[[noreturn]] inline void refuse(std::string key, std::string message) {
  throw refused{config_error{std::move(key), std::move(message)}};
}

/// A key as it appears in a dotted path: bare when it can be, else quoted.
inline std::string key_segment(std::string_view key) {
  bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
  return bare ? std::string{key} : "\"" + std::string{key} + "\"";
}

inline std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? key_segment(key) : path + "." + key_segment(key);
}

inline const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

/// Reads one TOML table, remembering which keys were read so that finish()
/// can refuse the rest.
class table_reader {
public:
  table_reader(const toml::table& t, std::string path) : t_(t), path_(std::move(path)) {}

  std::string key(std::string_view k) const { return join(path_, k); }

  const toml::node* find(std::string_view k) {
    seen_.emplace(k);
    return t_.get(k);
  }

  bool has(std::string_view k) const { return t_.contains(k); }

  [[noreturn]] void wrong_type(std::string_view k, const toml::node& n, const char* want) const {
    refuse(key(k), std::string{"must be "} + want + ", not " + type_name(n.type()));
  }

  void boolean(std::string_view k, bool& out) {
    if (auto* n = find(k)) {
      auto* v = n->as_boolean();
      if (!v)
        wrong_type(k, *n, "true or false");
      out = v->get();
    }
  }

  void string(std::string_view k, std::string& out) {
    if (auto* n = find(k)) {
      auto* v = n->as_string();
      if (!v)
        wrong_type(k, *n, "a string");
      out = v->get();
    }
  }

  void integer(std::string_view k, std::int64_t& out, std::int64_t min, std::int64_t max) {
    if (auto* n = find(k)) {
      auto* v = n->as_integer();
      if (!v)
        wrong_type(k, *n, "an integer");
      if (v->get() < min || v->get() > max)
        refuse(key(k), "must be from " + std::to_string(min) + " to " + std::to_string(max));
      out = v->get();
    }
  }

  void strings(std::string_view k, std::vector<std::string>& out) {
    if (auto* n = find(k)) {
      auto* arr = n->as_array();
      if (!arr)
        wrong_type(k, *n, "an array of strings");
      std::vector<std::string> values;
      for (const auto& item : *arr) {
        auto* s = item.as_string();
        if (!s)
          refuse(key(k), std::string{"must hold only strings, not "} + type_name(item.type()));
        values.push_back(s->get());
      }
      out = std::move(values);
    }
  }

  const toml::table* table(std::string_view k) {
    if (auto* n = find(k)) {
      auto* v = n->as_table();
      if (!v)
        wrong_type(k, *n, "a table");
      return v;
    }
    return nullptr;
  }

  /// Every key of this table as (name, node), for maps such as the whitelist.
  const toml::table& all() {
    for (auto&& [k, v] : t_)
      seen_.emplace(k.str());
    return t_;
  }

  void finish() const {
    for (auto&& [k, v] : t_)
      if (!seen_.contains(std::string{k.str()}))
        refuse(key(k.str()), "unknown key (see conf/otrbot.sample.toml for the known ones)");
  }

private:
  const toml::table& t_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

/// Reads one of NAME, NAME_env, NAME_file (at most one may be given); nullopt when none is.
std::optional<std::string> read_secret(table_reader& r, const std::string& name,
                                       const secret_sources& src);

/// The [lti13] table (conf/settings_lti13.cpp).
void read_lti13(table_reader& r, lti13_settings& out, const secret_sources& src);

} // namespace otrbot::conf::detail
