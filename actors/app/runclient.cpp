// `otrbot runclient`: settings, logging, TLS policy, the actor system, and the exit code.
#include "actors/app/runclient.hpp"

#include "actors/app/actor_settings.hpp"
#include "actors/app/exit_code.hpp"
#include "actors/app/startup.hpp"
#include "actors/chat/crypto_pool.hpp"
#include "actors/chat/key_pool.hpp"
#include "actors/chat/omemo_keyring.hpp"
#include "actors/chat/session_manager.hpp"
#include "actors/chat/xmpp_gateway.hpp"
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/lms/lti13_client.hpp"
#include "actors/lms/lti13_setup.hpp"
#include "actors/lms/grade_keeper.hpp"
#include "actors/lms/outcomes.hpp"
#include "actors/log/logging.hpp"
#include "actors/store/store.hpp"
#include "actors/rules/lesson_plan.hpp"
#include "actors/web/http_gateway.hpp"
#include "actors/web/metrics_server.hpp"
#include "conf/advice.hpp"
#include "conf/settings.hpp"
#include "i18n/catalog_files.hpp"
#include "i18n/text.hpp"
#include "lti/pages/web_flow.hpp"
#include "transport/base/bot_metrics.hpp"
#include "lti/pages/web_session_codec.hpp"
#include "lti/wire/token.hpp"
#include "transport/base/unix_time.hpp"
#include "transport/net/openssl_policy.hpp"
#include "transport/otr/otr_session.hpp"

#include <caf/all.hpp>

#include <csignal>
#include <sys/stat.h>
#include <cstdlib>
#include <iostream>
#include <atomic>
#include <map>
#include <thread>
#include <chrono>
#include <filesystem>
#include <functional>
#include <sstream>

