// The status server under abuse (docs/RELIABILITY.md, "Security"): it binds 127.0.0.1 by default,
// actions need the token, and malformed HTTP (oversized headers, bad methods, slowloris clients
// sending one byte a second, many idle connections) neither stalls the live loop nor the server:
// while such clients hold their connections, the runner's bar time keeps advancing and a normal
// GET /healthz answers within a bound.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "security/security_util.h"
#include "support/test_support.h"

namespace huracan::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "status-server-test-token";
constexpr int kIdleClients = 40;
constexpr int kSlowClients = 4;
constexpr int64_t kHealthzBoundMs = 2000;

// A connected TCP socket to addr:port, or -1.
int Connect(const char* addr, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, addr, &sa.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends `request` and returns what the server answers before it closes (or 3 s pass).
std::string Exchange(int port, const std::string& request) {
  int fd = Connect("127.0.0.1", port);
  if (fd < 0) return "<no connection>";
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed on us: fine
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer.find("\r\n\r\n") != std::string::npos) break;
  }
  ::close(fd);
  return answer;
}

// A non-loopback IPv4 address of this machine, or "" when it has none.
std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string out;
  for (ifaddrs* a = list; a != nullptr && out.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    if (std::string(text).rfind("127.", 0) != 0) out = text;
  }
  ::freeifaddrs(list);
  return out;
}

// The live runner's newest bar from /api/status ("" before the first).
std::string LastBar(httplib::Client& client) {
  auto res = client.Get("/api/status");
  if (!res || res->status != 200) return "";
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.contains("live") || !j["live"].is_object()) return "";
  return j["live"]["feed"].value("last_bar", "");
}

TEST(StatusServerAbuse, AbusiveClientsStallNeitherTheLiveLoopNorHealthz) {
  const std::string dir = MakeTempDir("abuse");
  ASSERT_FALSE(dir.empty());
  // The live runner replays 12 hours of the sample at 600x (one bar every 100 ms) with no champions:
  // it steps every bar and publishes its status; we stop it long before the end.
  ServingProcess live("cd " + ShellQuote(dir) + " && exec env HURACAN_HTTP_TOKEN=" + kToken + " HURACAN_CONFIG= " +
                          ShellQuote(HuracanBinary()) + " live --replay " + ShellQuote(SampleDir()) +
                          " --archive ./archive --db ./h.db --from 2025-10-31T00:00:00Z --to 2025-10-31T12:00:00Z"
                          " --speed 600 --serve 0",
                      dir + "/live.log");
  const int port = live.port();
  ASSERT_GT(port, 0) << live.log();
  // The default bind is loopback.
  EXPECT_NE(live.log().find("status page on http://127.0.0.1:"), std::string::npos) << live.log();

  // Not reachable on the machine's other addresses.
  const std::string other = NonLoopbackAddress();
  if (!other.empty()) {
    int fd = Connect(other.c_str(), port);
    EXPECT_LT(fd, 0) << "the status server answers on " << other;
    if (fd >= 0) ::close(fd);
  }

  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  // Actions need the token: none or a wrong one gets 401, the right one acts.
  auto none = client.Post("/api/pause", "", "text/plain");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto wrong = client.Post("/api/pause", httplib::Headers{{"Authorization", "Bearer nope"}}, "", "text/plain");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto get_pause = client.Get("/api/pause");
  ASSERT_TRUE(get_pause);
  EXPECT_GE(get_pause->status, 400);

  // Wait for the runner's first bar.
  std::string first;
  for (int i = 0; i < 200 && first.empty(); ++i) {
    first = LastBar(client);
    if (first.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(first.empty()) << live.log();

  // The abusers: idle connections that never send a byte, and slowloris clients that send one
  // header byte a second and never finish.
  std::vector<int> idle;
  for (int i = 0; i < kIdleClients; ++i) {
    int fd = Connect("127.0.0.1", port);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> slow_bytes{0};
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.emplace_back([&, port] {
      int fd = Connect("127.0.0.1", port);
      if (fd < 0) return;
      const std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
      while (!stop) {
        if (::send(fd, "a", 1, MSG_NOSIGNAL) == 1) ++slow_bytes;
        for (int k = 0; k < 10 && !stop; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      ::close(fd);
    });
  }

  // Malformed requests, each answered with an error or closed, while the above hold on.
  // (10,000 headers are a valid request: cpp-httplib 0.11 limits the length of a header line, not
  // their number; it is answered like any other.)
  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"100 kB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') + "\r\n\r\n"},
      {"10000 headers",
       [] {
         std::string r = "GET / HTTP/1.1\r\nHost: x\r\n";
         for (int i = 0; i < 10000; ++i) r += "X-" + std::to_string(i) + ": y\r\n";
         return r + "\r\n";
       }()},
      {"20 kB URL", "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"bad method", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"binary request line", std::string("\x00\x01\x02\xff\r\n\r\n", 8)},
      {"no version", "GET /\r\n\r\n"},
      {"huge body", "POST /api/pause HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nxx"},
      {"bad content length", "POST /api/pause HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"},
  };
  int answered_4xx = 0, closed = 0;
  for (const auto& [what, request] : malformed) {
    std::string answer = Exchange(port, request);
    if (what == "10000 headers") {
      EXPECT_FALSE(answer.empty()) << "a long but valid request went unanswered";
    } else {
      EXPECT_EQ(answer.find("HTTP/1.1 2"), std::string::npos) << what << ": " << answer.substr(0, 200);
    }
    if (answer.rfind("HTTP/1.1 4", 0) == 0) ++answered_4xx;
    if (answer.empty()) ++closed;
  }

  // Meanwhile: /healthz within the bound, and the live loop's bar time advancing.
  int64_t worst_ms = 0;
  std::vector<std::string> bars = {first};
  for (int i = 0; i < 8; ++i) {
    auto t0 = Clock::now();
    httplib::Client probe("127.0.0.1", port);
    probe.set_connection_timeout(5, 0);
    probe.set_read_timeout(5, 0);
    auto res = probe.Get("/healthz");
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    worst_ms = std::max(worst_ms, ms);
    ASSERT_TRUE(res) << "/healthz did not answer with " << kIdleClients << " idle and " << kSlowClients
                     << " slow clients connected";
    EXPECT_TRUE(res->status == 200 || res->status == 503) << res->status;
    EXPECT_LE(ms, kHealthzBoundMs);
    bars.push_back(LastBar(probe));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  for (size_t i = 1; i < bars.size(); ++i) EXPECT_GT(bars[i], bars[i - 1]) << "the bar time stood still at " << i;
  EXPECT_GE(slow_bytes.load(), kSlowClients * 3) << "the slow clients were cut off early";
  stop = true;
  for (auto& t : slow) t.join();
  for (int fd : idle) ::close(fd);
  std::cout << "status server: " << kIdleClients << " idle + " << kSlowClients << " slow clients, " << malformed.size()
            << " odd requests (" << answered_4xx << " answered 4xx, " << closed << " closed without an answer); "
            << "/healthz worst " << worst_ms << " ms; bars " << bars.front() << " -> " << bars.back() << "\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace huracan::testing
