// Rendering helpers shared by the status page (control/status_page.h) and the HTML daily report
// (control/report.h): HTML escaping, a page shell with inline CSS, and inline-SVG charts. Pages
// are self-contained: no CDN, no external fonts or scripts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace huracan::control {

// Escapes & < > " ' for text and attribute values.
std::string HtmlEscape(std::string_view s);

// A complete HTML document: doctype, charset, title, the shared style sheet, then `body` (HTML).
std::string HtmlPage(const std::string& title, const std::string& body);

// A number with `decimals` decimals; "-" for NaN and the infinities.
std::string FormatNumber(double v, int decimals);

struct LineSeries {
  std::string name;
  std::vector<double> x;  // same length as y; ascending
  std::vector<double> y;
};

struct ChartOptions {
  int width = 640;
  int height = 220;
  std::string title;   // drawn above the plot (escaped)
  std::string x_unit;  // "time" formats x as UTC dates from epoch ms; otherwise plain numbers
  std::string y_label;
};

// One SVG <path class="series"> per series (and a <circle class="point"> per point when the series
// has at most 60 points), axes with min/max labels, a legend. Series without points are named in
// the legend only; with no points at all the chart says "no data".
std::string SvgLineChart(const std::vector<LineSeries>& series, const ChartOptions& opts);

struct Bar {
  std::string label;
  double value = 0;
  // "step": a waterfall step from the previous bar's end; "total": drawn from zero. Default total.
  bool step = false;
};

// Vertical bars (<rect class="bar">) around a zero line, each labelled with its value; negative
// values are drawn in the "neg" colour. With step bars it is a waterfall (gross -> costs -> net).
std::string SvgBarChart(const std::vector<Bar>& bars, const ChartOptions& opts);

}  // namespace huracan::control
