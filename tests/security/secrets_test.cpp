// Secrets never leak (docs/RELIABILITY.md, "Security"): every command of `huracan --help` runs with
// known fake secrets in the environment, on its success and failure paths (bad arguments, an
// unreachable database, S3 and Telegram at 127.0.0.1:1), and nothing it prints or writes (stdout,
// stderr, the archive, the summaries, the SQLite database, the status page, /metrics, /api/status)
// contains any of them.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "security/security_util.h"
#include "storage/postgres_db.h"
#include "support/test_support.h"

namespace huracan::testing {
namespace {

namespace fs = std::filesystem;

struct Secret {
  const char* env;
  const char* value;  // the part that must never appear
  std::string assignment;
};

const std::vector<Secret>& Secrets() {
  static const std::vector<Secret> kSecrets = {
      {"AWS_ACCESS_KEY_ID", "AKIAFAKEKEYID7Q3X", "AKIAFAKEKEYID7Q3X"},
      {"AWS_SECRET_ACCESS_KEY", "FakeSecretAccessKey7Q3X", "FakeSecretAccessKey7Q3X"},
      {"TELEGRAM_TOKEN", "FakeTelegramSecret7Q3X", "999999:FakeTelegramSecret7Q3X"},
      {"DATABASE_URL", "SECRETPW7Q3X", "postgresql://u:SECRETPW7Q3X@127.0.0.1:1/db"},
      {"HURACAN_HTTP_TOKEN", "FakeHttpSecret7Q3X", "FakeHttpSecret7Q3X"},
  };
  return kSecrets;
}

// The environment of every run: the secrets, every outside service at 127.0.0.1:1 (nothing listens
// there), and no S3 retries so that failures are quick.
std::string Env() {
  std::string env = "env";
  for (const Secret& s : Secrets()) env += " " + std::string(s.env) + "=" + ShellQuote(s.assignment);
  env +=
      " TELEGRAM_CHAT_ID=111 TELEGRAM_API_BASE=http://127.0.0.1:1 S3_ENDPOINT=http://127.0.0.1:1 S3_RETRIES=0"
      " S3_TIMEOUT_MS=500 HURACAN_CONFIG=";
  return env;
}

// Which secrets `text` contains (names of their variables).
std::vector<std::string> Leaks(const std::string& text, bool allow_access_key_id = false) {
  std::vector<std::string> found;
  for (const Secret& s : Secrets()) {
    if (allow_access_key_id && std::string(s.env) == "AWS_ACCESS_KEY_ID") continue;
    if (text.find(s.value) != std::string::npos) found.push_back(s.env);
  }
  return found;
}

struct Case {
  std::string args;
  bool presigned = false;  // prints a presigned URL: it carries the access key *id* by design
};

TEST(Secrets, RedactDatabaseUrlMasksEveryPasswordForm) {
  using storage::RedactDatabaseUrl;
  EXPECT_EQ(RedactDatabaseUrl("postgres://user:s3cret@host:5432/db"), "postgres://user:***@host:5432/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://u@h/db?sslmode=require&password=s3cret&x=1"),
            "postgresql://u@h/db?sslmode=require&password=***&x=1");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://u:a@h/db?password=s3cret"), "postgresql://u:***@h/db?password=***");
  EXPECT_EQ(RedactDatabaseUrl("mysql://u:s3cret@h/db"), "mysql://u:***@h/db");
  EXPECT_EQ(RedactDatabaseUrl("./huracan.db"), "./huracan.db");
}

TEST(Secrets, NoCommandPrintsOrWritesASecret) {
  const std::string dir = MakeTempDir("secrets");
  ASSERT_FALSE(dir.empty());
  const std::string sample = SampleDir();
  const std::string btc = sample + "/BTC-USDT-PERP_1m_20251011_20251108.parquet";
  const std::string s3 = "--archive s3://bucket/p";
  const std::string local = "--archive ./arch --db ./h.db";
  const std::vector<Case> cases = {
      {"--help"},
      {"--version"},
      {"no-such-command"},
      {"data inspect " + ShellQuote(btc)},
      {"data export " + ShellQuote(btc) + " --to 2025-10-12"},
      {"data import --no-such-flag"},
      {"db migrate"},  // DATABASE_URL: unreachable Postgres
      {"db status"},
      {"db status --db 'mysql://u:SECRETPW7Q3X@h/db'"},
      {"db migrate --db ./h.db"},
      {"champion list " + s3},
      {"champion show BTCUSDT " + s3},
      {"champion rollback BTCUSDT " + s3},
      {"champion show '../BTCUSDT' --archive ./arch"},
      {"features --data " + ShellQuote(btc) + " --hash"},
      {"backtest --data /no/such.parquet"},
      {"check lookahead --no-such-flag"},
      {"train --data-dir " + ShellQuote(sample) + " --symbols top1 --engines seasonality"},  // unreachable DB
      {"train --data-dir " + ShellQuote(sample) + " --symbols top1 --engines seasonality --db ./h.db " + s3},
      // Success: a real run into a local archive and SQLite (the summary push fails: Telegram is down).
      {"train --data-dir " + ShellQuote(sample) + " --symbols top1 --engines seasonality " + local},
      {"summary --archive ./arch --format json"},
      {"summary --archive ./arch --format html"},
      {"summary " + s3},
      {"engines list"},
      {"costs list"},
      {"costs show no-such-preset"},
      {"bot --max-polls 1 --backoff-ms 10 " + local},  // unreachable Telegram
      {"bot --max-polls 1 --backoff-ms 10"},           // unreachable DB
      {"serve --port 0 --archive ./arch"},             // unreachable DB: exits at start
      {"live --replay " + ShellQuote(sample) + " " + s3 + " --db ./h.db --to 2025-10-12T00:00:00Z"},
      {"live --replay " + ShellQuote(sample) + " " + local +
       " --from 2025-10-31T00:00:00Z --to 2025-10-31T01:00:00Z --telegram --state-dir ./state"},
      {"live --replay " + ShellQuote(sample) + " --archive ./arch --to 2025-10-12T00:00:00Z"},  // unreachable DB
      {"archive url champion/BTCUSDT/latest.json " + s3, true},
      {"archive url x --archive ./arch"},
      {"config show"},
      {"config check"},
      {"config init"},
      {"config docs"},
  };
  const std::string prefix =
      "cd " + ShellQuote(dir) + " && exec " + Env() + " timeout 60 " + ShellQuote(HuracanBinary());
  int ran = 0, failed = 0;
  for (const Case& c : cases) {
    CommandResult r = RunCommand(prefix + " " + c.args);
    ++ran;
    if (r.exit_code != 0) ++failed;
    EXPECT_NE(r.exit_code, 124) << c.args << ": timed out";
    EXPECT_EQ(Leaks(r.out, c.presigned), std::vector<std::string>{}) << c.args << "\nstdout: " << r.out;
    EXPECT_EQ(Leaks(r.err), std::vector<std::string>{}) << c.args << "\nstderr: " << r.err;
  }
  // The train run succeeded and wrote its outputs.
  EXPECT_TRUE(fs::exists(dir + "/h.db"));
  EXPECT_TRUE(fs::is_directory(dir + "/arch/summaries/daily"));
  EXPECT_GE(failed, 15) << "the failure paths must fail";
  EXPECT_GE(ran - failed, 15) << "the success paths must succeed";

  // The status page, /metrics, /api/status and a refused action of `huracan serve` over that archive.
  {
    ServingProcess serve(prefix + " serve --port 0 " + local, dir + "/serve.log");
    ASSERT_GT(serve.port(), 0) << serve.log();
    httplib::Client client("127.0.0.1", serve.port());
    std::string served;
    for (const char* path : {"/", "/metrics", "/api/status", "/healthz"}) {
      auto res = client.Get(path);
      ASSERT_TRUE(res) << path;
      served += res->body;
    }
    auto refused = client.Post("/api/pause", httplib::Headers{{"Authorization", "Bearer wrong"}}, "", "text/plain");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    served += refused->body;
    EXPECT_GT(served.size(), 1000u);
    EXPECT_EQ(Leaks(served), std::vector<std::string>{}) << served;
  }

  // Every file any run wrote: the archive, summaries, trade logs, state, the SQLite database.
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(Leaks(Slurp(e.path().string())), std::vector<std::string>{}) << e.path();
  }
  EXPECT_GE(files, 10);
  std::cout << "secrets: " << ran << " command runs (" << failed << " failing), " << files
            << " files and 5 served answers checked for " << Secrets().size() << " secrets\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace huracan::testing
