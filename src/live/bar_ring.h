// A symbol's last `capacity` bars, oldest first, in one buffer allocated up front. The live loop
// keeps one per symbol (LiveOptions::ring_bars, 2 days by default) to warm a model that starts
// trading later. Its memory is constant from the first bar: a growing container (a deque) would
// take a new block every few bars until the cap, which over the first `capacity` bars of a run
// looks like a leak (docs/RELIABILITY.md, "Load").
#pragma once

#include <cstddef>
#include <vector>

#include "core/market.h"

namespace huracan::live {

class BarRing {
 public:
  explicit BarRing(size_t capacity = 0) : buf_(capacity) {}

  // Appends `bar`; when full, the oldest bar is dropped. A zero-capacity ring keeps nothing.
  void push_back(const Bar& bar) {
    if (buf_.empty()) return;
    buf_[(start_ + size_) % buf_.size()] = bar;
    if (size_ < buf_.size())
      ++size_;
    else
      start_ = (start_ + 1) % buf_.size();
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return buf_.size(); }
  const Bar& front() const { return (*this)[0]; }
  // The i-th bar from the oldest.
  const Bar& operator[](size_t i) const { return buf_[(start_ + i) % buf_.size()]; }

 private:
  std::vector<Bar> buf_;
  size_t start_ = 0, size_ = 0;
};

}  // namespace huracan::live
