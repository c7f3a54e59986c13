// The pages that show nothing of one student but the visit's tokens, rendered once (pure).
// A launch's first page differs from every other launch's in its token and CSRF token only;
// rendering it from the templates (mustache, every text translated and formatted) was a third
// of a launch's instructions (docs/performance.md).
#include "lti/pages/pages.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace otrbot::lti {
namespace {

// What stands for the tokens while a page is rendered for the cache. Control characters: the
// templates never hold them and shown() takes them out of what students type.
constexpr std::string_view token_mark = "\x1f" "otrbot-token" "\x1f";
constexpr std::string_view csrf_mark = "\x1f" "otrbot-csrf" "\x1f";

/// A page rendered with the marks: its text cut at them.
struct shape {
  std::vector<std::string> pieces;  ///< text between the tokens: one more than `holes`
  std::vector<bool> holes;          ///< what goes after each piece: the token (true) or the CSRF
};

bool cacheable(const page_view& v) {
  return v.kind != page::class_view && v.kind != page::handoff && v.jid.empty() &&
         v.proof_word.empty() && v.typed_code.empty() && v.rows.empty() && v.handoff.empty() &&
         v.handoff_data.empty();
}

void put(std::string& key, std::string_view s) {
  key += std::to_string(s.size());
  key += ':';
  key += s;
}

/// Every field that shapes a cacheable page (the tokens: only whether there is one).
std::string key_of(const page_view& v) {
  std::string k;
  k.reserve(512);
  for (auto n : {static_cast<std::int64_t>(v.kind),
                 static_cast<std::int64_t>(v.catalogs ? v.catalogs->serial() : 0),
                 static_cast<std::int64_t>(v.step_number), static_cast<std::int64_t>(v.step_of),
                 static_cast<std::int64_t>(v.stuck_minutes)}) {
    k += std::to_string(n);
    k += ',';
  }
  for (bool b : {v.token.empty(), v.csrf.empty(), v.completed, v.instructor, v.development})
    k += b ? '1' : '0';
  for (const auto* s : {&v.locale, &v.css_url, &v.bot_title, &v.bot_jid, &v.project_name, &v.step,
                        &v.lesson_step, &v.code_intro, &v.lesson, &v.bot_fingerprint,
                        &v.verify_uri, &v.error})
    put(k, *s);
  for (const auto& [name, value] : v.error_args) {
    put(k, name);
    put(k, value);
  }
  return k;
}

shape shape_of(const page_view& v) {
  auto marked = v;
  if (!marked.token.empty())
    marked.token = token_mark;
  if (!marked.csrf.empty())
    marked.csrf = csrf_mark;
  auto html = render_fresh(marked);
  shape out;
  std::size_t from = 0;
  for (;;) {
    auto t = html.find(token_mark, from);
    auto c = html.find(csrf_mark, from);
    auto at = std::min(t, c);
    if (at == std::string::npos)
      break;
    out.pieces.push_back(html.substr(from, at - from));
    out.holes.push_back(at == t);
    from = at + (at == t ? token_mark.size() : csrf_mark.size());
  }
  out.pieces.push_back(html.substr(from));
  return out;
}

} // namespace

std::string render(const page_view& v) {
  if (!cacheable(v))
    return render_fresh(v);
  // Per thread, as the parsed templates: no lock. A thread keeps at most 64 shapes (the
  // languages, lessons and refusals in use); past that it starts again.
  thread_local std::unordered_map<std::string, shape> cache;
  auto key = key_of(v);
  auto it = cache.find(key);
  if (it == cache.end()) {
    if (cache.size() >= 64)
      cache.clear();
    it = cache.emplace(std::move(key), shape_of(v)).first;
  }
  const auto& s = it->second;
  auto token = kainjow::mustache::html_escape(v.token);
  auto csrf = kainjow::mustache::html_escape(v.csrf);
  std::size_t size = s.pieces.back().size();
  for (std::size_t i = 0; i < s.holes.size(); ++i)
    size += s.pieces[i].size() + (s.holes[i] ? token : csrf).size();
  std::string html;
  html.reserve(size);
  for (std::size_t i = 0; i < s.holes.size(); ++i) {
    html += s.pieces[i];
    html += s.holes[i] ? token : csrf;
  }
  html += s.pieces.back();
  return html;
}

} // namespace otrbot::lti
