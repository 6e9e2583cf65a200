#include "ocpp/rpc_engine.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "evprov/ocpp/payload_text.h"
#include "ocpp/fake_validator.h"
#include "ocpp/frame.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// An engine wired to vectors instead of a socket.
class EngineHarness {
 public:
  explicit EngineHarness(std::shared_ptr<Handlers> handlers = std::make_shared<Handlers>(),
                         EngineOptions options = {.validator = &validator_})
      : strand_(asio::make_strand(ioc_)) {
    SessionInfo session{.identity = "CS-1"};
    engine_ = std::make_shared<RpcEngine>(
        strand_, options, std::move(handlers), session,
        RpcEngine::Io{[this](std::string f) { sent_.push_back(std::move(f)); },
                      [this](std::string reason) { closed_ = std::move(reason); }});
  }
  void Feed(std::string text) {
    asio::post(strand_, [this, t = std::move(text)] { engine_->OnText(t); });
    Run();
  }
  void Run() {
    ioc_.restart();
    ioc_.run_for(20ms);
  }
  json SentJson(std::size_t i) const { return json::parse(sent_.at(i)); }

  static inline test::FakeValidator validator_;
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> strand_;
  std::shared_ptr<RpcEngine> engine_;
  std::vector<std::string> sent_;
  std::string closed_;
};

std::optional<Result<json>> CallAndCapture(EngineHarness& h, std::string action, json payload,
                                           std::chrono::milliseconds timeout = 5s) {
  auto out = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call(std::move(action), std::move(payload), {.timeout = timeout},
                  [out](Result<json> r) { *out = std::move(r); });
  h.Run();
  return *out;
}

TEST(RpcEngineTest, CallCompletesWithTheMatchingResult) {
  EngineHarness h;
  auto out = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", {{"text", "hi"}}, {}, [out](Result<json> r) { *out = std::move(r); });
  h.Run();
  ASSERT_EQ(h.sent_.size(), 1u);
  json call = h.SentJson(0);
  EXPECT_EQ(call[0], 2);
  EXPECT_EQ(call[2], "Echo");
  EXPECT_FALSE(out->has_value());
  h.Feed(SerializeCallResult("no-such-id", {{"text", "x"}}));  // ignored
  EXPECT_FALSE(out->has_value());
  h.Feed(SerializeCallResult(call[1].get<std::string>(), {{"text", "hi"}}));
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok()) << (*out)->status().ToString();
  EXPECT_EQ((*out)->value()["text"], "hi");
}

TEST(RpcEngineTest, OneOutstandingCallWithAQueueBehindIt) {
  EngineHarness h;
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    h.engine_->Call("Echo", {{"text", std::to_string(i)}}, {}, [&order, i](Result<json> r) {
      ASSERT_TRUE(r.ok());
      order.push_back(std::to_string(i) + "=" + (*r)["text"].get<std::string>());
    });
  }
  h.Run();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(h.sent_.size(), static_cast<std::size_t>(i + 1)) << "only one CALL may be in flight";
    json call = h.SentJson(i);
    EXPECT_EQ(call[3]["text"], std::to_string(i));
    h.Feed(SerializeCallResult(call[1].get<std::string>(), call[3]));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"0=0", "1=1", "2=2"}));
  // Ids are unique.
  EXPECT_NE(h.SentJson(0)[1], h.SentJson(1)[1]);
  EXPECT_NE(h.SentJson(1)[1], h.SentJson(2)[1]);
}

TEST(RpcEngineTest, TimeoutFailsTheCallAndFreesTheSlot) {
  EngineHarness h;
  auto first = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", {{"text", "a"}}, {.timeout = 30ms},
                  [first](Result<json> r) { *first = std::move(r); });
  auto second = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", {{"text", "b"}}, {.timeout = 5s},
                  [second](Result<json> r) { *second = std::move(r); });
  h.ioc_.run_for(200ms);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->status().code(), StatusCode::kDeadlineExceeded);
  ASSERT_EQ(h.sent_.size(), 2u);  // the second went out after the first timed out
  // A late answer to the first is ignored; the second completes normally.
  h.Feed(SerializeCallResult(h.SentJson(0)[1].get<std::string>(), {{"text", "a"}}));
  EXPECT_FALSE(second->has_value());
  h.Feed(SerializeCallResult(h.SentJson(1)[1].get<std::string>(), {{"text", "b"}}));
  ASSERT_TRUE(second->has_value());
  EXPECT_TRUE((*second)->ok());
}

