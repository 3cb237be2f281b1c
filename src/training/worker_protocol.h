// What a training worker process tells the scheduler, one line per event on its stdout:
//   @huracan-worker start SYMBOL
//   @huracan-worker done SYMBOL {json result}
//   @huracan-worker failed SYMBOL message
// Any other stdout line is ignored; stderr is kept (its tail names the cause of a crash).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace huracan::training {

inline constexpr std::string_view kWorkerEventPrefix = "@huracan-worker ";

struct WorkerEvent {
  enum class Kind { kStart, kDone, kFailed } kind = Kind::kStart;
  std::string symbol;
  std::string payload;  // done: JSON result; failed: the message
};

std::string FormatWorkerEvent(const WorkerEvent& e);  // one line, with the trailing '\n'
std::optional<WorkerEvent> ParseWorkerEvent(std::string_view line);

}  // namespace huracan::training
