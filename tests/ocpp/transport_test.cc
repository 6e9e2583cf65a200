// Profile 1 (ws:// + Basic auth) end to end over loopback: round trips in
// both directions, refusals with their HTTP status, malformed frames,
// timeouts, frame size limit, graceful close.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "evprov/common/log.h"
#include "ocpp/handshake.h"
#include "ocpp/test_env.h"

namespace evprov::ocpp::test {
namespace {

class Profile1Test : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(Profile1Options()); }

  void StartServer(ServerOptions options, Handlers handlers = EchoHandlers()) {
    server_.reset();
    server_ = std::make_unique<Server>(std::move(options), AcceptAll(), std::move(handlers),
                                       ServerHooks{});
    ASSERT_TRUE(server_->Start().ok());
  }

  std::unique_ptr<Client> Connect(const std::string& identity, Handlers handlers = EchoHandlers(),
                                  const MessageValidator* validator = nullptr) {
    auto o = ClientFor(*server_, identity, /*tls=*/false);
    o.password = kPassword;
    o.validator = validator;
    auto c = std::make_unique<Client>(o, std::move(handlers));
    Status s = c->Connect();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }

  Status TryConnect(ClientOptions o) {
    Client c(std::move(o), Handlers{});
    return c.Connect();
  }

  // Waits (bounded) until the server sees identity.
  bool WaitConnected(const std::string& identity) {
    for (int i = 0; i < 200 && !server_->IsConnected(identity); ++i) {
      std::this_thread::sleep_for(5ms);
    }
    return server_->IsConnected(identity);
  }

  std::unique_ptr<Server> server_;
};

TEST_F(Profile1Test, ProfileOneNeedsExplicitOptIn) {
  ServerOptions o = Profile1Options();
  o.allow_unencrypted_profile1 = false;
  Server s(o, AcceptAll(), EchoHandlers());
  EXPECT_EQ(s.Start().code(), StatusCode::kFailedPrecondition);
}

TEST_F(Profile1Test, RoundTripsInBothDirections) {
  auto client = Connect("CS-1");
  EXPECT_EQ(client->subprotocol(), "ocpp2.0.1");
  auto r = client->Call("Echo", {{"text", "up"}}).get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["text"], "up");
  EXPECT_EQ((*r)["from"], "CS-1");

  ASSERT_TRUE(WaitConnected("CS-1"));
  auto down = server_->Call("CS-1", "Echo", {{"text", "down"}}).get();
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  EXPECT_EQ((*down)["text"], "down");

  auto missing = server_->Call("CS-404", "Echo", {{"text", "x"}}).get();
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(Profile1Test, AuthenticatorContextReachesHandlers) {
  Handlers h;
  h.OnSync("Echo", [](const SessionInfo& s, const json&) -> HandlerResult {
    return json{{"text", *std::static_pointer_cast<std::string>(s.context)},
                {"profile", s.security_profile}};
  });
  StartServer(Profile1Options(), std::move(h));
  auto client = Connect("CS-ctx");
  auto r = client->Call("Echo", {{"text", ""}}).get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["text"], "ctx:CS-ctx");
  EXPECT_EQ((*r)["profile"], 1);
}

TEST_F(Profile1Test, PercentEncodedIdentityIsDecoded) {
  auto client = Connect("a|b@c");
  ASSERT_TRUE(WaitConnected("a|b@c"));
}

TEST_F(Profile1Test, RefusalsCarryTheirHttpStatus) {
  log::ScopedCapture capture;
  auto base = ClientFor(*server_, "CS-2", false);
  base.password = kPassword;

  auto wrong_password = base;
  wrong_password.password = "not-the-password-at-all";
  Status s = TryConnect(wrong_password);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.ToString();
  EXPECT_NE(s.message().find("401"), std::string::npos);

  auto no_password = base;
  no_password.password.reset();
  EXPECT_EQ(TryConnect(no_password).code(), StatusCode::kUnauthenticated);

  auto wrong_path = base;
  wrong_path.endpoint = Url(*server_, false, "/elsewhere");
  s = TryConnect(wrong_path);
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_NE(s.message().find("404"), std::string::npos);

  auto unknown_protocol = base;
  unknown_protocol.subprotocols = {"ocpp9.9"};
  s = TryConnect(unknown_protocol);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("400"), std::string::npos);

  EXPECT_FALSE(server_->IsConnected("CS-2"));
  // The password never reaches the log.
  EXPECT_EQ(capture.sink().Joined().find(kPassword), std::string::npos);
  EXPECT_EQ(capture.sink().Joined().find("not-the-password-at-all"), std::string::npos);
}

