#include "backtest/signal_file.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/strings.h"

namespace huracan::backtest {
namespace {

constexpr std::array<std::string_view, 5> kColumns = {"timestamp_ms", "enter_long", "exit_long", "enter_short",
                                                      "exit_short"};
constexpr std::string_view kTag = "tag";

std::string Header() { return Join({kColumns.begin(), kColumns.end()}, ","); }

}  // namespace

Result<decision::SignalTable> ParseSignalFile(std::string_view text, const std::vector<int64_t>& bar_ts) {
  std::vector<std::string_view> lines = Split(text, '\n');
  for (auto& l : lines)
    if (l.ends_with('\r')) l.remove_suffix(1);
  while (!lines.empty() && TrimView(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) return InvalidArgument("empty file (expected the header " + Header() + ")");
  // Column index of each name in the header; -1 when absent.
  std::array<int, kColumns.size()> col;
  col.fill(-1);
  int tag_col = -1;
  const std::vector<std::string_view> head = Split(lines[0], ',');
  for (size_t i = 0; i < head.size(); ++i) {
    const std::string_view name = TrimView(head[i]);
    const auto it = std::find(kColumns.begin(), kColumns.end(), name);
    int* slot = it != kColumns.end() ? &col[static_cast<size_t>(it - kColumns.begin())]
                : name == kTag       ? &tag_col
                                     : nullptr;
    if (slot == nullptr) {
      if (i == 0 && !name.empty() && (std::isdigit(static_cast<unsigned char>(name[0])) != 0))
        return InvalidArgument("line 1: missing header (expected " + Header() + ")");
      return InvalidArgument("line 1: unknown column '" + std::string(name) + "' (only " + Header() +
                             " and an optional tag)");
    }
    if (*slot >= 0) return InvalidArgument("line 1: column '" + std::string(name) + "' given twice");
    *slot = static_cast<int>(i);
  }
  for (size_t c = 0; c < kColumns.size(); ++c)
    if (col[c] < 0)
      return InvalidArgument("line 1: missing header column '" + std::string(kColumns[c]) + "' (expected " + Header() +
                             ")");

  decision::SignalTable table;
  for (size_t n = 1; n < lines.size(); ++n) {
    const std::string where = "line " + std::to_string(n + 1) + ": ";
    const std::vector<std::string_view> f = Split(lines[n], ',');
    if (f.size() != head.size())
      return InvalidArgument(where + std::to_string(f.size()) + " fields, the header has " +
                             std::to_string(head.size()));
    const std::string_view ts_text = TrimView(f[static_cast<size_t>(col[0])]);
    int64_t ts = 0;
    const auto [end, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
    if (ec != std::errc() || end != ts_text.data() + ts_text.size())
      return InvalidArgument(where + "timestamp_ms '" + std::string(ts_text) + "' is not an integer (ms since epoch)");
    if (!std::binary_search(bar_ts.begin(), bar_ts.end(), ts))
      return InvalidArgument(where + "timestamp_ms " + std::to_string(ts) +
                             " is not the open time of a bar of the data");
    std::array<bool, kColumns.size()> v{};
    for (size_t c = 1; c < kColumns.size(); ++c) {
      const std::string_view x = TrimView(f[static_cast<size_t>(col[c])]);
      if (x != "0" && x != "1")
        return InvalidArgument(where + std::string(kColumns[c]) + " is '" + std::string(x) + "', expected 0 or 1");
      v[c] = x == "1";
    }
    decision::SignalRow row;
    row.enter_long = v[1];
    row.exit_long = v[2];
    row.enter_short = v[3];
    row.exit_short = v[4];
    if (row.enter_long && row.enter_short) return InvalidArgument(where + "enter_long and enter_short are both 1");
    if (row.enter_long && row.exit_long) return InvalidArgument(where + "enter_long and exit_long are both 1");
    if (row.enter_short && row.exit_short) return InvalidArgument(where + "enter_short and exit_short are both 1");
    if (tag_col >= 0) row.tag = std::string(TrimView(f[static_cast<size_t>(tag_col)]));
    if (!table.emplace(ts, std::move(row)).second)
      return InvalidArgument(where + "timestamp_ms " + std::to_string(ts) + " appears twice");
  }
  return table;
}

Result<decision::SignalTable> ReadSignalFile(const std::string& path, const std::vector<int64_t>& bar_ts) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  return WithContext(ParseSignalFile(text, bar_ts), "--signals " + path);
}

}  // namespace huracan::backtest
