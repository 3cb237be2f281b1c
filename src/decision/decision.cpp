#include "decision/decision.h"

#include <cstdio>

namespace huracan::decision {
namespace {

void AppendDouble(std::string& s, double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  s += buf;
}

}  // namespace

std::string Decision::Serialize() const {
  std::string s;
  s.reserve(160);
  s += std::to_string(ts_ms);
  s += '|';
  s += symbol;
  s += '|';
  s += DirectionName(direction);
  s += '|';
  s += DirectionName(signal);
  s += '|';
  s += regime_ready ? RegimeName(regime) : "-";
  s += '|';
  AppendDouble(s, edge_bps);
  s += '|';
  AppendDouble(s, net_edge_bps);
  s += '|';
  AppendDouble(s, confidence);
  s += '|';
  s += std::to_string(horizon_minutes);
  s += '|';
  AppendDouble(s, cost.total());
  s += '|';
  s += reason;
  s += '|';
  for (size_t i = 0; i < engines.size(); ++i) {
    if (i) s += ',';
    s += engines[i];
  }
  return s;
}

}  // namespace huracan::decision
