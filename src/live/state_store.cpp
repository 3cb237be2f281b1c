#include "live/state_store.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/sha256.h"

namespace huracan::live {
namespace {

constexpr char kFormat[] = "huracan-live-state";
constexpr int kVersion = 1;

}  // namespace

std::string EncodeLiveState(const LiveState& state) {
  nlohmann::json body = {{"feed_position", state.feed_position},
                         {"saved_at_ms", state.saved_at_ms},
                         {"symbols", nlohmann::json::object()}};
  for (const auto& [symbol, blob] : state.symbols) body["symbols"][symbol] = blob;
  if (state.first_bar_ms != 0) body["first_bar_ms"] = state.first_bar_ms;
  std::string text = body.dump();
  nlohmann::json header = {
      {"format", kFormat}, {"version", kVersion}, {"bytes", text.size()}, {"sha256", Sha256Hex(text)}};
  return header.dump() + "\n" + text;
}

Result<LiveState> DecodeLiveState(std::string_view bytes, const std::string& name) {
  auto corrupt = [&](const std::string& why) { return DataLoss(name + ": corrupt live state: " + why); };
  size_t nl = bytes.find('\n');
  if (nl == std::string_view::npos) return corrupt("no header line (torn file?)");
  std::string_view body = bytes.substr(nl + 1);
  try {
    nlohmann::json header = nlohmann::json::parse(bytes.substr(0, nl));
    if (!header.is_object() || header.value("format", "") != kFormat) return corrupt("not a live state file");
    if (header.value("version", 0) != kVersion)
      return corrupt("unsupported version " + header.value("version", nlohmann::json()).dump());
    if (header.value("bytes", static_cast<uint64_t>(0)) != body.size())
      return corrupt("body is " + std::to_string(body.size()) + " bytes, header says " +
                     header.value("bytes", nlohmann::json()).dump() + " (torn file?)");
    if (header.value("sha256", "") != Sha256Hex(body)) return corrupt("SHA-256 of the body does not match the header");
    nlohmann::json j = nlohmann::json::parse(body);
    LiveState state;
    state.feed_position = j.at("feed_position").get<std::string>();
    state.saved_at_ms = j.at("saved_at_ms").get<int64_t>();
    state.first_bar_ms = j.value("first_bar_ms", int64_t{0});
    for (const auto& [symbol, blob] : j.at("symbols").items()) state.symbols[symbol] = blob.get<std::string>();
    return state;
  } catch (const nlohmann::json::exception& e) {
    return corrupt(e.what());
  }
}

Result<StateStore> StateStore::Open(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) return InvalidArgument("--state-dir: empty path");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unavailable(dir + ": cannot create state folder: " + ec.message());
  const std::string stale_prefix = std::string(kFileName) + ".tmp.";
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().rfind(stale_prefix, 0) == 0) fs::remove(entry.path(), ec);
  if (ec) return Unavailable(dir + ": cannot list state folder: " + ec.message());
  return StateStore(dir);
}

Result<std::optional<LiveState>> StateStore::Load() const {
  std::error_code ec;
  const std::string file = path();
  if (!std::filesystem::exists(file, ec)) return std::optional<LiveState>();
  HURACAN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(file));
  HURACAN_ASSIGN_OR_RETURN(LiveState state, DecodeLiveState(bytes, file));
  return std::optional<LiveState>(std::move(state));
}

Status StateStore::Save(const LiveState& state) const { return WriteFileAtomic(path(), EncodeLiveState(state)); }

}  // namespace huracan::live
