#include "registry/archive.h"

#include <cstdio>
#include <ctime>
#include <set>

#include "core/time_units.h"
#include "storage/database.h"

namespace huracan::registry {
namespace {

std::tm UtcTm(int64_t epoch_ms) {
  int64_t secs = FloorDiv(epoch_ms, kMsPerSecond);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

bool AllDigits(const std::string& s, size_t from, size_t n) {
  for (size_t i = from; i < from + n; ++i)
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  return true;
}

// The path segment right after `prefix` in each key ("models/BTC/2025.../x" -> "2025...").
Result<std::vector<std::string>> ChildNames(const storage::ObjectStore& store, const std::string& prefix) {
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.List(prefix));
  std::set<std::string> names;
  for (const std::string& k : keys) {
    std::string rest = k.substr(prefix.size());
    size_t slash = rest.find('/');
    if (slash != std::string::npos) names.insert(rest.substr(0, slash));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace

namespace {

// The symbol as an error shows it: control bytes and non-ASCII as \xNN, at most 40 characters.
std::string Printable(const std::string& symbol) {
  std::string out;
  for (size_t i = 0; i < symbol.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(symbol[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (symbol.size() > 40) out += "... (" + std::to_string(symbol.size()) + " bytes)";
  return out;
}

}  // namespace

Status ValidateSymbol(const std::string& symbol) {
  const std::string shown = "symbol '" + Printable(symbol) + "'";
  if (symbol.empty() || symbol.size() > 32) return InvalidArgument(shown + ": must be 1-32 characters");
  if (!((symbol[0] >= 'A' && symbol[0] <= 'Z') || (symbol[0] >= '0' && symbol[0] <= '9')))
    return InvalidArgument(shown + ": must start with A-Z or 0-9");
  for (char c : symbol) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return InvalidArgument(shown + ": only A-Z, 0-9, '.', '_' and '-' are allowed");
  }
  return Status::Ok();
}

std::string FormatArchiveTimestamp(int64_t epoch_ms) {
  std::tm tm = UtcTm(epoch_ms);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

Result<int64_t> ParseArchiveTimestamp(const std::string& ts) {
  // YYYYMMDDTHHMMSSZ
  if (ts.size() != 16 || !AllDigits(ts, 0, 8) || ts[8] != 'T' || !AllDigits(ts, 9, 6) || ts[15] != 'Z')
    return InvalidArgument("timestamp '" + ts + "': expected YYYYMMDDTHHMMSSZ (e.g. 20251108T020000Z)");
  std::tm tm{};
  tm.tm_year = std::stoi(ts.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(ts.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(ts.substr(6, 2));
  tm.tm_hour = std::stoi(ts.substr(9, 2));
  tm.tm_min = std::stoi(ts.substr(11, 2));
  tm.tm_sec = std::stoi(ts.substr(13, 2));
  int64_t secs = static_cast<int64_t>(timegm(&tm));
  int64_t ms = secs * kMsPerSecond;
  if (FormatArchiveTimestamp(ms) != ts) return InvalidArgument("timestamp '" + ts + "': not a valid UTC date/time");
  return ms;
}

std::string FormatDate(int64_t epoch_ms) {
  std::tm tm = UtcTm(epoch_ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string MakeModelId(const std::string& symbol, const std::string& timestamp) { return symbol + "@" + timestamp; }

std::string ChallengerPrefix(const std::string& symbol, const std::string& timestamp) {
  return "challengers/" + symbol + "/" + timestamp + "/";
}
std::string ModelPrefix(const std::string& symbol, const std::string& timestamp) {
  return "models/" + symbol + "/" + timestamp + "/";
}
std::string ChampionPointerKey(const std::string& symbol) { return "champion/" + symbol + "/latest.json"; }
std::string DailySummaryKey(const std::string& date) { return "summaries/daily/" + date + ".json"; }
std::string LiveTradesKey(const std::string& yyyymmdd) { return "live_logs/trades/" + yyyymmdd + ".parquet"; }

Result<StoredBundle> Archive::StoreChallenger(const std::string& symbol, const std::string& timestamp,
                                              const ModelBundle& bundle) {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(symbol));
  HURACAN_RETURN_IF_ERROR(ParseArchiveTimestamp(timestamp));
  if (!bundle.config.symbol.empty() && bundle.config.symbol != symbol)
    return InvalidArgument("bundle for '" + bundle.config.symbol + "' cannot be stored as a challenger of " + symbol);
  ModelBundle copy = bundle;
  copy.config.symbol = symbol;
  StoredBundle out;
  out.symbol = symbol;
  out.timestamp = timestamp;
  out.model_id = MakeModelId(symbol, timestamp);
  out.prefix = ChallengerPrefix(symbol, timestamp);
  HURACAN_ASSIGN_OR_RETURN(std::string written, WriteBundle(store_, out.prefix, copy));
  HURACAN_ASSIGN_OR_RETURN(out.manifest_sha256, VerifyBundle(store_, out.prefix, written));
  return out;
}

Result<ChampionPointer> Archive::Promote(const StoredBundle& challenger, int64_t promoted_at_ms,
                                         const std::string& reason) {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(challenger.symbol));
  HURACAN_RETURN_IF_ERROR(ParseArchiveTimestamp(challenger.timestamp));
  // The challenger must still be what was decided on.
  HURACAN_RETURN_IF_ERROR(VerifyBundle(store_, challenger.prefix, challenger.manifest_sha256));
  const std::string target = ModelPrefix(challenger.symbol, challenger.timestamp);
  if (!VerifyBundle(store_, target, challenger.manifest_sha256).ok()) {
    // Copy data files first and the manifest last, like WriteBundle.
    for (const char* name : {kConfigFile, kMetricsFile, kModelBinFile, kManifestFile}) {
      HURACAN_ASSIGN_OR_RETURN(std::string bytes, store_.Get(challenger.prefix + name));
      HURACAN_RETURN_IF_ERROR(store_.Put(target + name, bytes));
    }
    HURACAN_RETURN_IF_ERROR(VerifyBundle(store_, target, challenger.manifest_sha256));
  }
  ChampionEntry entry;
  entry.model_id =
      challenger.model_id.empty() ? MakeModelId(challenger.symbol, challenger.timestamp) : challenger.model_id;
  entry.path = target;
  entry.sha256 = challenger.manifest_sha256;
  entry.promoted_at = storage::SqlTimestamp(promoted_at_ms);
  entry.reason = reason;
  return SetChampion(store_, challenger.symbol, entry);
}

Result<std::vector<std::string>> Archive::ListChallengers(const std::string& symbol) const {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(symbol));
  return ChildNames(store_, "challengers/" + symbol + "/");
}

Result<std::vector<std::string>> Archive::ListModels(const std::string& symbol) const {
  HURACAN_RETURN_IF_ERROR(ValidateSymbol(symbol));
  return ChildNames(store_, "models/" + symbol + "/");
}

Result<std::vector<std::string>> Archive::ListChampionSymbols() const {
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> keys, store_.List("champion/"));
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    std::string rest = k.substr(9);
    size_t slash = rest.find('/');
    // A folder whose name is not a symbol (written by hand into the archive) is not a champion.
    if (slash != std::string::npos && rest.substr(slash) == "/latest.json" &&
        ValidateSymbol(rest.substr(0, slash)).ok())
      out.push_back(rest.substr(0, slash));
  }
  return out;
}

}  // namespace huracan::registry
