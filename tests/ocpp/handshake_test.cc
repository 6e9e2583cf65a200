#include "ocpp/handshake.h"

#include <gtest/gtest.h>

namespace evprov::ocpp {
namespace {

TEST(HandshakeTest, IdentityFromTarget) {
  EXPECT_EQ(*IdentityFromTarget("/ocpp/CS-1", "/ocpp/"), "CS-1");
  EXPECT_EQ(*IdentityFromTarget("/ocpp/CS%2D1?x=1", "/ocpp/"), "CS-1");
  EXPECT_EQ(*IdentityFromTarget("/ocpp/a%7Cb%40c", "/ocpp/"), "a|b@c");
  EXPECT_EQ(IdentityFromTarget("/other/CS-1", "/ocpp/").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(IdentityFromTarget("/ocpp/a/b", "/ocpp/").status().code(), StatusCode::kNotFound);
  for (const char* bad : {"/ocpp/", "/ocpp/a:b", "/ocpp/a%3Ab", "/ocpp/a%2", "/ocpp/a%zz",
                          "/ocpp/a%00b", "/ocpp/a%20b", "/ocpp/%2F"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(IdentityFromTarget(bad, "/ocpp/").status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(IdentityFromTarget("/ocpp/" + std::string(48, 'x'), "/ocpp/").ok());
  EXPECT_FALSE(IdentityFromTarget("/ocpp/" + std::string(49, 'x'), "/ocpp/").ok());
}

TEST(HandshakeTest, PercentEncodeRoundTrips) {
  for (std::string s : {"CS-1", "a|b@c", "x*y=z+w", "sp ace"}) {
    EXPECT_EQ(*PercentDecode(PercentEncode(s)), s);
  }
  EXPECT_EQ(PercentEncode("a|b"), "a%7Cb");
}

TEST(HandshakeTest, BasicAuthRoundTrips) {
  auto c = ParseBasicAuth(BasicAuthHeader("CS-1", "pa:ss*word-1234567"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "CS-1");
  EXPECT_EQ(c->password, "pa:ss*word-1234567");
  for (std::string pw : {"", "a", "ab", "abc", "abcd"}) {  // every padding length
    auto p = ParseBasicAuth(BasicAuthHeader("u", pw));
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->password, pw);
  }
  EXPECT_FALSE(ParseBasicAuth("").has_value());
  EXPECT_FALSE(ParseBasicAuth("Bearer abc").has_value());
  EXPECT_FALSE(ParseBasicAuth("Basic !!!!").has_value());
  EXPECT_FALSE(ParseBasicAuth("Basic dXNlcg==").has_value());  // "user", no colon
}

TEST(HandshakeTest, ChoosesServerPreferredSubprotocol) {
  std::vector<std::string> supported = {"ocpp2.0.1", "ocpp1.6"};
  EXPECT_EQ(ChooseSubprotocol("ocpp1.6, ocpp2.0.1", supported), "ocpp2.0.1");
  EXPECT_EQ(ChooseSubprotocol("ocpp1.6", supported), "ocpp1.6");
  EXPECT_EQ(ChooseSubprotocol("ocpp2.1,ocpp1.5", supported), std::nullopt);
  EXPECT_EQ(ChooseSubprotocol("", supported), std::nullopt);
}

TEST(HandshakeTest, ParsesEndpoints) {
  auto e = ParseEndpoint("wss://127.0.0.1:8443/ocpp");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, "8443");
  EXPECT_EQ(e->path, "/ocpp/");
  auto d = ParseEndpoint("ws://localhost");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, "80");
  EXPECT_EQ(d->path, "/");
  auto v6 = ParseEndpoint("ws://[::1]:9000/x/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "9000");
  EXPECT_FALSE(ParseEndpoint("http://x/").ok());
  EXPECT_FALSE(ParseEndpoint("ws://:80/").ok());
  EXPECT_FALSE(ParseEndpoint("ws://h:x/").ok());
}

}  // namespace
}  // namespace evprov::ocpp
