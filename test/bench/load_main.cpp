// The lecture hall's students: N simulated OTR students in worker processes (one libstrophe
// context each: two contexts in one process lose logins), started over a ramp, each through
// the whole lesson against the real bot through a real Prosody. Prints one line per student
// (tab-separated, times in ms from that student's start) for scripts/bench.py to summarise.
#include "test/bench/student.hpp"

#include <CLI/CLI.hpp>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <libotr/proto.h>
}

namespace {

struct options {
  std::string host = "127.0.0.1", domain = "localhost", password, ca, keys, secret;
  std::vector<std::string> bots;  ///< student i talks to bots[i % size]
  unsigned short port = 5222;
  int students = 100, workers = 2;
  double ramp_s = 10, timeout_s = 300;
  bool idle = false;
};

std::string jid_of(const options& o, int i) {
  char name[32];
  std::snprintf(name, sizeof name, "s%05d", i);
  return std::string{name} + "@" + o.domain;
}

void write_line(int fd, const std::string& line) {
  std::string l = line + "\n";
  for (std::size_t off = 0; off < l.size();) {
    auto n = ::write(fd, l.data() + off, l.size() - off);
    if (n <= 0)
      return;
    off += static_cast<std::size_t>(n);
  }
}

/// Reads one line from fd (blocking); empty at end of file.
std::string read_line(int fd) {
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n')
    line += c;
  return line;
}

std::string row(const bench::result& r) {
  auto f = [](double v) { return std::to_string(static_cast<long long>(v * 1000) / 1000.0); };
  return "S\t" + r.jid + "\t" + (r.failure.empty() ? "-" : r.failure) + "\t" + f(r.connected) +
         "\t" + f(r.hello) + "\t" + f(r.first_reply) + "\t" + f(r.query) + "\t" +
         f(r.encrypted) + "\t" + f(r.smp_start) + "\t" + f(r.smp_done) + "\t" + f(r.code);
}

int worker(const options& o, int w, int to_parent, int from_parent) {
  xmpp_initialize();
  xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
  std::vector<std::unique_ptr<bench::student>> mine;
  std::vector<double> offsets;
  std::vector<int> retries;
  for (int i = w; i < o.students; i += o.workers) {
    bench::student_settings s;
    s.jid = jid_of(o, i);
    s.password = o.password;
    s.bot = o.bots[static_cast<std::size_t>(i) % o.bots.size()];  // sharded by index
    s.host = o.host;
    s.port = o.port;
    s.ca_file = o.ca;
    s.key_file = o.keys + "/" + s.jid.substr(0, s.jid.find('@')) + ".key";
    s.secret = o.secret;
    s.idle = o.idle;
    mine.push_back(std::make_unique<bench::student>(ctx, s));
    offsets.push_back(o.students > 1 ? o.ramp_s * 1000.0 * i / o.students : 0);
    retries.push_back(0);
    if (!mine.back()->prepare()) {
      write_line(to_parent, "E\tcannot read or make the OTR key of " + s.jid);
      return 1;
    }
  }
  write_line(to_parent, "R");
  double start = std::stod(read_line(from_parent));
  bool told_online = false;
  for (;;) {
    double now = bench::now_ms();
    bool all_finished = true, all_online = true;
    for (std::size_t k = 0; k < mine.size(); ++k) {
      auto& s = *mine[k];
      if (!s.started() && now >= start + offsets[k])
        s.start(start + offsets[k]);
      // A login the server dropped (it was busy) is tried again, as a client would, at
      // most 5 times; the lesson's times still count from the first try.
      if (s.started() && s.finished() && retries[k] < 5 && s.retry_login())
        ++retries[k];
      if (s.started() && !o.idle && now > start + offsets[k] + o.timeout_s * 1000)
        s.give_up(std::string{"timed out waiting for "} + s.waiting_for());
      if (o.idle && s.started() && !s.online() && !s.finished() &&
          now > start + offsets[k] + o.timeout_s * 1000)
        s.give_up("timed out waiting for login");
      all_finished = all_finished && s.started() && s.finished();
      all_online = all_online && s.started() && (s.online() || s.finished());
    }
    if (o.idle && all_online && !told_online) {
      told_online = true;
      std::size_t up = 0;
      for (auto& s : mine)
        up += s->online();
      write_line(to_parent, "O\t" + std::to_string(up));
    }
    if (o.idle && told_online) {
      pollfd p{from_parent, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0)
        break;  // the parent says: stop
    }
    if (!o.idle && all_finished)
      break;
    xmpp_run_once(ctx, 2);
  }
  for (auto& s : mine)
    s->disconnect();
  for (double until = bench::now_ms() + 3000; bench::now_ms() < until;) {
    bool any = false;
    for (auto& s : mine)
      any = any || s->connected();
    if (!any)
      break;
    xmpp_run_once(ctx, 5);
  }
  for (auto& s : mine)
    write_line(to_parent, row(s->outcome()));
  mine.clear();
  xmpp_ctx_free(ctx);
  xmpp_shutdown();
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"otrbot lecture-hall load: simulated OTR students through the whole lesson"};
  app.add_option("--host", o.host, "Prosody's address");
  app.add_option("--port", o.port, "Prosody's client port");
  app.add_option("--domain", o.domain, "the students' XMPP domain");
  app.add_option("--bot", o.bots, "the bot's bare JID; several: student i talks to the "
                                 "(i mod count)-th")
    ->required()
    ->delimiter(',');
  app.add_option("--password", o.password, "every student's password")->required();
  app.add_option("--ca", o.ca, "the CA certificate that signed Prosody's")->required();
  app.add_option("--keys", o.keys, "where the students' OTR keys are cached")->required();
  app.add_option("--secret", o.secret, "the shared secret (the bot's default_secret)");
  app.add_option("--students", o.students, "how many (JIDs s00000@domain ...)");
  app.add_option("--ramp", o.ramp_s, "seconds over which they arrive");
  app.add_option("--workers", o.workers, "worker processes");
  app.add_option("--timeout", o.timeout_s, "seconds a student waits before giving up");
  app.add_flag("--idle", o.idle, "only come online and stay until stdin closes");
  CLI11_PARSE(app, argc, argv);
  if (otrl_init(OTRL_VERSION_MAJOR, OTRL_VERSION_MINOR, OTRL_VERSION_SUB) != 0)
    return 5;
  o.workers = std::max(1, std::min(o.workers, o.students));
  struct child {
    pid_t pid;
    int from, to;
    bool ready = false, online = false, done = false;
  };
  std::vector<child> kids;
  for (int w = 0; w < o.workers; ++w) {
    int up[2], down[2];
    if (::pipe(up) != 0 || ::pipe(down) != 0)
      return 1;
    std::cout.flush();
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(up[0]);
      ::close(down[1]);
      for (auto& k : kids) {
        ::close(k.from);
        ::close(k.to);
      }
      ::_exit(worker(o, w, up[1], down[0]));
    }
    ::close(up[1]);
    ::close(down[0]);
    kids.push_back({pid, up[0], down[1]});
  }
  // Every worker has its students' keys: all start on one clock.
  for (auto& k : kids) {
    auto line = read_line(k.from);
    if (line != "R") {
      std::cerr << "a worker could not start: " << (line.empty() ? "it ended" : line) << '\n';
      for (auto& kk : kids)
        ::kill(kk.pid, SIGTERM);
      return 1;
    }
  }
  std::cout << "# ready" << std::endl;
  double start = bench::now_ms() + 100;
  for (auto& k : kids)
    write_line(k.to, std::to_string(start));
  std::size_t online = 0, finished = 0, students_online = 0;
  while (finished < kids.size()) {
    std::vector<pollfd> fds;
    for (auto& k : kids)
      fds.push_back({k.done ? -1 : k.from, POLLIN, 0});
    fds.push_back({o.idle && online == kids.size() ? 0 : -1, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0)
      continue;
    if (fds.back().revents) {  // idle: stdin says stop (a line, or its end)
      read_line(0);
      for (auto& k : kids)
        write_line(k.to, "stop");
      fds.back().fd = -1;
      online = 0;
    }
    for (std::size_t i = 0; i < kids.size(); ++i) {
      if (!fds[i].revents)
        continue;
      auto line = read_line(kids[i].from);
      if (line.empty()) {
        kids[i].done = true;
        ++finished;
      } else if (line.rfind("O\t", 0) == 0) {
        students_online += std::stoul(line.substr(2));
        if (++online == kids.size())
          std::cout << "# online " << students_online << std::endl;
      } else {
        std::cout << line << '\n';
      }
    }
  }
  int failed = 0;
  for (auto& k : kids) {
    int status = 0;
    ::waitpid(k.pid, &status, 0);
    failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::cout.flush();
  return failed ? 1 : 0;
}