namespace otrbot {
namespace {

/// A test hook (OTRBOT_TEST_*_GATE): blocks the calling thread while the file `gate` exists,
/// as a slow or stuck actor would be, logging "test hook: <held> while <gate> exists" (the tests
/// wait for it). Only ever set from those variables.
std::function<void()> held_while_exists(std::string gate, std::string held) {
  return [gate = std::move(gate), held = std::move(held)] {
    if (!std::filesystem::exists(gate))
      return;
    logging::get("app")->info("test hook: {} while {} exists", held, gate);
    while (std::filesystem::exists(gate))
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    logging::get("app")->info("test hook: the gate {} is gone", gate);
  };
}

int fail(int code, const std::string& line) {
  std::cerr << "otrbot: " << line << '\n';
  return code;
}

/// How the run ends: the exit code and the line for stderr ("" for none).
using run_end = std::pair<int, std::string>;

/// Waits, on a thread of its own, for SIGINT or SIGTERM and tells `root`.
/// SIGUSR1 from the destructor ends it; one from outside changes nothing.
class signal_watcher {
public:
  signal_watcher(const sigset_t& signals, caf::actor root)
    : thread_{[this, signals, root] {
        int sig = 0;
        while (sigwait(&signals, &sig) == 0) {
          if (sig != SIGUSR1) {
            caf::anon_send(root, atoms::stop_v, static_cast<std::int32_t>(sig));
            return;
          }
          if (stopping_)
            return;
        }
      }} {}
  ~signal_watcher() {
    stopping_ = true;
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  signal_watcher(const signal_watcher&) = delete;
  signal_watcher& operator=(const signal_watcher&) = delete;

private:
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // after stopping_: it starts once stopping_ exists
};

} // namespace

int runclient(const runclient_options& opts) {
  // -- settings ---------------------------------------------------------------
  auto loaded = load_config(opts.config_path, opts.jid);
  if (auto* f = std::get_if<start_failure>(&loaded))
    return fail(f->code, f->line);
  const auto& config = std::get<loaded_config>(loaded);
  const auto& s = config.settings;
  const auto* acc = &config.account;
  const auto& path = config.path;

  // -- logging ----------------------------------------------------------------
  auto warnings = logging::setup(s.log);
  auto log = logging::get("otrbot");
  for (const auto& w : warnings)
    log->warn("{}", w);

  // -- TLS policy, before anything initialises OpenSSL -------------------------
  if (auto f = apply_tls(config, *log))
    return fail(f->code, f->line);
  auto made = make_identity(config, {});  // the status line comes with the catalogs below
  if (auto* f = std::get_if<start_failure>(&made))
    return fail(f->code, f->line);
  xmpp::initialize_library();
  // libotr and libgcrypt: once, here, before any other thread exists.
  if (!otr::initialize())
    return fail(as_int(exit_code::missing_dependency), "libotr 4.1 could not be initialised");
  if (!initialize_http_client())
    return fail(as_int(exit_code::missing_dependency), "libcurl could not be initialised");

  // -- the store: what must survive a restart -----------------------------------
  opened_store stored;
  try {
    std::vector<std::pair<std::string, std::string>> seed;
    for (const auto& [jid, entry] : s.whitelist)
      seed.emplace_back(jid, entry.locale);
    stored = open_store(s.store.path, s.store.key_file, seed);
  } catch (const store::open_error& e) {
    return fail(as_int(exit_code::store_unusable), e.what());
  }
  log->info("store {}: {} student(s), {} grade(s) waiting to be sent, {} open web page(s)",
            s.store.path, stored.students.size(), stored.pending_grades.size(),
            stored.web_sessions.size());
  // The bot's OMEMO devices (made and kept on the first start) and the students' sessions.
  std::shared_ptr<omemo_keyring> keyring;
  try {
    std::string why;
    keyring = omemo_keyring::load(*stored.db, why);
    if (!keyring)
      return fail(as_int(exit_code::store_unusable), why);
  } catch (const std::exception& e) {
    return fail(as_int(exit_code::store_unusable), std::string{"OMEMO keys: "} + e.what());
  }
  log->info("OMEMO device {} (fingerprint {}), decoy device {}", keyring->real().id(),
            keyring->real().fp().grouped(), keyring->decoy().id());

  std::optional<lti13::setup> lti13;
  if (s.lti13.enabled) {
    std::string error;
    lti13 = lti13::load_setup(s, stored.lti13_platforms, *log, error);
    if (!lti13)
      return fail(as_int(exit_code::bad_setting), error);
  }

  // Settings that load but invite trouble: said once everything that can stop
  // the start has passed (a bad start prints its one line, nothing else).
  for (const auto& w : conf::advice(s))
    log->warn("{}", w);
  if (struct stat st {}; ::stat(path.c_str(), &st) == 0)
    if (auto w = conf::file_mode_advice(path, st.st_mode); !w.empty())
      log->warn("{}", w);

  // -- signals: handled by this thread alone -----------------------------------
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);  // only to wake the signal watcher at the end
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // inherited by every thread below

