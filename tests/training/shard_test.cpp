#include "training/shard.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "training/backoff.h"

namespace huracan::training {
namespace {

std::vector<std::string> ManySymbols() {
  std::vector<std::string> out;
  const char* quotes[] = {"USDT", "USDC", "USDT-PERP"};
  for (int i = 0; i < 400; ++i) out.push_back("C" + std::to_string(i * 7919 % 1000) + quotes[i % 3]);
  return out;
}

TEST(Shard, ParsesValidAndRejectsInvalid) {
  auto s = ParseShard("2/5");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 5);
  EXPECT_EQ(s->ToString(), "2/5");
  for (const char* bad : {"", "1", "5/5", "-1/3", "1/0", "a/b", "1/2x", "1 /2", "/2", "1/"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(Shard, HashIsStableAcrossBuildsAndMachines) {
  // FNV-1a 64 reference values: a change here would move coins between machines.
  EXPECT_EQ(StableSymbolHash(""), 14695981039346656037ull);
  EXPECT_EQ(StableSymbolHash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(StableSymbolHash("BTCUSDT-PERP"), StableSymbolHash(std::string("BTCUSDT-PERP")));
}

TEST(Shard, SharesAreDisjointAndCoverEverySymbol) {
  auto symbols = ManySymbols();
  for (int n : {1, 2, 3, 4, 7, 16}) {
    std::multiset<std::string> seen;
    size_t largest = 0;
    for (int i = 0; i < n; ++i) {
      auto share = FilterShard(symbols, Shard{i, n});
      largest = std::max(largest, share.size());
      for (auto& s : share) seen.insert(s);
      // Stable: the same call gives the same share.
      EXPECT_EQ(share, FilterShard(symbols, Shard{i, n}));
    }
    EXPECT_EQ(seen.size(), symbols.size()) << "n=" << n;  // covered, nothing twice
    for (auto& s : symbols) EXPECT_EQ(seen.count(s), 1u) << s << " n=" << n;
    // Reasonably balanced: no share more than twice its fair size.
    EXPECT_LE(largest, 2 * symbols.size() / static_cast<size_t>(n) + 2) << "n=" << n;
  }
}

TEST(Shard, ShareDoesNotDependOnTheOtherSymbols) {
  auto symbols = ManySymbols();
  std::vector<std::string> half(symbols.begin(), symbols.begin() + 150);
  auto big = FilterShard(symbols, Shard{1, 4});
  for (auto& s : FilterShard(half, Shard{1, 4})) EXPECT_NE(std::find(big.begin(), big.end(), s), big.end()) << s;
}

TEST(Shard, StealOrderTakesEveryOtherShardsSymbolOnceFromTheBackRoundRobin) {
  auto symbols = ManySymbols();
  for (int n : {2, 4, 16}) {
    for (int i = 0; i < n; ++i) {
      const Shard me{i, n};
      auto steal = StealOrder(symbols, me);
      // Every symbol outside the own shard, once; none of the own shard.
      std::multiset<std::string> seen(steal.begin(), steal.end());
      EXPECT_EQ(steal.size() + FilterShard(symbols, me).size(), symbols.size()) << i << "/" << n;
      for (const auto& s : symbols) EXPECT_EQ(seen.count(s), InShard(s, me) ? 0u : 1u) << s;
      // First the last symbol of shard i+1, then of i+2, ...; each shard's list from its end.
      auto next = FilterShard(symbols, Shard{(i + 1) % n, n});
      ASSERT_FALSE(next.empty());
      EXPECT_EQ(steal.front(), next.back());
      for (int j = 0; j < n; ++j) {
        if (j == i) continue;
        auto theirs = FilterShard(symbols, Shard{j, n});
        std::vector<std::string> in_order;
        for (const auto& s : steal)
          if (InShard(s, Shard{j, n})) in_order.push_back(s);
        EXPECT_EQ(in_order, std::vector<std::string>(theirs.rbegin(), theirs.rend())) << j << " of " << n;
      }
      // Round robin: the first n-1 stolen symbols come from n-1 different shards.
      if (n <= 4) {
        std::set<uint64_t> owners;
        for (size_t k = 0; k + 1 < static_cast<size_t>(n); ++k) owners.insert(StableSymbolHash(steal[k]) % n);
        EXPECT_EQ(owners.size(), static_cast<size_t>(n - 1));
      }
    }
  }
  EXPECT_TRUE(StealOrder(symbols, Shard{0, 1}).empty());
}

TEST(Backoff, DoublesUpToTheCap) {
  RetryPolicy p;
  p.base_ms = 100;
  p.cap_ms = 1000;
  EXPECT_EQ(p.BackoffMs(0), 0);
  EXPECT_EQ(p.BackoffMs(1), 100);
  EXPECT_EQ(p.BackoffMs(2), 200);
  EXPECT_EQ(p.BackoffMs(3), 400);
  EXPECT_EQ(p.BackoffMs(4), 800);
  EXPECT_EQ(p.BackoffMs(5), 1000);
  EXPECT_EQ(p.BackoffMs(60), 1000);
}

TEST(Backoff, JitterStaysBetweenHalfAndTheFullWait) {
  RetryPolicy p{4, 200, 5000};
  EXPECT_EQ(p.JitteredBackoffMs(0, 0.5), 0);
  EXPECT_EQ(p.JitteredBackoffMs(1, 0.0), 100);
  EXPECT_EQ(p.JitteredBackoffMs(1, 0.999999), 199);
  EXPECT_EQ(p.JitteredBackoffMs(3, 0.5), 600);
  EXPECT_EQ(p.JitteredBackoffMs(10, 1.0), 5000);  // capped, and the draw is clamped to [0, 1]
  for (int r = 1; r < 8; ++r) {
    for (double u : {0.0, 0.25, 0.5, 0.75, 0.99}) {
      EXPECT_GE(p.JitteredBackoffMs(r, u), p.BackoffMs(r) / 2);
      EXPECT_LE(p.JitteredBackoffMs(r, u), p.BackoffMs(r));
    }
  }
}

}  // namespace
}  // namespace huracan::training