TEST_F(Profile1Test, AuthenticatorMayAnswerNotFound) {
  server_ = std::make_unique<Server>(
      Profile1Options(), [](const HandshakeInfo&) { return AuthDecision::NotFound(); },
      EchoHandlers());
  ASSERT_TRUE(server_->Start().ok());
  auto o = ClientFor(*server_, "CS-unknown", false);
  o.password = kPassword;
  EXPECT_EQ(TryConnect(o).code(), StatusCode::kNotFound);
}

// Sends a raw HTTP upgrade with the given target and returns the status line.
int RawConnect(std::uint16_t port);
std::string SendUpgrade(int fd, const std::string& target, const std::string& extra_headers);
std::string RawUpgradeStatus(std::uint16_t port, const std::string& target);
bool ServerCloses(int fd);

TEST_F(Profile1Test, BadIdentityIsRefusedBeforeTheUpgrade) {
  // The client refuses to build such URLs; speak HTTP by hand.
  for (const char* target : {"/ocpp/a:b", "/ocpp/a%3Ab", "/ocpp/", "/ocpp/a%20b",
                             "/ocpp/0123456789012345678901234567890123456789012345678"}) {
    SCOPED_TRACE(target);
    EXPECT_NE(RawUpgradeStatus(server_->port(), target).find(" 400 "), std::string::npos);
  }
  EXPECT_NE(RawUpgradeStatus(server_->port(), "/ocpp/a/b").find(" 404 "), std::string::npos);
}

TEST_F(Profile1Test, SilentSocketIsDroppedAtTheHandshakeDeadline) {
  ServerOptions o = Profile1Options();
  o.limits.handshake_timeout = 300ms;
  StartServer(o);
  int fd = RawConnect(server_->port());
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(ServerCloses(fd));  // sent nothing: closed after ~300 ms, not at 3 s
  ::close(fd);
}

TEST_F(Profile1Test, KeepAlivePingsHoldAnIdleConnectionAndDropASilentPeer) {
  ServerOptions o = Profile1Options();
  o.limits.idle_timeout = 300ms;
  StartServer(o);
  // Our client answers the server's pings: still usable after 3 idle periods.
  auto client = Connect("CS-idle");
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(client->connected());
  ASSERT_TRUE(client->Call("Echo", {{"text", "awake"}}).get().ok());
  // A peer that completes the upgrade but never answers pings is dropped.
  int fd = RawConnect(server_->port());
  ASSERT_GE(fd, 0);
  std::string auth = "Authorization: " + BasicAuthHeader("CS-mute", kPassword) + "\r\n";
  EXPECT_NE(SendUpgrade(fd, "/ocpp/CS-mute", auth).find(" 101 "), std::string::npos);
  EXPECT_TRUE(ServerCloses(fd));
  ::close(fd);
}

TEST_F(Profile1Test, MalformedFramesAreAnsweredWithCallError) {
  auto client = Connect("CS-bad");
  ASSERT_TRUE(WaitConnected("CS-bad"));
  log::ScopedCapture capture;
  struct Case {
    const char* frame;
    const char* code;
  };
  const Case cases[] = {
      {"not json", "RpcFrameworkError"},
      {"[2]", "RpcFrameworkError"},
      {R"({"a":1})", "RpcFrameworkError"},
      {R"([5,"x5",{}])", "MessageTypeNotSupported"},
      {R"([2,"x6","Echo",[]])", "FormatViolation"},
      {R"([2,"x7","Unknown",{}])", "NotImplemented"},
  };
  for (const auto& c : cases) ASSERT_TRUE(client->SendRawForTest(c.frame).ok());
  // The connection survives: a well-formed call still works.
  auto r = client->Call("Echo", {{"text", "still here"}}).get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["text"], "still here");
  // Each bad frame came back as a CALLERROR with the right code (the client
  // logs answers that match none of its calls).
  std::vector<json> answers;
  for (const auto& line : capture.sink().Lines()) {
    json j = json::parse(line);
    if (j["event"] == "ocpp.rpc.unexpected_callerror") answers.push_back(j);
  }
  ASSERT_EQ(answers.size(), std::size(cases));
  for (std::size_t i = 0; i < answers.size(); ++i) {
    SCOPED_TRACE(cases[i].frame);
    EXPECT_EQ(answers[i]["code"], cases[i].code);
  }
  EXPECT_EQ(answers[3]["id"], "x5");
  EXPECT_EQ(answers[5]["id"], "x7");
}