  // -- actors -----------------------------------------------------------------
  // The root monitors every long-lived actor: the first that ends (or a
  // signal) ends the run, and its exit reason decides the exit code.
  run_end end{as_int(exit_code::ok), {}};
  {
    caf::actor_system_config cfg;
    cfg.add_error_category(ec_category(), [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
      return std::string{"otrbot: "} + to_string(static_cast<ec>(code)) +
             (ctx.empty() ? std::string{} : " (" + caf::to_string(ctx) + ")");
    });
    if (s.bot.worker_threads > 0)
      cfg.set("scheduler.max-threads", static_cast<std::size_t>(s.bot.worker_threads));
    // The scheduler's threads only serve (the crypto pool computes), idle most of the time:
    // work sharing's idle threads sleep, work stealing's poll (15-50 % more CPU per lesson).
    cfg.set("scheduler.policy", caf::atom("sharing"));
    caf::actor_system sys{cfg};
    key_pool_config kc;
    kc.account = acc->jid;
    auto stock = std::make_shared<key_stock>();  // the pool fills it; the sessions take from it
    kc.stock = stock;
    kc.capacity = static_cast<std::size_t>(s.bot.key_pool);
    kc.makers = std::max(1u, std::thread::hardware_concurrency());
    if (auto gate = env_value("OTRBOT_TEST_KEYGEN_GATE")) {
      log->warn("test hook: key generation waits for {}", *gate);
      kc.before_key = held_while_exists(*gate, "key generation held");
    }
    // Detached: it answers at once even when every scheduler thread is busy.
    auto keys = sys.spawn<caf::detached>(key_pool, std::move(kc));
    auto crypto = sys.spawn<caf::detached>(  // the sessions' AKE and SMP, below serving
      crypto_pool, crypto_pool_config{std::max(1u, std::thread::hardware_concurrency()), 5, true});

    auto dir = s.bot.locales_dir.empty() ? std::string{OTRBOT_LOCALES_DIR} : s.bot.locales_dir;
    auto catalogs = std::make_shared<const i18n::catalogs>(i18n::load_catalogs(dir, "en_GB"));
    {
      std::string names;
      for (const auto& l : catalogs->locales())
        names += (names.empty() ? "" : ", ") + l;
      log->info("languages: {} (catalogs in {})", names, dir);
    }

    auto store = sys.spawn<caf::detached>(store_keeper, store_config{stored.db});
    omemo_keyring::sinks omemo_sinks;
    omemo_sinks.keep_peer = [store](const std::string& jid, const std::string& record) {
      caf::anon_send(store, atoms::st_om_peer_v, jid, record);
    };
    omemo_sinks.keep_device = [store](const std::string& role, const std::string& record) {
      caf::anon_send(store, atoms::st_om_dev_v, role, record);
    };
    auto stopping = std::make_shared<std::atomic<bool>>(false);
    auto oc = outcomes_settings(s, lti13);
    oc.store = store;
    oc.stopping = stopping;
    auto outcomes = sys.spawn<caf::detached>(outcomes_sender, std::move(oc));
    for (auto& g : stored.pending_grades)  // the outbox, across the restart
      caf::anon_send(outcomes, atoms::grade_v, std::move(g));
    grade_keeper_config gk;
    gk.store = store;
    gk.outcomes = outcomes;
    for (const auto& st : stored.students)  // each student's latest graded launch
      if (!st.removed && st.graded)
        gk.restored[st.jid] = grade_job{*st.graded, 1.0};
    auto grades = sys.spawn(grade_keeper, std::move(gk));
    session_manager_config mc;
    mc.grades = grades;
    mc.store = store;
    mc.code_key = stored.key;
    mc.restored = std::move(stored.students);  // the whitelist: the config's seed and what was added
    apply_manager_settings(s, mc);
    auto& sd = mc.session_defaults;
    sd.key_pool = keys;
    sd.keys = stock;
    sd.crypto = crypto;
    sd.account = acc->jid;
    sd.catalogs = catalogs;
    apply_session_settings(s, sd);
    if (auto gate = env_value("OTRBOT_TEST_MANAGER_GATE")) {
      log->warn("test hook: the session manager is held while {} exists", *gate);
      mc.before_admission = held_while_exists(*gate, "the session manager is held");
    }
    // The visits open in browsers; the claims they wait with go to the manager before it starts.
    std::vector<lti::web_session> visits;
    for (const auto& row : stored.web_sessions)
      if (auto ws = lti::decode_session(row.data)) {
        if (lti::claim_waiting(*ws, unix_now()))
          mc.restored_claims.push_back(lti::claim_of(*ws));
        visits.push_back(std::move(*ws));
      }
    // The OMEMO lesson for students whose program has OMEMO and no OTR; OTR's for the others.
    mc.choose_lesson = [keyring](const std::string&, const std::string& requested,
                                 bool omemo_client) {
      // The course's choice, else auto: OMEMO for a program that speaks it and not OTR.
      if (requested == "otr" || (requested.empty() && !omemo_client))
        return lesson_choice{};
      return lesson_choice{&lesson::omemo_plan(),
                           [keyring](const std::string&, const std::string& student) {
                             return keyring->open(student);
                           }};
    };
    mc.forget_student = [keyring](const std::string& jid) { keyring->forget(jid); };
    auto manager = sys.spawn(session_manager, std::move(mc));

    xmpp_gateway_config gc;
    gc.client = client_options_for(config);
    gc.client.resource = "otrbot";  // (check-config logs in with one the server picks)
    gc.client.me = std::get<xmpp::identity>(made);
    gc.client.me.status = i18n::text(*catalogs, i18n::msg::status_line, s.bot.default_locale,
                                     sd.format_strings);
    gc.manager = manager;
    gc.client.pep_items = keyring->pep_items();
    auto gateway = caf::actor_cast<xmpp_gateway_actor>(sys.spawn(xmpp_gateway, std::move(gc)));
    omemo_sinks.publish = [gateway](xmpp::pep_item item) {
      caf::anon_send(gateway, std::move(item));
    };
    keyring->set_sinks(std::move(omemo_sinks));
    caf::anon_send(manager, atoms::gateway_v, gateway);
    caf::anon_send(gateway, atoms::start_v);

    http_gateway_config hc;
    hc.pages = page_settings(s, acc->jid, catalogs, *keyring, stored.key);
    hc.restored = std::move(visits);
    hc.store = store;
    hc.outcomes = outcomes;
    hc.grades = grades;
    hc.admin_token = s.admin_token;
    hc.manager = manager;
    hc.system = &sys;
    lti13_client_actor lti13_http;
    if (lti13) {
      lti13_http = sys.spawn(
        lti13_client, lti13_client_config{std::chrono::seconds{s.grades.request_timeout},
                                          s.lti13.allow_private_urls, stopping});
      hc.lti13 = {true, lti13->jwks, lti13->all, lti13_http,
                  store::derive_key(stored.key, "lti13 logins"),
                  store::derive_key(stored.key, "lti13 invites")};
    }
    http_gateway web{std::move(hc)};
    caf::scoped_actor root{sys};
    std::map<caf::actor_addr, std::string> watched{
      {gateway.address(), "XMPP gateway"}, {manager.address(), "session manager"},
      {keys.address(), "key pool"}, {crypto.address(), "crypto pool"},
      {outcomes.address(), "grade sender"},
      {store.address(), "store"}, {grades.address(), "grade keeper"},
      {web.web_handle().address(), "web actor"}};
    if (lti13_http)
      watched[lti13_http.address()] = "LTI 1.3 client";
    for (const auto& [addr, name] : watched)
      root->monitor(caf::actor_cast<caf::actor>(addr));
    metrics_server metrics;
    metrics::bot().build_info.with({OTRBOT_VERSION}).set(1);
    std::string metrics_err;
    if (!s.metrics_listen.empty())
      metrics_err = metrics.start(s.metrics_listen);
    if (auto err = web.start(); !err.empty()) {
      end = {as_int(exit_code::bad_setting), "bad setting lti.listen: " + err};
    } else if (!metrics_err.empty()) {
      end = {as_int(exit_code::bad_setting), "bad setting metrics.listen: " + metrics_err};
    } else {
      if (!s.lti.enabled)
        log->warn("lti.enabled = false: DEVELOPMENT MODE, the pages work without an LMS launch");
      log->info("otrbot started as {} with {} whitelisted JID(s) in the config", acc->jid,
                s.whitelist.size());
      signal_watcher signals{stop_signals, caf::actor{root}};
      root->receive(
        [&](atoms::stop, std::int32_t sig) { log->info("signal {}: shutting down", sig); },
        [&](caf::down_msg& dm) {
          auto name = watched.count(dm.source) ? watched.at(dm.source) : "an actor";
          if (auto why = fatal_failure(dm.reason)) {
            end = {exit_for(*why), fatal_line(*why, detail_of(dm.reason), *acc, s.xmpp)};
          } else {
            log->error("the {} ended: {}", name, caf::to_string(dm.reason));
            end = {as_int(exit_code::unknown), "the " + name + " ended unexpectedly (see the log)"};
          }
        });
    }
    metrics.stop();
    web.stop();
    caf::anon_send(gateway, atoms::stop_v);
    caf::anon_send(manager, atoms::stop_v);  // it ends every session first: nothing waits
    stopping->store(true);                     // a grade being sent is aborted (it stays pending)
    caf::anon_send_exit(keys, caf::exit_reason::user_shutdown);  // and its key makers
    caf::anon_send_exit(outcomes, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(grades, caf::exit_reason::user_shutdown);
    if (lti13_http)
      caf::anon_send_exit(lti13_http, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    // The keyring outlives the actor system: its handles to the store and the gateway go first
    // (a detached actor's thread waits until its last handle is gone).
    keyring->set_sinks({});
  }  // the actor system waits here for every actor to finish
  auto [code, line] = end;
  if (!line.empty())
    std::cerr << "otrbot: " << line << '\n';
  log->info("stopped (exit code {})", code);
  return code;
}

} // namespace otrbot
