// A symbol's last `capacity` bars, oldest first, in storage allocated in full up front. The live
// loop keeps one per symbol (LiveOptions::ring_bars, 2 days by default) to warm a model that
// starts trading later. Its memory is constant from the first bar: a growing container (a deque)
// takes a new block every few bars until the cap, which over the first `capacity` bars of a run
// looks like a leak (docs/RELIABILITY.md, "Load"). The storage is blocks of kBlockBars bars, not
// one buffer: small blocks fit in the heap the start's warm-up freed, one 138 KiB buffer per
// symbol does not (at 400 symbols that costs some 30 MiB more resident memory).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "core/market.h"

namespace huracan::live {

class BarRing {
 public:
  static constexpr size_t kBlockBars = 64;  // 3 KiB

  explicit BarRing(size_t capacity = 0) : capacity_(capacity) {
    blocks_.reserve((capacity + kBlockBars - 1) / kBlockBars);
    for (size_t n = 0; n < capacity; n += kBlockBars) blocks_.push_back(std::make_unique<Bar[]>(kBlockBars));
  }

  // Appends `bar`; when full, the oldest bar is dropped. A zero-capacity ring keeps nothing.
  void push_back(const Bar& bar) {
    if (capacity_ == 0) return;
    Slot((start_ + size_) % capacity_) = bar;
    if (size_ < capacity_)
      ++size_;
    else
      start_ = (start_ + 1) % capacity_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  const Bar& front() const { return (*this)[0]; }
  // The i-th bar from the oldest.
  const Bar& operator[](size_t i) const { return Slot((start_ + i) % capacity_); }

 private:
  Bar& Slot(size_t k) { return blocks_[k / kBlockBars][k % kBlockBars]; }
  const Bar& Slot(size_t k) const { return blocks_[k / kBlockBars][k % kBlockBars]; }

  size_t capacity_;
  std::vector<std::unique_ptr<Bar[]>> blocks_;
  size_t start_ = 0, size_ = 0;
};

}  // namespace huracan::live
