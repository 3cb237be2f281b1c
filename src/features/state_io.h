// StateIO: one function per indicator both saves and restores its state (no asymmetry bugs).
// The byte format is host-endian raw values; it is a checkpoint format, not an archive format.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace huracan::features {

class StateIO {
 public:
  static StateIO Writer() { return StateIO(false, {}); }
  static StateIO Reader(std::string_view bytes) { return StateIO(true, bytes); }

  bool loading() const { return loading_; }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  const std::string& bytes() const { return out_; }

  // Trivially copyable scalar (double, int64_t, int32_t, uint8_t, bool).
  template <typename T>
  void F(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!loading_) {
      out_.append(reinterpret_cast<const char*>(&v), sizeof(T));
      return;
    }
    if (!ok_ || in_.size() - pos_ < sizeof(T)) {
      ok_ = false;
      return;
    }
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
  }

  // A position in a buffer of `size` slots: on load it must be below `size` (a corrupt state
  // must not index outside the buffer).
  void Index(size_t& v, size_t size) {
    F(v);
    if (loading_ && ok_ && v >= size) ok_ = false;
  }

  // A fixed-size buffer: on load the stored size must equal the current size.
  template <typename T>
  void F(std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t n = v.size();
    F(n);
    if (loading_ && (!ok_ || n != v.size())) {
      ok_ = false;
      return;
    }
    if (n == 0) return;
    const size_t bytes = n * sizeof(T);
    if (!loading_) {
      out_.append(reinterpret_cast<const char*>(v.data()), bytes);
      return;
    }
    if (in_.size() - pos_ < bytes) {
      ok_ = false;
      return;
    }
    std::memcpy(v.data(), in_.data() + pos_, bytes);
    pos_ += bytes;
  }

 private:
  StateIO(bool loading, std::string_view in) : loading_(loading), in_(in) {}
  bool loading_;
  bool ok_ = true;
  std::string_view in_;
  size_t pos_ = 0;
  std::string out_;
};

}  // namespace huracan::features
