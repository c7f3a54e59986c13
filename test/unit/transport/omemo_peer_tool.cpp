// The bot's OMEMO code as a line-oriented tool, for the interop test with python-oldmemo
// (omemo_interop.py): one JSON request per line on stdin, one JSON answer per line on stdout.
//   {"op":"hello"}                                   -> {"device","fingerprint","bundle"}
//   {"op":"start","jid","device","bundle"}           -> {"ok"} | {"error"}
//   {"op":"seal","jid","devices":[...],"text"}       -> {"xml","skipped"} | {"error"}
//   {"op":"open","jid","xml"}                         -> {"text"|null,"device","identity","new_session","recipients"} | {"error"}
#include "transport/omemo/own_device.hpp"
#include "transport/omemo/peer_cipher.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <memory>

using namespace otrbot::omemo;
using nlohmann::json;

int main() {
  auto own = own_device::generate();
  std::map<std::string, std::unique_ptr<peer_cipher>> peers;
  auto peer = [&](const std::string& jid) -> peer_cipher& {
    auto& p = peers[jid];
    if (!p) p = std::make_unique<peer_cipher>(own, jid);
    return *p;
  };
  std::string line;
  while (std::getline(std::cin, line)) {
    json out;
    try {
      const json in = json::parse(line);
      const std::string op = in.at("op");
      std::string why;
      if (op == "hello") {
        out = {{"device", own->id()}, {"fingerprint", own->fp().hex()}, {"bundle", render(own->published())}};
      } else if (op == "start") {
        auto b = parse_bundle(in.at("bundle").get<std::string>(), why);
        if (b && peer(in.at("jid")).start_session(in.at("device").get<std::uint32_t>(), *b, why)) {
          out = {{"ok", true}};
        } else {
          out = {{"error", why}};
        }
      } else if (op == "seal") {
        std::vector<std::uint32_t> skipped;
        auto e = peer(in.at("jid")).seal(in.at("text").get<std::string>(),
                                         in.at("devices").get<std::vector<std::uint32_t>>(), skipped);
        out = e ? json{{"xml", render(*e)}, {"skipped", skipped}} : json{{"error", "no session"}};
      } else if (op == "open") {
        auto e = parse_encrypted(in.at("xml").get<std::string>(), why);
        auto got = e ? peer(in.at("jid")).open(*e, why) : std::nullopt;
        if (got) {
          out = {{"text", got->text ? json(*got->text) : json(nullptr)},
                 {"device", got->device},
                 {"identity", got->identity.hex()},
                 {"new_session", got->new_session},
                 {"recipients", got->recipients}};
        } else {
          out = {{"error", why}};
        }
      } else {
        out = {{"error", "unknown op"}};
      }
    } catch (const std::exception& e) {
      out = {{"error", e.what()}};
    }
    std::cout << out.dump() << '\n' << std::flush;
  }
}
