// The metrics' registry and Prometheus's text format (the e2e tests parse the served text with
// python3-prometheus-client; here the exact lines).
#include "transport/base/metrics.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace otrbot::metrics;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}
} // namespace

TEST_CASE("a counter without labels is shown as 0 before its first event, with HELP and TYPE") {
  registry r;
  auto& c = r.add_counter("x_events_total", "Events.");
  auto text = r.render();
  CHECK(has_line(text, "# HELP x_events_total Events."));
  CHECK(has_line(text, "# TYPE x_events_total counter"));
  CHECK(has_line(text, "x_events_total 0"));
  c.get().inc();
  c.get().inc(2);
  CHECK(has_line(r.render(), "x_events_total 3"));
}

TEST_CASE("labelled children are listed by their values, escaped as the format wants") {
  registry r;
  auto& c = r.add_counter("x_requests_total", "Requests by \\ route\nand status.", {"route", "status"});
  c.with({"launch", "200"}).inc();
  c.with({"a\"b\\c\nd", "404"}).inc(5);
  c.with({"launch", "200"}).inc();
  auto text = r.render();
  CHECK(has_line(text, "# HELP x_requests_total Requests by \\\\ route\\nand status."));
  CHECK(has_line(text, "x_requests_total{route=\"launch\",status=\"200\"} 2"));
  CHECK(has_line(text, "x_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"404\"} 5"));
}

TEST_CASE("a gauge goes up and down") {
  registry r;
  auto& g = r.add_gauge("x_open", "Open.");
  g.get().set(7);
  g.get().add(-3);
  CHECK(has_line(r.render(), "x_open 4"));
  CHECK(has_line(r.render(), "# TYPE x_open gauge"));
}

TEST_CASE("a histogram's buckets are cumulative, end with +Inf, and come with sum and count") {
  registry r;
  auto& h = r.add_histogram("x_seconds", "Seconds.", {0.1, 1, 10}, {"route"});
  for (double v : {0.05, 0.1, 0.5, 5.0, 50.0})
    h.with({"a"}).observe(v);
  auto text = r.render();
  CHECK(has_line(text, "# TYPE x_seconds histogram"));
  CHECK(has_line(text, "x_seconds_bucket{route=\"a\",le=\"0.1\"} 2"));
  CHECK(has_line(text, "x_seconds_bucket{route=\"a\",le=\"1\"} 3"));
  CHECK(has_line(text, "x_seconds_bucket{route=\"a\",le=\"10\"} 4"));
  CHECK(has_line(text, "x_seconds_bucket{route=\"a\",le=\"+Inf\"} 5"));
  CHECK(has_line(text, "x_seconds_sum{route=\"a\"} 55.65"));
  CHECK(has_line(text, "x_seconds_count{route=\"a\"} 5"));
}

TEST_CASE("numbers are written as Prometheus reads them") {
  CHECK(number(0.005) == "0.005");
  CHECK(number(3) == "3");
  CHECK(number(1.0 / 0.0) == "+Inf");
  CHECK(number(-1.0 / 0.0) == "-Inf");
  CHECK(escape("a\tb", true) == "a?b");
}

TEST_CASE("counters counted from many threads lose nothing") {
  registry r;
  auto& c = r.add_counter("x_total", "Total.", {"t"});
  auto& h = r.add_histogram("x_h", "H.", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.with({"same"}).inc();
        h.get().observe(0.5);
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(c.with({"same"}).value() == 40000);
  CHECK(h.get().count() == 40000);
  CHECK(h.get().sum() == 20000.0);
}
