// Prometheus metrics (see metrics.hpp).
#include "transport/base/metrics.hpp"

#include <charconv>
#include <cmath>

namespace otrbot::metrics {

histogram::histogram(const std::vector<double>& bounds)
  : bounds_(bounds), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size())) {
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) noexcept {
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    if (v <= bounds_[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void histogram::observe_since(std::chrono::steady_clock::time_point since) noexcept {
  observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count());
}

std::vector<std::uint64_t> histogram::cumulative() const {
  std::vector<std::uint64_t> out;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out.push_back(total);
  }
  // +Inf is the count; read apart, it may run ahead of the buckets, never behind them.
  out.push_back(std::max(total, count()));
  return out;
}

const std::vector<double>& latency_bounds() {
  static const std::vector<double> b{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                     0.25,  0.5,    1,     2.5,  5,     10,   30, 60};
  return b;
}

const std::vector<double>& step_bounds() {
  static const std::vector<double> b{1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600};
  return b;
}

std::string escape(std::string_view s, bool label_value) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && label_value)
      out += "\\\"";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += '?';
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : "NaN";
}

family_base::family_base(std::string name, std::string help, kind k, std::vector<std::string> labels)
  : name_(std::move(name)), help_(std::move(help)), kind_(k), label_names_(std::move(labels)) {}

std::string family_base::labels_text(const std::vector<std::string>& values,
                                     std::string_view extra) const {
  if (values.empty() && extra.empty())
    return {};
  std::string out = "{";
  for (std::size_t i = 0; i < values.size() && i < label_names_.size(); ++i) {
    if (i)
      out += ',';
    out += label_names_[i] + "=\"" + escape(values[i], true) + '"';
  }
  if (!extra.empty()) {
    if (!values.empty())
      out += ',';
    out += extra;
  }
  return out + '}';
}

void family_base::render(std::string& out) const {
  static constexpr const char* type_names[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name_ + ' ' + escape(help_, false) + '\n';
  out += "# TYPE " + name_ + ' ' + type_names[static_cast<int>(kind_)] + '\n';
  std::lock_guard lock{mutex_};
  render_samples(out);
}

template <class M>
M& family<M>::with(const std::vector<std::string>& values) {
  std::lock_guard lock{mutex_};
  auto it = children_.find(values);
  if (it == children_.end()) {
    std::unique_ptr<M> child;
    if constexpr (std::is_same_v<M, histogram>)
      child = std::make_unique<histogram>(bounds_);
    else
      child = std::make_unique<M>();
    it = children_.emplace(values, std::move(child)).first;
  }
  return *it->second;
}

template <>
void family<counter>::render_samples(std::string& out) const {
  for (const auto& [values, c] : children_)
    out += name_ + labels_text(values) + ' ' + std::to_string(c->value()) + '\n';
}

template <>
void family<gauge>::render_samples(std::string& out) const {
  for (const auto& [values, g] : children_)
    out += name_ + labels_text(values) + ' ' + std::to_string(g->value()) + '\n';
}

template <>
void family<histogram>::render_samples(std::string& out) const {
  for (const auto& [values, h] : children_) {
    auto counts = h->cumulative();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      auto le = i < h->bounds().size() ? number(h->bounds()[i]) : std::string{"+Inf"};
      out += name_ + "_bucket" + labels_text(values, "le=\"" + le + '"') + ' ' +
             std::to_string(counts[i]) + '\n';
    }
    out += name_ + "_sum" + labels_text(values) + ' ' + number(h->sum()) + '\n';
    out += name_ + "_count" + labels_text(values) + ' ' + std::to_string(counts.back()) + '\n';
  }
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

template <class M>
family<M>& registry::add(std::unique_ptr<family<M>> f) {
  std::lock_guard lock{mutex_};
  auto& ref = *f;
  families_.push_back(std::move(f));
  if (ref.label_count() == 0)
    ref.get();  // shown as 0 before its first event
  return ref;
}

family<counter>& registry::add_counter(std::string name, std::string help,
                                       std::vector<std::string> labels) {
  return add(std::make_unique<family<counter>>(std::move(name), std::move(help), kind::counter,
                                               std::move(labels)));
}

family<gauge>& registry::add_gauge(std::string name, std::string help,
                                   std::vector<std::string> labels) {
  return add(std::make_unique<family<gauge>>(std::move(name), std::move(help), kind::gauge,
                                             std::move(labels)));
}

family<histogram>& registry::add_histogram(std::string name, std::string help,
                                           std::vector<double> bounds,
                                           std::vector<std::string> labels) {
  return add(std::make_unique<family<histogram>>(std::move(name), std::move(help), kind::histogram,
                                                 std::move(labels), std::move(bounds)));
}

std::string registry::render() const {
  std::string out;
  std::lock_guard lock{mutex_};
  for (const auto& f : families_)
    f->render(out);
  return out;
}

} // namespace otrbot::metrics