TEST_F(Profile1Test, CallTimesOutWhenThePeerDoesNotAnswer) {
  Handlers slow;
  std::vector<Reply> held;
  std::mutex mu;
  slow.On("Echo", [&](const SessionInfo&, const json&, Reply r) {
    std::lock_guard lock(mu);
    held.push_back(r);
  });
  auto client = Connect("CS-slow", std::move(slow));
  ASSERT_TRUE(WaitConnected("CS-slow"));
  auto r = server_->Call("CS-slow", "Echo", {{"text", "x"}}, {.timeout = 100ms}).get();
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  // The slot is free again: the next call goes out and can be answered.
  auto next = server_->Call("CS-slow", "Echo", {{"text", "y"}}, {.timeout = 2s});
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (held.size() == 2) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(held.size(), 2u);
    held[1].Ok({{"text", "y"}});
  }
  auto answer = next.get();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ((*answer)["text"], "y");
}

TEST_F(Profile1Test, OversizeFrameClosesTheConnection) {
  ServerOptions o = Profile1Options();
  o.limits.max_frame_bytes = 1024;
  StartServer(o);
  std::atomic<bool> closed{false};
  auto co = ClientFor(*server_, "CS-big", false);
  co.password = kPassword;
  co.on_closed = [&](const Status&) { closed = true; };
  Client client(co, EchoHandlers());
  ASSERT_TRUE(client.Connect().ok());
  auto small = client.Call("Echo", {{"text", std::string(100, 'a')}}).get();
  ASSERT_TRUE(small.ok());
  auto big = client.Call("Echo", {{"text", std::string(4096, 'a')}}, {.timeout = 2s}).get();
  EXPECT_EQ(big.status().code(), StatusCode::kUnavailable) << big.status().ToString();
  for (int i = 0; i < 200 && !closed; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(closed);
}

TEST_F(Profile1Test, NewerConnectionReplacesOlderOne) {
  std::atomic<bool> first_closed{false};
  auto o = ClientFor(*server_, "CS-dup", false);
  o.password = kPassword;
  o.on_closed = [&](const Status&) { first_closed = true; };
  Client first(o, EchoHandlers());
  ASSERT_TRUE(first.Connect().ok());
  auto second = Connect("CS-dup");
  for (int i = 0; i < 200 && !first_closed; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(first_closed);
  auto r = server_->Call("CS-dup", "Echo", {{"text", "to the newer"}}).get();
  ASSERT_TRUE(r.ok());
}

TEST_F(Profile1Test, GracefulCloseAndStop) {
  std::atomic<int> disconnected{0};
  ServerHooks hooks;
  hooks.on_disconnected = [&](const SessionInfo&, const Status&) { ++disconnected; };
  server_ = std::make_unique<Server>(Profile1Options(), AcceptAll(), EchoHandlers(), hooks);
  ASSERT_TRUE(server_->Start().ok());
  auto a = Connect("CS-a");
  auto b = Connect("CS-b");
  ASSERT_TRUE(WaitConnected("CS-a") && WaitConnected("CS-b"));
  a->Close();
  EXPECT_FALSE(a->connected());
  for (int i = 0; i < 200 && disconnected < 1; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(disconnected.load(), 1);
  EXPECT_TRUE(server_->Disconnect("CS-b"));
  for (int i = 0; i < 200 && b->connected(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(b->connected());
  auto c = Connect("CS-c");
  server_->Stop();
  for (int i = 0; i < 200 && c->connected(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(c->connected());
  auto late = c->Call("Echo", {{"text", "x"}}).get();
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable);
}

TEST_F(Profile1Test, ValidationOnTheClientRefusesBadOutgoingCalls) {
  FakeValidator validator;
  auto client = Connect("CS-v", EchoHandlers(), &validator);
  auto r = client->Call("Echo", {{"text", 42}}).get();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evprov::ocpp::test

namespace evprov::ocpp::test {
namespace {

// A loopback TCP socket with a 3 s receive timeout; -1 on failure.
int RawConnect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends an upgrade request for target; returns the first line of the answer.
std::string SendUpgrade(int fd, const std::string& target, const std::string& extra_headers) {
  std::string req = "GET " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n" +
                    extra_headers + "\r\n";
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  char buf[512] = {};
  ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "no answer";
  std::string answer(buf, static_cast<std::size_t>(n));
  return answer.substr(0, answer.find("\r\n"));
}

std::string RawUpgradeStatus(std::uint16_t port, const std::string& target) {
  int fd = RawConnect(port);
  if (fd < 0) return "connect failed";
  std::string status = SendUpgrade(fd, target, "");
  ::close(fd);
  return status;
}

// Reads until the server closes; true if it did within the 3 s receive timeout.
bool ServerCloses(int fd) {
  char buf[256];
  for (int i = 0; i < 100; ++i) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0) return false;  // timeout
  }
  return false;
}

}  // namespace
}  // namespace evprov::ocpp::test
