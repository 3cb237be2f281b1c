#include "config/validate.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "data/bar_series.h"
#include "engines/registry.h"
#include "features/recipe.h"

namespace huracan::config {
namespace {

bool IsPostgres(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

// [begin, end) of the user-info part ("user:pass") of a URL, or npos when it has none.
std::pair<size_t, size_t> UserInfo(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {std::string::npos, std::string::npos};
  size_t begin = scheme + 3;
  size_t end_authority = url.find_first_of("/?#", begin);
  if (end_authority == std::string::npos) end_authority = url.size();
  size_t at = url.rfind('@', end_authority);
  if (at == std::string::npos || at < begin) return {std::string::npos, std::string::npos};
  return {begin, at};
}

size_t QueryPassword(const std::string& url) {
  size_t q = url.find('?');
  if (q == std::string::npos) return std::string::npos;
  for (size_t p = q; p != std::string::npos; p = url.find('&', p + 1))
    if (url.compare(p + 1, 9, "password=") == 0) return p + 10;
  return std::string::npos;
}

class Checker {
 public:
  Checker(const Settings& s, std::vector<std::string>* errors) : s_(s), errors_(errors) {}

  void Run() {
    Values();
    Conflicts();
  }

 private:
  void Fail(const std::string& key, const std::string& msg) {
    errors_->push_back(s_.Get(key).origin + ": " + key + ": " + msg);
  }
  bool Given(const std::string& key) const { return s_.Given(key); }
  bool Checked(const std::string& key) const {
    const Source src = s_.Get(key).source;
    return src == Source::kFile || src == Source::kEnv;
  }
  bool FromFlag(const std::string& key) const { return s_.Get(key).source == Source::kFlag; }
  void NonEmpty(const std::string& key) {
    if (Checked(key) && s_.String(key).empty()) Fail(key, "must not be empty");
  }

  // What a value from the file or the environment names must exist: a config that validates does not
  // fail later on it. A flag's value is left to its command, which reports it as it always has.
  void Values() {
    for (const char* k : {"data.dir", "archive.url", "database.url", "live.state_dir", "http.bind", "training.symbols"})
      NonEmpty(k);
    if (Checked("data.timeframe") && data::TimeframeMs(s_.String("data.timeframe")) <= 0)
      Fail("data.timeframe", "'" + s_.String("data.timeframe") + "' is not a timeframe (e.g. 1m, 5m, 1h, 1d)");
    if (Checked("data.reference_symbol")) {
      const std::string& r = s_.String("data.reference_symbol");
      if (r.empty() || r.find_first_of(", /") != std::string::npos)
        Fail("data.reference_symbol", "expected one symbol id such as BTCUSDT-PERP");
    }
    const std::string& archive = s_.String("archive.url");
    if (Checked("archive.url") && archive.find("://") != std::string::npos && archive.rfind("file://", 0) != 0 &&
        archive.rfind("s3://", 0) != 0)
      Fail("archive.url", "expected a folder path, file://DIR or s3://bucket/prefix");
    const std::string& db = s_.String("database.url");
    if (Checked("database.url") && db.find("://") != std::string::npos && !IsPostgres(db) &&
        db.rfind("sqlite://", 0) != 0)
      Fail("database.url", "unsupported scheme (use a path, sqlite:PATH or postgres://)");
    Symbols();
    Engines();
    if (Checked("features.recipe")) {
      auto r = features::LoadRecipe(s_.String("features.recipe"));
      if (!r.ok()) Fail("features.recipe", r.error().message);
    }
    Costs();
    Promotion();
    if (Checked("telegram.chat_ids")) {
      for (const auto& id : s_.List("telegram.chat_ids")) {
        size_t i = id[0] == '-' ? 1 : 0;
        if (i == id.size() || id.find_first_not_of("0123456789", i) != std::string::npos)
          Fail("telegram.chat_ids", "'" + id + "' is not an integer chat id");
      }
    }
  }

  void Symbols() {
    if (!Checked("training.symbols")) return;
    const std::string& spec = s_.String("training.symbols");
    if (spec.size() > 3 && (spec.rfind("top", 0) == 0 || spec.rfind("TOP", 0) == 0)) {
      const std::string n = spec.substr(3);
      if (n.find_first_not_of("0123456789") != std::string::npos || std::stoll(n.substr(0, 9)) <= 0)
        Fail("training.symbols", "'" + spec + "': expected all, topN with N >= 1, or a comma list");
    }
  }

  void Engines() {
    if (!Checked("engines.run")) return;
    const auto& ids = s_.List("engines.run");
    if (ids.empty()) return Fail("engines.run", "no engine ids given (all, or a list of ids)");
    for (const auto& id : ids) {
      if (id == "all") {
        if (ids.size() > 1) Fail("engines.run", "'all' cannot be combined with engine ids");
        continue;
      }
      if (!engines::GetEngineInfo(id).ok())
        Fail("engines.run",
             "unknown engine '" + id + "'" + DidYouMean(id, engines::AllEngineIds()) + " (huracan engines list)");
    }
  }

  void Costs() {
    if (Checked("costs.notional") && !(s_.Double("costs.notional") > 0)) Fail("costs.notional", "must be > 0");
    auto loaded = s_.Costs();
    if (!loaded.ok()) {
      // A --costs value is left to its command, like every flag's value.
      if (Checked("costs.preset")) Fail("costs.preset", loaded.error().message);
      return;
    }
    const costs::CostOverrides& o = *loaded;
    if (o.empty()) return;
    for (const char* sym : {"BTCUSDT", "BTCUSDT-PERP"}) {
      Status st = o.ForSymbol(sym).Validate();
      if (!st.ok()) {
        for (const auto& f : costs::CostNumberFields())
          if (Checked(std::string("costs.") + f.name)) return Fail(std::string("costs.") + f.name, st.error().message);
      }
    }
  }

  const std::vector<std::string>& RuleKeys() const {
    static const std::vector<std::string> keys = {
        "promotion.min_trades",   "promotion.min_days",        "promotion.min_psr",
        "promotion.max_drawdown", "promotion.sharpe_margin",   "promotion.min_first_net_sharpe",
        "promotion.min_dsr",      "promotion.live_min_trades", "promotion.live_net_bps_band"};
    return keys;
  }

  void Promotion() {
    if (Checked("promotion.rules_file") && !s_.String("promotion.rules_file").empty()) {
      const std::string& path = s_.String("promotion.rules_file");
      auto text = ReadFile(path);
      if (!text.ok()) return Fail("promotion.rules_file", text.error().message);
      nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
      if (j.is_discarded()) return Fail("promotion.rules_file", path + ": not valid JSON");
      auto rules = registry::PromotionRules::FromJson(j);
      if (!rules.ok()) return Fail("promotion.rules_file", path + ": " + rules.error().message);
    }
    Status st = s_.InlineRules().Validate();
    if (!st.ok()) {
      for (const auto& k : RuleKeys())
        if (Checked(k)) return Fail(k, st.error().message);
    }
  }

  // Settings that contradict each other. A combination given only by flags keeps the behaviour
  // the command had before the config file existed, so it is not refused here.
  void Conflicts() {
    if (s_.String("training.mode") == "sequential" && Given("training.max_concurrent") &&
        !(FromFlag("training.mode") && FromFlag("training.max_concurrent")))
      Fail("training.max_concurrent", "has no effect with training.mode sequential (" + Origin("training.mode") +
                                          "), which runs one worker at a time: remove one of them");
    if (Given("promotion.rules_file") && !s_.String("promotion.rules_file").empty()) {
      for (const auto& k : RuleKeys())
        if (Given(k))
          Fail(k, "conflicts with promotion.rules_file (" + Origin("promotion.rules_file") +
                      "): give the rules inline or in the file, not both");
    }
    if (s_.Get("database.password").set) {
      const std::string& url = s_.String("database.url");
      if (!IsPostgres(url))
        Fail("database.password", "is set but database.url (" + Origin("database.url") + ") is not a postgres:// URL");
      else if (UrlHasPassword(url))
        Fail("database.password", "is set but database.url (" + Origin("database.url") + ") already holds a password");
      else if (UserInfo(url).first == std::string::npos)
        Fail("database.password", "needs a user in database.url (postgres://USER@HOST/DB)");
    }
    if (!s_.List("telegram.chat_ids").empty() && !s_.Get("telegram.token").set)
      Fail("telegram.chat_ids", "set but there is no bot token: set TELEGRAM_TOKEN or telegram.token_file");
    const std::string& bind = s_.String("http.bind");
    const bool loopback = bind == "localhost" || bind == "::1" || bind.rfind("127.", 0) == 0;
    if (!loopback && !s_.Get("http.token").set)
      Fail("http.bind", "'" + bind +
                            "' is reachable from other machines but there is no token: set HURACAN_HTTP_TOKEN or " +
                            "http.token_file, or bind 127.0.0.1");
    if (s_.String("live.feed") == "binance") {
      for (const char* k : {"live.ws_url", "live.rest_url"})
        if (s_.String(k).empty()) Fail(k, "must be set when live.feed is binance");
    }
    // Only when the file names one: AWS_ACCESS_KEY_ID alone in the environment may serve other tools.
    const Value& id_v = s_.Get("archive.aws_access_key_id");
    const Value& key_v = s_.Get("archive.aws_secret_access_key");
    const bool id = id_v.set, key = key_v.set;
    if (id != key && (id_v.source == Source::kFile || key_v.source == Source::kFile))
      Fail(id ? "archive.aws_access_key_id" : "archive.aws_secret_access_key",
           "is set without its pair (archive.aws_access_key_id and archive.aws_secret_access_key go together)");
  }

  std::string Origin(const std::string& key) const {
    const Value& v = s_.Get(key);
    return v.origin.empty() ? "default" : v.origin;
  }

  const Settings& s_;
  std::vector<std::string>* errors_;
};

}  // namespace

namespace {

size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 4) + 1;
  for (const auto& c : candidates) {
    size_t d = Distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

void ValidateSettings(const Settings& s, std::vector<std::string>* errors) { Checker(s, errors).Run(); }

bool UrlHasPassword(const std::string& url) {
  auto [b, e] = UserInfo(url);
  if (b != std::string::npos && url.find(':', b) < e) return true;
  return QueryPassword(url) != std::string::npos;
}

std::string WithPassword(const std::string& url, const std::string& password) {
  auto [b, e] = UserInfo(url);
  if (b == std::string::npos) return url;
  std::string enc;
  for (unsigned char c : password) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      enc += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      enc += '%';
      enc += hex[c >> 4];
      enc += hex[c & 15];
    }
  }
  return url.substr(0, e) + ":" + enc + url.substr(e);
}

std::string MaskUrlPassword(const std::string& url) {
  std::string out = url;
  auto [b, e] = UserInfo(out);
  if (b != std::string::npos) {
    size_t colon = out.find(':', b);
    if (colon < e) out = out.substr(0, colon + 1) + "***" + out.substr(e);
  }
  size_t p = QueryPassword(out);
  if (p != std::string::npos) {
    size_t end = out.find('&', p);
    out = out.substr(0, p) + "***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

}  // namespace huracan::config