TEST(RpcEngineTest, QueuedCallTimesOutWhileWaiting) {
  EngineHarness h;
  h.engine_->Call("Echo", {{"text", "a"}}, {.timeout = 5s}, [](Result<json>) {});
  auto queued = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", {{"text", "b"}}, {.timeout = 20ms},
                  [queued](Result<json> r) { *queued = std::move(r); });
  h.ioc_.run_for(150ms);
  ASSERT_TRUE(queued->has_value());
  EXPECT_EQ((*queued)->status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(h.sent_.size(), 1u) << "the queued call was never sent";
}

TEST(RpcEngineTest, CallErrorBecomesFailedPreconditionWithCode) {
  EngineHarness h;
  auto out = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", {{"text", "x"}}, {}, [out](Result<json> r) { *out = std::move(r); });
  h.Run();
  h.Feed(SerializeCallError(h.SentJson(0)[1].get<std::string>(),
                            {RpcErrorCode::kNotSupported, "not here"}));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CallErrorCodeOf((*out)->status()), RpcErrorCode::kNotSupported);
  EXPECT_EQ(CallErrorCodeOf(Status::FailedPrecondition("other")), std::nullopt);
}

TEST(RpcEngineTest, ValidatesOutgoingRequestsAndIncomingResponses) {
  EngineHarness h;
  auto bad = CallAndCapture(h, "Echo", {{"text", 5}});
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(h.sent_.empty()) << "an invalid request is never sent";

  auto out = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Heartbeat", json::object(), {}, [out](Result<json> r) { *out = std::move(r); });
  h.Run();
  h.Feed(SerializeCallResult(h.SentJson(0)[1].get<std::string>(), {{"wrong", 1}}));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE((*out)->status().message().find("currentTime"), std::string::npos);
}

TEST(RpcEngineTest, APreSerializedRequestIsSentAsItsTextWithoutValidation) {
  EngineHarness h;
  // {"text": 5} breaks the Echo rule: as a tree it is refused (test above);
  // as text it is the caller's to vouch for, and is sent as written.
  const std::string text = R"({"text":5})";
  auto out = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", PreSerialized(text), {}, [out](Result<json> r) { *out = std::move(r); });
  h.Run();
  ASSERT_EQ(h.sent_.size(), 1U);
  const std::string id = h.SentJson(0)[1].get<std::string>();
  EXPECT_EQ(h.sent_[0], R"([2,")" + id + R"(","Echo",)" + text + "]");
  // The response is still a tree, validated as always.
  h.Feed(SerializeCallResult(id, {{"text", "ok"}}));
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok()) << (*out)->status().message();
  EXPECT_EQ((*out)->value()["text"], "ok");
}

TEST(RpcEngineTest, ShutdownFailsPendingAndLaterCalls) {
  EngineHarness h;
  auto a = std::make_shared<std::optional<Result<json>>>();
  auto b = std::make_shared<std::optional<Result<json>>>();
  h.engine_->Call("Echo", {{"text", "a"}}, {}, [a](Result<json> r) { *a = std::move(r); });
  h.engine_->Call("Echo", {{"text", "b"}}, {}, [b](Result<json> r) { *b = std::move(r); });
  h.Run();
  h.engine_->Shutdown(Status::Unavailable("peer went away"));
  h.Run();
  ASSERT_TRUE(a->has_value() && b->has_value());
  EXPECT_EQ((*a)->status().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*b)->status().code(), StatusCode::kUnavailable);
  auto late = CallAndCapture(h, "Echo", {{"text", "c"}});
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->status().code(), StatusCode::kUnavailable);
}

std::shared_ptr<Handlers> EchoHandlers() {
  auto handlers = std::make_shared<Handlers>();
  handlers->OnSync("Echo", [](const SessionInfo& s, const json& p) -> HandlerResult {
    if (p["text"] == "fail") return RpcError{RpcErrorCode::kGenericError, "asked to fail"};
    if (p["text"] == "throw") throw std::runtime_error("boom");
    if (p["text"] == "badresponse") return json{{"text", 1}};
    return json{{"text", p["text"]}, {"who", s.identity}};
  });
  handlers->OnSync("Heartbeat", [](const SessionInfo&, const json&) -> HandlerResult {
    return json{{"currentTime", "2026-01-01T00:00:00Z"}};
  });
  return handlers;
}

struct IncomingCase {
  std::string frame;
  std::string expect_code;  // "" = CALLRESULT expected
};

