// The live runner's restart state (docs/LIVE.md, "State"): one blob per symbol (any string; JSON
// by convention: open position, meta state, cooldowns, last processed bar) plus the feed position,
// saved as ONE file, DIR/state.json, rewritten atomically at each bar (temp file + fsync + rename
// + fsync of the folder). A torn or corrupt file is detected by its SHA-256 and size and reported
// as DataLoss naming the file; it is never used.
//
// File layout: a header line, then the body.
//   {"format":"huracan-live-state","version":1,"bytes":N,"sha256":"<hex of the body>"}\n
//   {"feed_position":"...","saved_at_ms":T,"symbols":{"BTCUSDT-PERP":"<blob>",...}}
// (a live feed's state also has "first_bar_ms":T, the start of its run)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace huracan::live {

struct LiveState {
  std::string feed_position;                   // where the bar source resumes (opaque to the store)
  int64_t saved_at_ms = 0;                     // clock time of the save
  std::map<std::string, std::string> symbols;  // symbol -> blob
  // A live feed's start: the open time of the first bar of the run this state continues (a
  // restart re-derives the state from there). 0: not saved (a replay starts at --from); the file
  // then has no "first_bar_ms" key.
  int64_t first_bar_ms = 0;
  bool operator==(const LiveState&) const = default;
};

// The file's bytes, and back. Decode returns DataLoss naming `name` for anything but a whole,
// matching file.
std::string EncodeLiveState(const LiveState& state);
Result<LiveState> DecodeLiveState(std::string_view bytes, const std::string& name);

class StateStore {
 public:
  static constexpr char kFileName[] = "state.json";

  // Creates `dir` when missing and removes temp files a crash left behind ("state.json.tmp.*").
  static Result<StateStore> Open(const std::string& dir);

  // nullopt when there is no state yet (a first start). DataLoss naming the file when it is torn
  // or corrupt: the caller decides (stop, or start flat after an operator's decision).
  Result<std::optional<LiveState>> Load() const;
  // Replaces the state atomically: a crash at any point leaves the previous state or the new one.
  Status Save(const LiveState& state) const;

  const std::string& dir() const { return dir_; }
  std::string path() const { return dir_ + "/" + kFileName; }

 private:
  explicit StateStore(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace huracan::live
