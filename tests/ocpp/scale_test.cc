// 1,000 concurrent connections on loopback exchanging calls in both
// directions without loss. Bounded in count and time; raises RLIMIT_NOFILE.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <thread>

#include "ocpp/test_env.h"

namespace evprov::ocpp::test {
namespace {

constexpr int kConnections = 1000;
constexpr int kCallsPerDirection = 5;

// Raises the soft file-descriptor limit; returns the limit now in force.
rlim_t RaiseFdLimit(rlim_t wanted) {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < wanted) {
    r.rlim_cur = std::min(wanted, r.rlim_max);
    setrlimit(RLIMIT_NOFILE, &r);
    getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur;
}

template <typename Pred>
bool WaitUntil(Pred pred, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(ScaleTest, ThousandConnectionsExchangeCallsWithoutLoss) {
  if (RaiseFdLimit(4 * kConnections + 256) < 2 * kConnections + 128) {
    GTEST_SKIP() << "RLIMIT_NOFILE too low for " << kConnections << " connections";
  }
  ServerOptions so = Profile1Options();
  so.threads = 2;
  so.limits.handshake_timeout = 30s;
  Server server(so, AcceptAll(), EchoHandlers());
  ASSERT_TRUE(server.Start().ok());

  auto runtime = std::make_shared<Runtime>(2);
  std::vector<std::unique_ptr<Client>> clients;
  std::atomic<int> connected{0};
  std::atomic<int> connect_failed{0};
  for (int i = 0; i < kConnections; ++i) {
    auto o = ClientFor(server, "CS-" + std::to_string(i), false);
    o.password = kPassword;
    o.connect_timeout = 30s;
    o.limits.handshake_timeout = 30s;
    clients.push_back(std::make_unique<Client>(o, EchoHandlers(), runtime));
    clients.back()->ConnectAsync([&](const Status& s) { ++(s.ok() ? connected : connect_failed); });
  }
  ASSERT_TRUE(WaitUntil([&] { return connected + connect_failed == kConnections; }, 60s))
      << connected << " connected";
  ASSERT_EQ(connect_failed.load(), 0);
  ASSERT_TRUE(WaitUntil([&] { return server.connection_count() == kConnections; }, 30s));

  std::atomic<int> ok_up{0};
  std::atomic<int> ok_down{0};
  std::atomic<int> wrong{0};
  for (int k = 0; k < kCallsPerDirection; ++k) {
    for (int i = 0; i < kConnections; ++i) {
      std::string up = "up-" + std::to_string(i) + "-" + std::to_string(k);
      clients[i]->Call("Echo", {{"text", up}}, {.timeout = 60s}, [&, up](Result<json> r) {
        ++(r.ok() && (*r)["text"] == up ? ok_up : wrong);
      });
      std::string down = "down-" + std::to_string(i) + "-" + std::to_string(k);
      server.Call("CS-" + std::to_string(i), "Echo", {{"text", down}}, {.timeout = 60s},
                  [&, down, i](Result<json> r) {
                    ++(r.ok() && (*r)["text"] == down && (*r)["from"] == "CS-" + std::to_string(i)
                           ? ok_down
                           : wrong);
                  });
    }
  }
  constexpr int kExpected = kConnections * kCallsPerDirection;
  ASSERT_TRUE(WaitUntil([&] { return ok_up + ok_down + wrong == 2 * kExpected; }, 90s))
      << ok_up << " up, " << ok_down << " down, " << wrong << " wrong";
  EXPECT_EQ(ok_up.load(), kExpected);
  EXPECT_EQ(ok_down.load(), kExpected);
  EXPECT_EQ(wrong.load(), 0);
  server.Stop();
  clients.clear();
}

}  // namespace
}  // namespace evprov::ocpp::test
