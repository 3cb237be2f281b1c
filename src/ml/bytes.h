// Small versioned binary encoding for model parameters: little-endian integers, doubles as their
// exact IEEE-754 bit pattern (so a save -> load round trip is bit-identical), length-prefixed blobs.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::ml {

class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    U64(bits);
  }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  void F64s(const std::vector<double>& v) {
    U64(v.size());
    for (double x : v) F64(x);
  }
  void Strs(const std::vector<std::string>& v) {
    U64(v.size());
    for (const auto& s : v) Str(s);
  }
  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what ByteWriter wrote. Every read checks the remaining length; the first failure sticks and
// is reported by status() with `what` (the thing being decoded) in the message.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string what) : in_(bytes), what_(std::move(what)) {}

  uint8_t U8() {
    if (!Need(1)) return 0;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint32_t U32() {
    if (!Need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_++])) << (8 * i);
    return v;
  }
  uint64_t U64() {
    if (!Need(8)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_++])) << (8 * i);
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  double F64() {
    uint64_t bits = U64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string Str() {
    uint64_t n = U64();
    if (!Need(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<double> F64s() {
    uint64_t n = U64();
    if (!ok_ || n > (in_.size() - pos_) / 8) {
      Fail();
      return {};
    }
    std::vector<double> v(n);
    for (auto& x : v) x = F64();
    return v;
  }
  std::vector<std::string> Strs() {
    uint64_t n = U64();
    if (n > in_.size() - pos_) {  // each string needs >= 8 bytes: a lying count cannot allocate much
      Fail();
      return {};
    }
    std::vector<std::string> v;
    v.reserve(n);
    for (uint64_t i = 0; i < n && ok_; ++i) v.push_back(Str());
    return v;
  }

  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  void Fail() { ok_ = false; }
  // OK if every read succeeded and all bytes were consumed.
  Status Finish() const {
    if (!ok_) return DataLoss(what_ + ": truncated or corrupt parameter bytes");
    if (!done()) return DataLoss(what_ + ": trailing bytes after parameters");
    return Status::Ok();
  }

 private:
  bool Need(uint64_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return false;
    }
    return true;
  }

  std::string_view in_;
  std::string what_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace huracan::ml
