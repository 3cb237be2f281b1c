#include "training/shard.h"

#include <charconv>

namespace huracan::training {

std::string Shard::ToString() const { return std::to_string(index) + "/" + std::to_string(count); }

Result<Shard> ParseShard(std::string_view text) {
  auto slash = text.find('/');
  auto bad = [&] {
    return InvalidArgument("--shard '" + std::string(text) + "': expected i/N with 0 <= i < N (e.g. 0/4)");
  };
  if (slash == std::string_view::npos) return bad();
  Shard s;
  std::string_view a = text.substr(0, slash), b = text.substr(slash + 1);
  auto ra = std::from_chars(a.data(), a.data() + a.size(), s.index);
  auto rb = std::from_chars(b.data(), b.data() + b.size(), s.count);
  if (a.empty() || b.empty() || ra.ec != std::errc() || rb.ec != std::errc() || ra.ptr != a.data() + a.size() ||
      rb.ptr != b.data() + b.size())
    return bad();
  if (s.count < 1 || s.count > 100000 || s.index < 0 || s.index >= s.count) return bad();
  return s;
}

uint64_t StableSymbolHash(std::string_view symbol) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : symbol) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool InShard(std::string_view symbol, const Shard& shard) {
  if (shard.count <= 1) return true;
  return StableSymbolHash(symbol) % static_cast<uint64_t>(shard.count) == static_cast<uint64_t>(shard.index);
}

std::vector<std::string> FilterShard(const std::vector<std::string>& symbols, const Shard& shard) {
  std::vector<std::string> out;
  for (const auto& s : symbols)
    if (InShard(s, shard)) out.push_back(s);
  return out;
}

std::vector<std::string> StealOrder(const std::vector<std::string>& symbols, const Shard& shard) {
  std::vector<std::string> out;
  if (shard.is_whole()) return out;
  const auto count = static_cast<uint64_t>(shard.count);
  std::vector<std::vector<std::string>> others;  // others[k]: shard (index + 1 + k) % count
  others.resize(count - 1);
  for (const auto& s : symbols) {
    const uint64_t owner = StableSymbolHash(s) % count;
    if (owner == static_cast<uint64_t>(shard.index)) continue;
    others[(owner + count - static_cast<uint64_t>(shard.index) - 1) % count].push_back(s);
  }
  for (bool any = true; any;) {
    any = false;
    for (auto& list : others) {
      if (list.empty()) continue;
      out.push_back(std::move(list.back()));
      list.pop_back();
      any = true;
    }
  }
  return out;
}

}  // namespace huracan::training
