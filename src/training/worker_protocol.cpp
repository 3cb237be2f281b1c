#include "training/worker_protocol.h"

namespace huracan::training {

namespace {
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}
}  // namespace

std::string FormatWorkerEvent(const WorkerEvent& e) {
  std::string line(kWorkerEventPrefix);
  switch (e.kind) {
    case WorkerEvent::Kind::kStart: line += "start "; break;
    case WorkerEvent::Kind::kDone: line += "done "; break;
    case WorkerEvent::Kind::kFailed: line += "failed "; break;
  }
  line += OneLine(e.symbol);
  if (e.kind != WorkerEvent::Kind::kStart) line += " " + OneLine(e.payload);
  return line + "\n";
}

std::optional<WorkerEvent> ParseWorkerEvent(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, kWorkerEventPrefix.size()) != kWorkerEventPrefix) return std::nullopt;
  line.remove_prefix(kWorkerEventPrefix.size());
  auto sp = line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string_view kind = line.substr(0, sp);
  std::string_view rest = line.substr(sp + 1);
  WorkerEvent e;
  if (kind == "start")
    e.kind = WorkerEvent::Kind::kStart;
  else if (kind == "done")
    e.kind = WorkerEvent::Kind::kDone;
  else if (kind == "failed")
    e.kind = WorkerEvent::Kind::kFailed;
  else
    return std::nullopt;
  auto sp2 = rest.find(' ');
  e.symbol = std::string(rest.substr(0, sp2));
  if (sp2 != std::string_view::npos) e.payload = std::string(rest.substr(sp2 + 1));
  if (e.symbol.empty()) return std::nullopt;
  return e;
}

}  // namespace huracan::training
