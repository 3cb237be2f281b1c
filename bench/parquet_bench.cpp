// Parquet read throughput on a 216,000-bar file of ../shared (Polars, ZSTD, PLAIN), beside the
// bare ZSTD decompression of the same column chunks: the physical limit of any reader.
// Results and their ratio are recorded in docs/BENCHMARKS.md.
#include <benchmark/benchmark.h>
#include <zstd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/parquet.h"
#include "data/parquet_format.h"

namespace {

namespace pq = huracan::data::parquet;

const std::string kFile =
    std::string(HURACAN_SOURCE_DIR) + "/../shared/data/candles/1m/BTC-USDT-PERP_1m_20250611_20251108.parquet";

const std::string& FileBytes() {
  static const std::string bytes = [] {
    std::ifstream in(kFile, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return bytes;
}

// Compressed page payloads of every column chunk, with their declared uncompressed sizes.
struct Page {
  std::string_view data;
  size_t uncompressed;
};

std::vector<Page> Pages(const std::string& bytes, const std::vector<std::string>& columns) {
  std::vector<Page> pages;
  auto footer = pq::FooterBytes(bytes);
  if (!footer.ok()) return pages;
  auto md = pq::ParseFileMetaData(*footer);
  if (!md.ok()) return pages;
  for (const auto& rg : md->row_groups) {
    for (const auto& cc : rg.columns) {
      if (!columns.empty() && std::find(columns.begin(), columns.end(), cc.meta.path.at(0)) == columns.end()) continue;
      std::string_view chunk(bytes.data() + cc.meta.data_page_offset, cc.meta.total_compressed_size);
      size_t pos = 0;
      while (pos < chunk.size()) {
        size_t used = 0;
        auto ph = pq::ParsePageHeader(chunk.substr(pos), &used);
        if (!ph.ok()) break;
        pos += used;
        pages.push_back({chunk.substr(pos, ph->compressed_page_size), static_cast<size_t>(ph->uncompressed_page_size)});
        pos += ph->compressed_page_size;
      }
    }
  }
  return pages;
}

bool Ready(benchmark::State& state) {
  if (FileBytes().empty()) {
    state.SkipWithError(("missing " + kFile + " (../shared not present)").c_str());
    return false;
  }
  return true;
}

void Report(benchmark::State& state, int64_t rows, int64_t decoded_bytes) {
  state.SetItemsProcessed(state.iterations() * rows);           // rows/s
  state.SetBytesProcessed(state.iterations() * decoded_bytes);  // decoded MB/s
}

void ReadColumns(benchmark::State& state, const std::vector<std::string>& columns) {
  if (!Ready(state)) return;
  huracan::data::ParquetReadOptions opts;
  opts.columns = columns;
  int64_t rows = 0, bytes = 0;
  for (auto _ : state) {
    auto t = huracan::data::ReadParquetBuffer(FileBytes(), kFile, opts);
    if (!t.ok()) {
      state.SkipWithError(t.error().message.c_str());
      return;
    }
    rows = t->num_rows;
    bytes = static_cast<int64_t>(t->columns.size()) * rows * 8;
    benchmark::DoNotOptimize(t->columns.data());
  }
  Report(state, rows, bytes);
}

void RawZstd(benchmark::State& state, const std::vector<std::string>& columns) {
  if (!Ready(state)) return;
  auto pages = Pages(FileBytes(), columns);
  size_t biggest = 0, total = 0;
  for (const auto& p : pages) {
    biggest = std::max(biggest, p.uncompressed);
    total += p.uncompressed;
  }
  std::string out(biggest, '\0');
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  for (auto _ : state) {
    for (const auto& p : pages) {
      size_t n = ZSTD_decompressDCtx(dctx, out.data(), p.uncompressed, p.data.data(), p.data.size());
      if (ZSTD_isError(n)) {
        state.SkipWithError(ZSTD_getErrorName(n));
        break;
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  ZSTD_freeDCtx(dctx);
  Report(state, 216000, static_cast<int64_t>(total));
}

const std::vector<std::string> kAll = {};
const std::vector<std::string> kOhlcv = {"timestamp", "open", "high", "low", "close", "volume"};

void BM_ParquetReadAllColumns(benchmark::State& s) { ReadColumns(s, kAll); }
void BM_ParquetReadOhlcv(benchmark::State& s) { ReadColumns(s, kOhlcv); }
void BM_ZstdDecompressAllChunks(benchmark::State& s) { RawZstd(s, kAll); }
void BM_ZstdDecompressOhlcvChunks(benchmark::State& s) { RawZstd(s, kOhlcv); }
void BM_ParquetReadBarsFromDisk(benchmark::State& state) {
  if (!Ready(state)) return;
  for (auto _ : state) {
    auto bars = huracan::data::ReadParquetBars(kFile);
    if (!bars.ok()) {
      state.SkipWithError(bars.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(bars->close.data());
  }
  Report(state, 216000, 216000 * 6 * 8);
}

BENCHMARK(BM_ParquetReadAllColumns)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZstdDecompressAllChunks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParquetReadOhlcv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZstdDecompressOhlcvChunks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParquetReadBarsFromDisk)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