TEST(RpcEngineTest, ErrorBoundaryAnswersEveryBadCall) {
  EngineHarness h(EchoHandlers());
  const IncomingCase cases[] = {
      {R"([2,"1","Echo",{"text":"hi"}])", ""},
      {R"([2,"2","Echo",{}])", "OccurrenceConstraintViolation"},
      {R"([2,"3","Echo",{"text":3}])", "TypeConstraintViolation"},
      {R"([2,"4","Heartbeat",{"x":1}])", "PropertyConstraintViolation"},
      {R"([2,"5","Unknown",{}])", "NotImplemented"},
      {R"([2,"6","Echo",{"text":"fail"}])", "GenericError"},
      {R"([2,"7","Echo",{"text":"throw"}])", "InternalError"},
      {R"([2,"8","Echo",{"text":"badresponse"}])", "InternalError"},
      {R"([2,"9","Echo",[]])", "FormatViolation"},
      {"not json", "RpcFrameworkError"},
      {R"([7,"10",{}])", "MessageTypeNotSupported"},
      {R"([2,"11"])", "RpcFrameworkError"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.frame);
    h.sent_.clear();
    h.Feed(c.frame);
    ASSERT_EQ(h.sent_.size(), 1u);
    json answer = h.SentJson(0);
    if (c.expect_code.empty()) {
      EXPECT_EQ(answer[0], 3);
      EXPECT_EQ(answer[2]["who"], "CS-1");
    } else {
      EXPECT_EQ(answer[0], 4);
      EXPECT_EQ(answer[2], c.expect_code) << answer.dump();
    }
  }
  EXPECT_TRUE(h.closed_.empty());
}

TEST(RpcEngineTest, ResponsesAreNeverAnswered) {
  EngineHarness h;
  h.Feed(R"([3,"1","x"])");
  h.Feed(R"([4,"1","A"])");
  h.Feed(R"([3,"unknown",{}])");
  EXPECT_TRUE(h.sent_.empty());
}

TEST(RpcEngineTest, DuplicateIdOfACallInProgressIsRefused) {
  auto handlers = std::make_shared<Handlers>();
  std::vector<Reply> held;
  handlers->On("Echo", [&held](const SessionInfo&, const json&, Reply r) { held.push_back(r); });
  EngineHarness h(handlers);
  h.Feed(R"([2,"same","Echo",{"text":"1"}])");
  h.Feed(R"([2,"same","Echo",{"text":"2"}])");
  ASSERT_EQ(h.sent_.size(), 1u);
  EXPECT_EQ(h.SentJson(0)[2], "RpcFrameworkError");
  ASSERT_EQ(held.size(), 1u);
  held[0].Ok({{"text", "1"}});
  h.Run();
  ASSERT_EQ(h.sent_.size(), 2u);
  EXPECT_EQ(h.SentJson(1), json::parse(R"([3,"same",{"text":"1"}])"));
}

TEST(RpcEngineTest, HandlerMayAnswerLaterFromAnotherThreadOnce) {
  auto handlers = std::make_shared<Handlers>();
  std::vector<Reply> held;
  handlers->On("Echo", [&held](const SessionInfo&, const json&, Reply r) { held.push_back(r); });
  EngineHarness h(handlers);
  h.Feed(R"([2,"a","Echo",{"text":"1"}])");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_TRUE(h.sent_.empty());
  std::thread t([r = held[0]] {
    r.Ok({{"text", "late"}});
    r.Error({RpcErrorCode::kGenericError, "second answer is ignored"});
  });
  t.join();
  EXPECT_TRUE(held[0].answered());
  h.Run();
  ASSERT_EQ(h.sent_.size(), 1u);
  EXPECT_EQ(h.SentJson(0)[2]["text"], "late");
}

TEST(RpcEngineTest, DroppedReplyIsAnsweredWithInternalError) {
  auto handlers = std::make_shared<Handlers>();
  handlers->On("Echo", [](const SessionInfo&, const json&, const Reply&) {});
  EngineHarness h(handlers);
  h.Feed(R"([2,"a","Echo",{"text":"1"}])");
  ASSERT_EQ(h.sent_.size(), 1u);
  EXPECT_EQ(h.SentJson(0)[2], "InternalError");
}

TEST(RpcEngineTest, TooManyBadFramesClose) {
  EngineHarness h(std::make_shared<Handlers>(), {.max_bad_messages = 3});
  for (int i = 0; i < 3; ++i) h.Feed("garbage");
  EXPECT_TRUE(h.closed_.empty());
  h.Feed("garbage");
  EXPECT_FALSE(h.closed_.empty());
}

TEST(RpcEngineTest, AsyncCallWorksFromACoroutine) {
  EngineHarness h;
  std::optional<Result<json>> out;
  asio::co_spawn(
      h.ioc_,
      [&]() -> asio::awaitable<void> {
        json payload = {{"text", "co"}};
        out = co_await h.engine_->AsyncCall("Echo", payload, CallOptions{}, asio::use_awaitable);
      },
      asio::detached);
  h.Run();
  ASSERT_EQ(h.sent_.size(), 1u);
  h.Feed(SerializeCallResult(h.SentJson(0)[1].get<std::string>(), {{"text", "co"}}));
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->ok());
  EXPECT_EQ(out->value()["text"], "co");
}

}  // namespace
}  // namespace evprov::ocpp
