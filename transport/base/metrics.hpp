// Prometheus metrics (pure: atomics and text, no I/O): counters, gauges and histograms with
// labels, kept in a registry and written in Prometheus's text exposition format 0.0.4. Every
// metric the bot has is declared in transport/base/bot_metrics.hpp; the metrics server
// (actors/web/metrics_server.hpp) serves registry::render() at GET /metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::metrics {

/// Only goes up (events: lessons started, requests served).
class counter {
public:
  void inc(std::uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> v_{0};
};

/// Goes up and down (levels: sessions open, keys ready).
class gauge {
public:
  void set(std::int64_t v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::int64_t> v_{0};
};

/// Seconds (or any unit) counted into buckets of upper bounds, with their sum and count.
class histogram {
public:
  explicit histogram(const std::vector<double>& bounds);
  void observe(double v) noexcept;
  /// Seconds since `since` (a steady clock's reading).
  void observe_since(std::chrono::steady_clock::time_point since) noexcept;
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Cumulative counts per bound, then +Inf (the count); the sum.
  std::vector<std::uint64_t> cumulative() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< one per bound (not cumulative)
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

/// Bounds for latencies: 1 ms to 60 s.
const std::vector<double>& latency_bounds();
/// Bounds for a lesson's steps: 1 s to 1 h.
const std::vector<double>& step_bounds();

enum class kind { counter, gauge, histogram };

/// One metric's name, help, type and label names; its children, one per label values.
class family_base {
public:
  family_base(std::string name, std::string help, kind k, std::vector<std::string> labels);
  virtual ~family_base() = default;
  const std::string& name() const noexcept { return name_; }
  std::size_t label_count() const noexcept { return label_names_.size(); }
  /// Appends this family's lines (HELP, TYPE, samples) to `out`.
  void render(std::string& out) const;

protected:
  virtual void render_samples(std::string& out) const = 0;
  std::string labels_text(const std::vector<std::string>& values, std::string_view extra = {}) const;
  std::string name_, help_;
  kind kind_;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
};

template <class M>
class family final : public family_base {
public:
  family(std::string name, std::string help, kind k, std::vector<std::string> labels,
         std::vector<double> bounds = {})
    : family_base(std::move(name), std::move(help), k, std::move(labels)),
      bounds_(std::move(bounds)) {}
  /// The child for these label values (one per label name), made at first use. A reference
  /// stays valid for the registry's life: keep it where an event is frequent.
  M& with(const std::vector<std::string>& values);
  /// The child of a family without labels.
  M& get() { return with({}); }

private:
  void render_samples(std::string& out) const override;
  std::vector<double> bounds_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

/// Every family, in the order they were added.
class registry {
public:
  family<counter>& add_counter(std::string name, std::string help, std::vector<std::string> labels = {});
  family<gauge>& add_gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  family<histogram>& add_histogram(std::string name, std::string help, std::vector<double> bounds,
                                   std::vector<std::string> labels = {});
  /// The text exposition format 0.0.4.
  std::string render() const;

private:
  template <class M>
  family<M>& add(std::unique_ptr<family<M>> f);
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<family_base>> families_;
};

/// The Content-Type of render()'s text.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

/// A label value or help text as the format wants it: backslash, newline (and, in a label
/// value, the double quote) escaped; other control characters become '?'. (Label values are
/// the bot's own words: routes, steps, results; never an outside value.)
std::string escape(std::string_view s, bool label_value);
/// A sample value: integers without a point, +Inf/-Inf/NaN spelled as Prometheus does.
std::string number(double v);

} // namespace otrbot::metrics
