#include "ocpp/frame.h"

#include <gtest/gtest.h>

#include "evprov/ocpp/payload_text.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;

TEST(FrameTest, ParsesCall) {
  auto f = ParseFrame(R"([2,"19223201","BootNotification",{"reason":"PowerUp"}])");
  auto* call = std::get_if<CallFrame>(&f);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->id, "19223201");
  EXPECT_EQ(call->action, "BootNotification");
  EXPECT_EQ(call->payload, json({{"reason", "PowerUp"}}));
}

TEST(FrameTest, ParsesCallResultAndCallError) {
  auto r = ParseFrame(R"([3,"7",{"status":"Accepted"}])");
  ASSERT_TRUE(std::holds_alternative<CallResultFrame>(r));
  EXPECT_EQ(std::get<CallResultFrame>(r).payload["status"], "Accepted");

  auto e = ParseFrame(R"([4,"7","NotImplemented","nope",{}])");
  ASSERT_TRUE(std::holds_alternative<CallErrorFrame>(e));
  EXPECT_EQ(std::get<CallErrorFrame>(e).code, RpcErrorCode::kNotImplemented);
  EXPECT_EQ(std::get<CallErrorFrame>(e).description, "nope");

  auto odd = ParseFrame(R"([4,"7","Bogus","x",{}])");
  ASSERT_TRUE(std::holds_alternative<CallErrorFrame>(odd));
  EXPECT_EQ(std::get<CallErrorFrame>(odd).code, RpcErrorCode::kGenericError);
  EXPECT_EQ(std::get<CallErrorFrame>(odd).code_name, "Bogus");
}

struct BadCase {
  const char* text;
  RpcErrorCode code;
  const char* id;
  bool answerable;
};

TEST(FrameTest, BadFramesSayWhatToAnswer) {
  const BadCase cases[] = {
      {"not json", RpcErrorCode::kRpcFrameworkError, "-1", true},
      {R"({"a":1})", RpcErrorCode::kRpcFrameworkError, "-1", true},
      {"[]", RpcErrorCode::kRpcFrameworkError, "-1", true},
      {R"(["2","1","A",{}])", RpcErrorCode::kRpcFrameworkError, "-1", true},
      {R"([2,1,"A",{}])", RpcErrorCode::kRpcFrameworkError, "-1", true},
      {R"([2,"",  "A",{}])", RpcErrorCode::kRpcFrameworkError, "-1", true},
      {R"([9,"5","A",{}])", RpcErrorCode::kMessageTypeNotSupported, "5", true},
      {R"([2,"5","A"])", RpcErrorCode::kRpcFrameworkError, "5", true},
      {R"([2,"5",7,{}])", RpcErrorCode::kRpcFrameworkError, "5", true},
      {R"([2,"5","A",[1]])", RpcErrorCode::kFormatViolation, "5", true},
      {R"([3,"5"])", RpcErrorCode::kRpcFrameworkError, "5", false},
      {R"([3,"5","x"])", RpcErrorCode::kRpcFrameworkError, "5", false},
      {R"([4,"5","A","b"])", RpcErrorCode::kRpcFrameworkError, "5", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto f = ParseFrame(c.text);
    auto* bad = std::get_if<FrameError>(&f);
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->error.code, c.code);
    EXPECT_EQ(bad->id, c.id);
    EXPECT_EQ(bad->answerable, c.answerable);
    EXPECT_FALSE(bad->error.description.empty());
  }
}

TEST(FrameTest, RejectsOverlongMessageId) {
  std::string id(kMaxMessageIdLength + 1, 'x');
  auto f = ParseFrame("[2,\"" + id + "\",\"A\",{}]");
  ASSERT_TRUE(std::holds_alternative<FrameError>(f));
}

