#include "control/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "registry/archive.h"

namespace huracan::control {
namespace {

// Colours of successive series and of negative bars.
constexpr const char* kPalette[] = {"#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563"};
constexpr const char* kNegColour = "#dc2626";
constexpr int kMaxPointMarkers = 60;
constexpr int kLeft = 64, kRight = 16, kTop = 28, kBottom = 40;

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return !(lo <= hi); }
  // A non-degenerate span (a flat series gets +-1, or +-1 % of its level).
  void Widen() {
    if (hi > lo) return;
    double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.01;
    lo -= pad;
    hi += pad;
  }
};

// Whole numbers (counts) without decimals, large values with none, the rest with two.
int ValueDecimals(double v) { return v == std::floor(v) || std::abs(v) >= 100 ? 0 : 2; }

std::string AxisLabel(double v, const std::string& unit) {
  if (unit == "time") return registry::FormatDate(static_cast<int64_t>(v));
  return FormatNumber(v, std::abs(v) >= 100 ? 0 : 2);
}

std::string ChartOpen(const ChartOptions& o) {
  std::string s = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\">",
      o.width, o.height, o.width, o.height);
  if (!o.title.empty())
    s += fmt::format("<text class=\"title\" x=\"{}\" y=\"16\">{}</text>", kLeft, HtmlEscape(o.title));
  if (!o.y_label.empty())
    s += fmt::format("<text class=\"axis\" x=\"4\" y=\"{}\">{}</text>", kTop - 6, HtmlEscape(o.y_label));
  return s;
}

std::string NoData(const ChartOptions& o) {
  return ChartOpen(o) +
         fmt::format("<text class=\"nodata\" x=\"{}\" y=\"{}\">no data</text></svg>", o.width / 2 - 24, o.height / 2);
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  std::string out = fmt::format("{:.{}f}", v, decimals);
  // No "-0.00": a value that rounds to zero has no sign.
  if (out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string HtmlPage(const std::string& title, const std::string& body) {
  static constexpr const char* kStyle =
      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#111827;background:#f9fafb}"
      "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}"
      ".muted{color:#6b7280;font-size:13px}"
      "table{border-collapse:collapse;background:#fff;font-size:13px}"
      "th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left}td.num{text-align:right}"
      "th{background:#f3f4f6}.bad{color:#dc2626}.good{color:#16a34a}"
      ".cards{display:flex;flex-wrap:wrap;gap:12px}"
      ".card{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;min-width:120px}"
      ".card .v{font-size:20px;font-weight:600}"
      "svg.chart{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:4px 8px 4px 0}"
      "svg .title{font-size:13px;font-weight:600;fill:#111827}svg .axis{font-size:11px;fill:#6b7280}"
      "svg .nodata{font-size:13px;fill:#9ca3af}svg .grid{stroke:#e5e7eb}svg .zero{stroke:#9ca3af}"
      "pre{background:#fff;border:1px solid #e5e7eb;padding:8px;font-size:12px;overflow:auto;max-height:480px}";
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
         "</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<link rel=\"icon\" href=\"data:,\"><style>" +
         kStyle + "</style></head><body>\n" + body + "\n</body></html>\n";
}

std::string SvgLineChart(const std::vector<LineSeries>& series, const ChartOptions& o) {
  Range rx, ry;
  for (const auto& s : series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      rx.Add(s.x[i]);
      ry.Add(s.y[i]);
    }
  }
  if (rx.empty()) return NoData(o);
  rx.Widen();
  ry.Widen();
  const double pw = o.width - kLeft - kRight, ph = o.height - kTop - kBottom;
  auto px = [&](double x) { return kLeft + (x - rx.lo) / (rx.hi - rx.lo) * pw; };
  auto py = [&](double y) { return kTop + (ry.hi - y) / (ry.hi - ry.lo) * ph; };
  std::string s = ChartOpen(o);
  // Frame, y min/max, x min/max.
  s += fmt::format("<rect class=\"grid\" x=\"{}\" y=\"{}\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"none\"/>", kLeft,
                   kTop, pw, ph);
  s += fmt::format("<text class=\"axis\" x=\"4\" y=\"{}\">{}</text>", kTop + 10, HtmlEscape(AxisLabel(ry.hi, "")));
  s += fmt::format("<text class=\"axis\" x=\"4\" y=\"{:.0f}\">{}</text>", kTop + ph, HtmlEscape(AxisLabel(ry.lo, "")));
  if (ry.lo < 0 && ry.hi > 0)
    s += fmt::format("<line class=\"zero\" x1=\"{}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>", kLeft, kLeft + pw,
                     py(0), py(0));
  s += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{:.0f}\">{}</text>", kLeft, kTop + ph + 14,
                   HtmlEscape(AxisLabel(rx.lo, o.x_unit)));
  s += fmt::format("<text class=\"axis\" x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"end\">{}</text>", kLeft + pw,
                   kTop + ph + 14, HtmlEscape(AxisLabel(rx.hi, o.x_unit)));
  for (size_t k = 0; k < series.size(); ++k) {
    const LineSeries& ser = series[k];
    const char* colour = kPalette[k % std::size(kPalette)];
    std::string d;
    std::string points;
    int n = 0;
    for (size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i) {
      if (!std::isfinite(ser.x[i]) || !std::isfinite(ser.y[i])) continue;
      d += fmt::format("{}{:.1f},{:.1f}", n == 0 ? "M" : " L", px(ser.x[i]), py(ser.y[i]));
      points += fmt::format("<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>", px(ser.x[i]),
                            py(ser.y[i]), colour);
      ++n;
    }
    if (n > 0)
      s += fmt::format("<path class=\"series\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>", d, colour);
    if (n > 0 && n <= kMaxPointMarkers) s += points;
    // Legend, along the bottom.
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>", kLeft + 110 * k, o.height - 14,
                     colour);
    s += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\">{}</text>", kLeft + 110 * k + 14, o.height - 5,
                     HtmlEscape(ser.name.substr(0, 16) + (n == 0 ? " (none)" : "")));
  }
  return s + "</svg>";
}

