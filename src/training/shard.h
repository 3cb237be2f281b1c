// Sharding of a training run over machines: `--shard i/N` keeps the symbols whose stable hash
// falls in bucket i. The hash depends only on the symbol's name (FNV-1a 64 of its bytes), so the
// split is the same on every machine, every run and every build, and the N shares are disjoint
// and together cover every symbol.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::training {

struct Shard {
  int index = 0;  // 0 <= index < count
  int count = 1;

  bool is_whole() const { return count == 1; }
  std::string ToString() const;
};

// Parses "i/N" (0 <= i < N, 1 <= N <= 100000).
Result<Shard> ParseShard(std::string_view text);

// FNV-1a 64-bit of the symbol's bytes; never changes (it decides which machine trains a coin).
uint64_t StableSymbolHash(std::string_view symbol);

bool InShard(std::string_view symbol, const Shard& shard);

// The symbols of `symbols` that belong to `shard`, in their original order.
std::vector<std::string> FilterShard(const std::vector<std::string>& symbols, const Shard& shard);

// The symbols of `symbols` outside `shard`, in the order a task that has finished its own shard
// tries to steal them (work stealing, docs/DEPLOY.md): the last symbol of shard index+1, of
// index+2, ... (wrapping around), then the last but one of each, and so on. Owners train their
// lists from the front, so a stealer meets an owner as late as possible, and stealers that start
// from different shards rarely contend for one symbol. Empty for a whole (1/1) shard.
std::vector<std::string> StealOrder(const std::vector<std::string>& symbols, const Shard& shard);

}  // namespace huracan::training