TEST(FrameTest, SerializesRoundTrip) {
  EXPECT_EQ(SerializeCall("1", "Heartbeat", json::object()), R"([2,"1","Heartbeat",{}])");
  EXPECT_EQ(SerializeCallResult("1", {{"currentTime", "t"}}), R"([3,"1",{"currentTime":"t"}])");
  EXPECT_EQ(SerializeCallError("1", {RpcErrorCode::kFormatViolation, "bad"}),
            R"([4,"1","FormatViolation","bad",{}])");
  EXPECT_EQ(SerializeCallError("1", {RpcErrorCode::kFormatViolation, "bad"}, OcppVersion::kV16),
            R"([4,"1","FormationViolation","bad",{}])");
  // Invalid UTF-8 from a handler does not throw.
  EXPECT_NO_THROW(SerializeCallResult("1", {{"s", std::string("\xff")}}));
  // The id and the action are JSON strings, escaped; a frame reads back as written.
  const json payload = {{"k", "v\n\"q\""}, {"n", {1, 2}}};
  const std::string call = SerializeCall("i\"d", "Act\\ion", payload);
  EXPECT_EQ(call, R"([2,"i\"d","Act\\ion",{"k":"v\n\"q\"","n":[1,2]}])");
  auto parsed = ParseFrame(call);
  ASSERT_TRUE(std::holds_alternative<CallFrame>(parsed));
  EXPECT_EQ(std::get<CallFrame>(parsed).id, "i\"d");
  EXPECT_EQ(std::get<CallFrame>(parsed).action, "Act\\ion");
  EXPECT_EQ(std::get<CallFrame>(parsed).payload, payload);
  auto result = ParseFrame(SerializeCallResult("7\\", payload));
  ASSERT_TRUE(std::holds_alternative<CallResultFrame>(result));
  EXPECT_EQ(std::get<CallResultFrame>(result).id, "7\\");
  EXPECT_EQ(std::get<CallResultFrame>(result).payload, payload);
}

TEST(FrameTest, APreSerializedPayloadIsWrittenAsItsText) {
  const std::string text = R"({"b":[1,2],"a":"x\"y"})";  // not in nlohmann's key order
  const std::string call = SerializeCall("9", "Notify\"Report", PreSerialized(text));
  EXPECT_EQ(call, R"([2,"9","Notify\"Report",)" + text + "]");
  auto parsed = ParseFrame(call);
  ASSERT_TRUE(std::holds_alternative<CallFrame>(parsed));
  EXPECT_EQ(std::get<CallFrame>(parsed).payload, json::parse(text));
  // Only a PreSerialized value has a text; other binary values and trees do not.
  EXPECT_EQ(PreSerializedText(PreSerialized(text)), text);
  EXPECT_FALSE(PreSerializedText(json::binary({1, 2, 3})).has_value());
  EXPECT_FALSE(PreSerializedText(json::binary({1, 2, 3}, 7)).has_value());
  EXPECT_FALSE(PreSerializedText(json::parse(text)).has_value());
  EXPECT_FALSE(PreSerializedText(json(text)).has_value());
}

TEST(FrameTest, AppendJsonStringWritesWhatDumpWrites) {
  for (std::string s : {std::string("plain"), std::string("q\"b\\"), std::string("tab\tnl\n"),
                        std::string("\x01"), std::string("caf\xc3\xa9"), std::string("bad\xff")}) {
    std::string out = "<";
    AppendJsonString(out, s);
    EXPECT_EQ(out, "<" + json(s).dump(-1, ' ', false, json::error_handler_t::replace)) << s;
  }
  const json state = {{"pem", "-----BEGIN-----\nAA==\n"}, {"n", 1}, {"bad", "\xff"}};
  EXPECT_EQ(JsonText(state), state.dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST(ValidationNamesTest, EveryCodeRoundTrips) {
  for (int i = 0; i <= static_cast<int>(RpcErrorCode::kTypeConstraintViolation); ++i) {
    auto code = static_cast<RpcErrorCode>(i);
    auto parsed = ParseRpcErrorCode(RpcErrorCodeName(code));
    ASSERT_TRUE(parsed.has_value()) << RpcErrorCodeName(code);
    EXPECT_EQ(*parsed, code);
  }
  EXPECT_EQ(ParseRpcErrorCode("FormationViolation"), RpcErrorCode::kFormatViolation);
  EXPECT_EQ(ParseRpcErrorCode("OccurenceConstraintViolation"),
            RpcErrorCode::kOccurrenceConstraintViolation);
  EXPECT_FALSE(ParseRpcErrorCode("Nonsense").has_value());
}

}  // namespace
}  // namespace evprov::ocpp