std::string SvgBarChart(const std::vector<Bar>& bars, const ChartOptions& o) {
  if (bars.empty()) return NoData(o);
  // Each bar spans [from, to]: totals from zero, steps from the running level.
  std::vector<std::pair<double, double>> spans;
  Range ry;
  ry.Add(0);
  double level = 0;
  for (const Bar& b : bars) {
    double v = std::isfinite(b.value) ? b.value : 0.0;
    double from = b.step ? level : 0.0;
    double to = from + v;
    level = to;
    spans.emplace_back(from, to);
    ry.Add(from);
    ry.Add(to);
  }
  ry.Widen();
  ry.hi += (ry.hi - ry.lo) * 0.08;  // room for the value labels above the bars
  const double pw = o.width - kLeft - kRight, ph = o.height - kTop - kBottom;
  auto py = [&](double y) { return kTop + (ry.hi - y) / (ry.hi - ry.lo) * ph; };
  const double slot = pw / static_cast<double>(bars.size());
  const double bw = std::max(4.0, slot * 0.6);
  std::string s = ChartOpen(o);
  s += fmt::format("<line class=\"zero\" x1=\"{}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>", kLeft, kLeft + pw,
                   py(0), py(0));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double top = std::max(spans[i].first, spans[i].second), bottom = std::min(spans[i].first, spans[i].second);
    double x = kLeft + slot * static_cast<double>(i) + (slot - bw) / 2;
    double h = std::max(1.0, py(bottom) - py(top));
    const char* colour = b.value < 0 ? kNegColour : kPalette[b.step ? 2 : 0];
    s += fmt::format(
        "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
        "<title>{}: {}</title></rect>",
        x, py(top), bw, h, colour, HtmlEscape(b.label), FormatNumber(b.value, 2));
    s += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>", x + bw / 2,
                     py(top) - 3, FormatNumber(b.value, ValueDecimals(b.value)));
    s += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x + bw / 2,
                     o.height - 20, HtmlEscape(b.label.substr(0, 14)));
  }
  return s + "</svg>";
}

}  // namespace huracan::control
