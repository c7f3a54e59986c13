// Address lookups with getaddrinfo; SRV lookups with res_query, read with glibc's ns_* parser.
#include "transport/net/dns.hpp"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>

namespace otrbot::net {

std::vector<std::string> resolve_addresses(const std::string& host, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::vector<std::string> out;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0 || !res) {
    error = rc != 0 ? gai_strerror(rc) : "no address";
    return out;
  }
  for (auto* a = res; a; a = a->ai_next) {
    char text[NI_MAXHOST];
    if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0)
      out.emplace_back(text);
  }
  freeaddrinfo(res);
  if (out.empty())
    error = "no usable address";
  return out;
}

std::vector<srv_target> parse_srv_answer(const unsigned char* answer, int length) {
  std::vector<srv_target> out;
  ns_msg msg;
  if (length <= 0 || ns_initparse(answer, length, &msg) != 0)
    return out;
  for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) != 0)
      break;
    if (ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7)
      continue;
    const unsigned char* rd = ns_rr_rdata(rr);
    char host[NS_MAXDNAME];
    if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, host, sizeof host) < 0)
      continue;
    auto field = [rd](int at) { return static_cast<std::uint16_t>(ns_get16(rd + at)); };
    out.push_back({host, field(4), field(0), field(2)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const srv_target& a, const srv_target& b) { return a.priority < b.priority; });
  return out;
}

std::vector<srv_target> xmpp_client_srv(const std::string& domain) {
  unsigned char answer[4096];
  auto name = "_xmpp-client._tcp." + domain;
  int len = res_query(name.c_str(), ns_c_in, ns_t_srv, answer, sizeof answer);
  return parse_srv_answer(answer, len);
}

} // namespace otrbot::net
