#include "cli/serve_config.h"

#include <gtest/gtest.h>

#include <string>

namespace evprov::cli {
namespace {

const std::string kGood = R"(store: sqlite:db/evprov.db
station_secret_file: station.secret
host_name: station.line1.example
tls:
  chain_file: tls/chain.pem
  key_file: tls/key.pem
  root_file: /etc/evprov/root.pem
factory:
  bootstrap_port: 8443
validation:
  - environment: staging
    port: 8450
  - environment: production
threads: 3
)";

Result<ServeConfig> Load(const std::string& text) {
  return LoadServeConfigFromString(text, "serve.yaml", "/srv/evprov");
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(ServeConfigTest, ReadsTheFileAndResolvesRelativePathsAgainstItsDirectory) {
  auto c = Load(kGood);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store, "sqlite:/srv/evprov/db/evprov.db");
  EXPECT_EQ(c->station_secret_file, "/srv/evprov/station.secret");
  EXPECT_EQ(c->tls_chain_file, "/srv/evprov/tls/chain.pem");
  EXPECT_EQ(c->tls_root_file, "/etc/evprov/root.pem");
  EXPECT_EQ(c->factory_bootstrap_port, 8443);
  EXPECT_EQ(c->factory_idevid_port, 0);
  ASSERT_EQ(c->validation.size(), 2u);
  EXPECT_EQ(c->validation[1].environment, "production");
  EXPECT_EQ(c->validation[1].port, 0);
  EXPECT_EQ(c->threads, 3);
  EXPECT_TRUE(CheckServeConfig(*c).ok());
}

struct BadCase {
  std::string from;
  std::string to;
  std::string message;
};

TEST(ServeConfigTest, BadFilesNameTheFieldAndTheReason) {
  const BadCase cases[] = {
      {"threads: 3", "threads: 3\nlisten_port: 1", "listen_port: unknown key"},
      {"  bootstrap_port: 8443", "  bootstrap_port: eighty", "factory.bootstrap_port"},
      {"host_name: station.line1.example\n", "", "host_name: "},
      {"  key_file: tls/key.pem\n", "", "tls.key_file"},
  };
  for (const auto& c : cases) {
    auto r = Load(Replace(kGood, c.from, c.to));
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_NE(r.status().message().find("serve.yaml"), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().ToString();
  }
}

TEST(ServeConfigTest, RulesAfterFlagsNameTheField) {
  auto c = Load(kGood);
  ASSERT_TRUE(c.ok());
  auto bad_port = *c;
  bad_port.validation[0].port = 70000;
  EXPECT_NE(CheckServeConfig(bad_port).message().find("validation[0].port"), std::string::npos);
  auto twice = *c;
  twice.validation[1].environment = "staging";
  EXPECT_NE(CheckServeConfig(twice).message().find("'staging' is listed twice"), std::string::npos);
  auto idevid = *c;
  idevid.factory_idevid_port = 8444;
  EXPECT_NE(CheckServeConfig(idevid).message().find("manufacturer_ca_file"), std::string::npos);
  auto no_store = *c;
  no_store.store.clear();
  EXPECT_NE(CheckServeConfig(no_store).message().find("store: required"), std::string::npos);
}

}  // namespace
}  // namespace evprov::cli
