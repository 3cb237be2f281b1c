// The config table, loader and validator (config/): round trip of every key, each kind of refusal,
// precedence, costs and secrets, and docs/CONFIG.md against the table.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "config/render.h"
#include "config/settings.h"
#include "config/validate.h"
#include "support/test_support.h"

namespace huracan::config {
namespace {

struct Env {
  std::map<std::string, std::string> vars;
  std::function<std::optional<std::string>(const std::string&)> Fn() const {
    return [vars = vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

std::string WriteTemp(const std::string& name, const std::string& text) {
  static const std::string dir = huracan::testing::MakeTempDir("config_test");
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

LoadResult LoadText(const std::string& yaml, const Env& env = {}, std::map<std::string, std::string> flags = {}) {
  LoadOptions o;
  o.config_flag = WriteTemp("c.yaml", yaml);
  o.getenv = env.Fn();
  o.flags = std::move(flags);
  return Load(o);
}

std::string Joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += e + "\n";
  return out;
}

// The example file with the line of `key` uncommented and set to `value`.
std::string InitWith(const std::string& key, const std::string& value) {
  std::string text = RenderInit();
  const KeyDecl* d = FindDecl(key);
  size_t sec = text.find("\n" + d->section() + ":\n");
  size_t line = text.find("  # " + d->name() + ":", sec);
  size_t end = text.find('\n', line);
  return text.substr(0, line) + "  " + d->name() + ": " + value + text.substr(end);
}

// A valid value for each key whose default is unset; other keys use their default text.
std::string SampleValue(const KeyDecl& d) {
  static const std::string rules = WriteTemp("rules.json", R"({"min_trades": 1})");
  static const std::string secret = WriteTemp("secret.txt", "s3cret\n");
  if (d.key == "promotion.rules_file") return rules;
  if (d.key == "data.reference_symbol") return "BTCUSDT";
  if (d.key.ends_with("_file")) return secret;
  if (d.type == Type::kDouble) return "1";
  if (d.type == Type::kInt && !d.has_default) return "1";
  if (d.type == Type::kBool) return "true";
  if (d.type == Type::kList && d.default_value.empty()) return d.key == "telegram.chat_ids" ? "[]" : "[BTCUSDT]";
  if (d.type == Type::kList) return "[" + d.default_value + "]";
  return d.default_value.empty() ? "x" : YamlScalar(d.default_value);
}

TEST(ConfigInit, EveryKeyRoundTripsThroughInitCheckShow) {
  const std::string init = RenderInit();
  LoadResult r = LoadText(init);
  ASSERT_TRUE(r.ok()) << Joined(r.errors);
  const ShowResult show = BuildShow(r.settings);
  ASSERT_EQ(show.entries.size(), Declarations().size());
  for (const auto& e : show.entries) {
    EXPECT_EQ(e.source, "default") << e.key;
    EXPECT_NE(init.find("  # " + e.name + ":"), std::string::npos) << e.key << " missing from config init";
  }
  // Each key set in the file alone validates and shows with source file, at its line.
  for (const auto& d : Declarations()) {
    // Secrets cannot be inline; the password and AWS key files need a partner (next test).
    if (d.secret || d.key == "database.password_file" || d.key.starts_with("archive.aws")) continue;
    LoadResult one = LoadText(InitWith(d.key, SampleValue(d)));
    ASSERT_TRUE(one.ok()) << d.key << ":\n" << Joined(one.errors);
    const Value& v = one.settings.Get(d.key);
    EXPECT_EQ(SourceName(v.source), std::string("file")) << d.key;
    EXPECT_NE(v.origin.find("c.yaml:"), std::string::npos) << d.key;
  }
}

TEST(ConfigInit, SecretFilesAndTheirPairs) {
  const std::string secret = WriteTemp("pw.txt", "p@ss word\n");
  LoadResult r =
      LoadText("database:\n  url: postgres://u@localhost/db\n  password_file: " + secret +
               "\narchive:\n  aws_access_key_id_file: " + secret + "\n  aws_secret_access_key_file: " + secret + "\n");
  ASSERT_TRUE(r.ok()) << Joined(r.errors);
  EXPECT_EQ(r.settings.DatabaseUrl(), "postgres://u:p%40ss%20word@localhost/db");
  for (const auto& e : BuildShow(r.settings).entries) {
    EXPECT_EQ(e.value.find("p@ss"), std::string::npos) << e.key;
    if (e.secret && e.set) {
      EXPECT_EQ(e.value, "***") << e.key;
      EXPECT_EQ(e.source, "file") << e.key;
    }
  }
  // One AWS key without the other is a conflict.
  LoadResult half = LoadText("archive:\n  aws_access_key_id_file: " + secret + "\n");
  ASSERT_FALSE(half.ok());
  EXPECT_NE(Joined(half.errors).find("archive.aws_access_key_id"), std::string::npos) << Joined(half.errors);
}

// Each refusal names the file, the line and the key.
void ExpectRefused(const std::string& yaml, const std::string& where, const std::string& key,
                   const std::string& words) {
  LoadResult r = LoadText(yaml);
  ASSERT_FALSE(r.ok()) << yaml;
  const std::string all = Joined(r.errors);
  EXPECT_NE(all.find("c.yaml:" + where + ": " + key + ": "), std::string::npos) << all;
  EXPECT_NE(all.find(words), std::string::npos) << all;
}

TEST(ConfigValidate, EachKindOfMistakeIsRefusedWithFileLineAndKey) {
  ExpectRefused("training:\n  retries: 2\n  max_concurent: 4\n", "3", "training.max_concurent",
                "did you mean training.max_concurrent?");
  ExpectRefused("trainig:\n  retries: 2\n", "1", "trainig", "unknown section (did you mean training?)");
  ExpectRefused("training:\n  retries: many\n", "2", "training.retries", "expected an integer");
  ExpectRefused("training:\n  retries: [1, 2]\n", "2", "training.retries", "got a list");
  ExpectRefused("http:\n  port: 70000\n", "2", "http.port", "out of range");
  ExpectRefused("training:\n  timeout_minutes: -1\n", "2", "training.timeout_minutes", "out of range");
  ExpectRefused("training:\n  mode: fast\n", "2", "training.mode", "not one of sequential, parallel, hybrid");
  ExpectRefused("training:\n  mode: sequential\n  max_concurrent: 4\n", "3", "training.max_concurrent",
                "training.mode sequential");
  ExpectRefused("engines:\n  run: [trend_ma, trendma]\n", "2", "engines.run", "unknown engine 'trendma'");
  ExpectRefused("features:\n  recipe: no-such-recipe\n", "2", "features.recipe", "no-such-recipe");
  ExpectRefused("costs:\n  preset: cheap\n", "2", "costs.preset", "neither a preset");
  ExpectRefused("costs:\n  notional: 0\n", "2", "costs.notional", "must be > 0");
  ExpectRefused("promotion:\n  rules_file: /no/such/rules.json\n", "2", "promotion.rules_file", "rules.json");
  ExpectRefused("promotion:\n  max_drawdown: 0\n", "2", "promotion.max_drawdown", "(0, 1]");
  ExpectRefused("data:\n  timeframe: 7x\n", "2", "data.timeframe", "not a timeframe");
  ExpectRefused("archive:\n  url: gs://bucket/x\n", "2", "archive.url", "s3://bucket/prefix");
  ExpectRefused("http:\n  bind: 0.0.0.0\n", "2", "http.bind", "HURACAN_HTTP_TOKEN");
  ExpectRefused("telegram:\n  chat_ids: [12, abc]\n", "2", "telegram.chat_ids", "'abc'");
}

// Table-driven over the whole table: for every key, a value of the wrong type in the file and in
// its environment variable, and an out-of-range number at each bound, are refused naming the key
// (and the variable); a secret's refused value is never echoed.
TEST(ConfigValidate, EveryKeyRefusesWrongTypesAndOutOfRangeValuesFromFileAndEnv) {
  int tried = 0;
  for (const KeyDecl& d : Declarations()) {
    std::vector<std::string> bad;
    if (d.type == Type::kInt) bad = {"abc", "1.5"};
    if (d.type == Type::kDouble) bad = {"abc", "nan"};
    if (d.type == Type::kBool) bad = {"maybe"};
    if (d.type == Type::kEnum) bad = {"no-such-value"};
    if (d.type == Type::kInt || d.type == Type::kDouble) {
      if (d.min) bad.push_back(std::to_string(static_cast<long long>(*d.min) - 1000000));
      if (d.max) bad.push_back(std::to_string(static_cast<long long>(*d.max) + 1000000));
    }
    for (const std::string& v : bad) {
      if (!d.secret) {
        ++tried;
        LoadResult f = LoadText(d.section() + ":\n  " + d.name() + ": " + v + "\n");
        EXPECT_FALSE(f.ok()) << d.key << " = " << v;
        EXPECT_NE(Joined(f.errors).find(d.key + ": "), std::string::npos) << d.key << " = " << v << "\n"
                                                                          << Joined(f.errors);
      }
      if (d.env.empty()) continue;
      ++tried;
      LoadResult e = LoadText("", Env{{{d.env, v}}});
      EXPECT_FALSE(e.ok()) << d.env << "=" << v;
      const std::string all = Joined(e.errors);
      EXPECT_NE(all.find("env " + d.env + ": " + d.key + ": "), std::string::npos) << d.env << "=" << v << "\n" << all;
    }
  }
  // Unknown keys in every section.
  for (const std::string& section : Sections()) {
    ++tried;
    LoadResult r = LoadText(section + ":\n  no_such_key: 1\n");
    EXPECT_NE(Joined(r.errors).find(section + ".no_such_key"), std::string::npos) << Joined(r.errors);
  }
  EXPECT_GE(tried, 50);
  std::cout << "config: " << tried << " bad values refused naming their key\n";
}

TEST(ConfigValidate, SecretsInlineAreRefusedWithoutEchoingThem) {
  ExpectRefused("telegram:\n  token: 123:abcdef\n", "2", "telegram.token", "set TELEGRAM_TOKEN or telegram.token_file");
  ExpectRefused("http:\n  token: tok-xyz\n", "2", "http.token", "set HURACAN_HTTP_TOKEN or http.token_file");
  ExpectRefused("archive:\n  aws_secret_access_key: AKIAxyz\n", "2", "archive.aws_secret_access_key",
                "set AWS_SECRET_ACCESS_KEY or archive.aws_secret_access_key_file");
  ExpectRefused("database:\n  url: postgres://u:hunter2@localhost/db\n", "2", "database.url",
                "set DATABASE_URL or database.password_file");
  LoadResult r = LoadText("telegram:\n  token: 123:abcdef\ndatabase:\n  url: postgres://u:hunter2@localhost/db\n");
  const std::string all = Joined(r.errors);
  EXPECT_EQ(all.find("abcdef"), std::string::npos) << all;
  EXPECT_EQ(all.find("hunter2"), std::string::npos) << all;
}

TEST(ConfigValidate, EveryErrorIsReportedNotOnlyTheFirst) {
  LoadResult r = LoadText("training:\n  retries: x\n  mode: y\nhttp:\n  port: 0\nbogus:\n  a: 1\n");
  EXPECT_EQ(r.errors.size(), 4u) << Joined(r.errors);
}

TEST(ConfigValidate, BadYamlNamesTheLine) {
  LoadResult r = LoadText("training:\n  retries: [1\n  mode: x\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors[0].find("c.yaml:"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("not valid YAML"), std::string::npos) << r.errors[0];
}

TEST(ConfigPrecedence, FlagBeatsEnvBeatsFileBeatsDefault) {
  const std::string yaml = "training:\n  retries: 3\n";
  Env env;
  env.vars["HURACAN_TRAINING_RETRIES"] = "4";
  LoadResult all = LoadText(yaml, env, {{"training.retries", "5"}});
  ASSERT_TRUE(all.ok()) << Joined(all.errors);
  EXPECT_EQ(all.settings.Int("training.retries"), 5);
  EXPECT_EQ(all.settings.Get("training.retries").source, Source::kFlag);
  LoadResult no_flag = LoadText(yaml, env);
  EXPECT_EQ(no_flag.settings.Int("training.retries"), 4);
  EXPECT_EQ(no_flag.settings.Get("training.retries").source, Source::kEnv);
  LoadResult file_only = LoadText(yaml);
  EXPECT_EQ(file_only.settings.Int("training.retries"), 3);
  EXPECT_EQ(file_only.settings.Get("training.retries").source, Source::kFile);
  LoadResult none = LoadText("");
  EXPECT_EQ(none.settings.Int("training.retries"), 1);
  EXPECT_EQ(none.settings.Get("training.retries").source, Source::kDefault);
  // A bad environment value is refused with the variable named.
  Env bad;
  bad.vars["HURACAN_TRAINING_RETRIES"] = "lots";
  LoadResult r = LoadText(yaml, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors[0].find("env HURACAN_TRAINING_RETRIES: training.retries:"), std::string::npos) << r.errors[0];
}

TEST(ConfigPrecedence, DatabaseUrlKeepsDatabaseUrlAsItsVariable) {
  Env env;
  env.vars["DATABASE_URL"] = "postgres://u:pw@localhost/db";
  LoadResult r = LoadText("database:\n  url: ./file.db\n", env);
  ASSERT_TRUE(r.ok()) << Joined(r.errors);
  EXPECT_EQ(r.settings.DatabaseUrl(), "postgres://u:pw@localhost/db");
  for (const auto& e : BuildShow(r.settings).entries) {
    if (e.key == "database.url") {
      EXPECT_EQ(e.value, "postgres://u:***@localhost/db");
    }
  }
}

TEST(ConfigCosts, OverridesApplyFieldByFieldOnTopOfTheSymbolDefault) {
  LoadResult r = LoadText("costs:\n  taker_fee_bps: 3\n  maker_entry: true\n");
  ASSERT_TRUE(r.ok()) << Joined(r.errors);
  const costs::CostOverrides o = *r.settings.Costs();
  const costs::CostConfig perp = o.ForSymbol("BTCUSDT-PERP");
  EXPECT_EQ(perp.taker_fee_bps, 3.0);
  EXPECT_EQ(perp.maker_fee_bps, costs::CostConfig::ForSymbol("BTCUSDT-PERP").maker_fee_bps);
  EXPECT_TRUE(perp.maker_entry);
  EXPECT_EQ(o.ForSymbol("SOLUSDT").notional, costs::CostConfig::ForSymbol("SOLUSDT").notional);
  EXPECT_TRUE(LoadText("").settings.Costs()->empty());
  // Every numeric CostConfig field has its key.
  for (const auto& f : costs::CostNumberFields()) EXPECT_NE(FindDecl(std::string("costs.") + f.name), nullptr);
}

TEST(ConfigCosts, TheCostsFlagReplacesThePresetAndTheFieldKeysStillApplyOnTop) {
  const std::string yaml = "costs:\n  preset: binance-spot-taker\n  spread_floor_bps: 0.5\n";
  LoadResult file = LoadText(yaml);
  ASSERT_TRUE(file.ok()) << Joined(file.errors);
  EXPECT_EQ(file.settings.Costs()->ForSymbol("SOLUSDT").taker_fee_bps, 10.0);
  LoadResult flag = LoadText(yaml, {}, {{"costs.preset", "zero"}});
  ASSERT_TRUE(flag.ok()) << Joined(flag.errors);
  EXPECT_EQ(SourceName(flag.settings.Get("costs.preset").source), std::string("flag"));
  const costs::CostConfig c = flag.settings.Costs()->ForSymbol("SOLUSDT");
  EXPECT_EQ(c.taker_fee_bps, 0.0);
  EXPECT_EQ(c.spread_floor_bps, 0.5);  // the file's field key, on top of the flag's preset
  // A preset in the file that does not resolve is refused, naming the key.
  LoadResult bad = LoadText("costs:\n  preset: nope\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(Joined(bad.errors).find("costs.preset"), std::string::npos) << Joined(bad.errors);
  EXPECT_NE(Joined(bad.errors).find("nope"), std::string::npos) << Joined(bad.errors);
  LoadResult fill = LoadText("costs:\n  maker_fill_bars: 0\n");
  EXPECT_FALSE(fill.ok());
}

TEST(ConfigDefaults, NoFileMeansTheCommandsOldDefaults) {
  LoadOptions o;
  o.getenv = Env{}.Fn();
  o.config_flag = "";
  LoadResult r = Load(o);  // the test's working folder has no huracan.yaml
  ASSERT_TRUE(r.ok()) << Joined(r.errors);
  EXPECT_EQ(r.settings.String("data.dir"), "data/sample");
  EXPECT_EQ(r.settings.String("archive.url"), "./archive");
  EXPECT_EQ(r.settings.DatabaseUrl(), "./huracan.db");
  EXPECT_EQ(r.settings.EnginesSpec(), "");
  EXPECT_EQ(r.settings.String("features.recipe"), "default");
  EXPECT_EQ(r.settings.InlineRules().ToJson(), registry::PromotionRules{}.ToJson());
}

TEST(ConfigDocs, ConfigMdHoldsTheGeneratedReference) {
  std::ifstream in(huracan::testing::SourceDir() + "/docs/CONFIG.md");
  ASSERT_TRUE(in) << "docs/CONFIG.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const size_t at = doc.find(kDocsMarker);
  ASSERT_NE(at, std::string::npos) << "docs/CONFIG.md lacks the generated section";
  EXPECT_EQ(doc.substr(at), RenderDocs())
      << "docs/CONFIG.md is out of date: run scripts/gen-config-docs.sh (huracan config docs)";
}

TEST(ConfigUrls, PasswordDetectionAndMasking) {
  EXPECT_TRUE(UrlHasPassword("postgres://u:p@h/db"));
  EXPECT_TRUE(UrlHasPassword("postgres://h/db?user=u&password=x"));
  EXPECT_FALSE(UrlHasPassword("postgres://u@h:5432/db"));
  EXPECT_FALSE(UrlHasPassword("./huracan.db"));
  EXPECT_EQ(MaskUrlPassword("postgres://u:p@h/db?password=x&a=1"), "postgres://u:***@h/db?password=***&a=1");
  EXPECT_EQ(WithPassword("postgres://u@h:5432/db", "a:b"), "postgres://u:a%3Ab@h:5432/db");
}

}  // namespace
}  // namespace huracan::config
