// A scripted Bot API transport for the bot's tests: each call pops the next answer of its kind
// (getUpdates or the others; default: ok with an empty result) and is recorded with its time.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "control/telegram_bot.h"
#include "core/clock.h"

namespace huracan::control {

// Scripted HTTP: each call pops the next answer (default: ok with an empty result).
class ScriptedTransport : public HttpTransport {
 public:
  struct Call {
    std::string url, body;
    int64_t at_ms;
  };
  explicit ScriptedTransport(const Clock& clock) : clock_(clock) {}
  Result<HttpResponse> PostJson(const std::string& url, const std::string& body, int64_t) override {
    calls.push_back({url, body, clock_.MonotonicMs()});
    const bool poll = url.find("/getUpdates") != std::string::npos;
    auto& q = poll ? polls : sends;
    if (q.empty()) return HttpResponse{200, R"({"ok":true,"result":[]})"};
    auto r = q.front();
    q.pop_front();
    return r;
  }
  std::deque<Result<HttpResponse>> polls, sends;
  std::vector<Call> calls;

 private:
  const Clock& clock_;
};

}  // namespace huracan::control
