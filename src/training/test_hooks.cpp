#include "training/test_hooks.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace huracan::training {

void MaybeCrashAt(std::string_view stage, std::string_view symbol) {
  const char* env = std::getenv("HURACAN_TEST_CRASH_AT");
  if (!env || !*env) return;
  std::string_view spec(env);
  std::string_view want_stage = spec, want_symbol;
  if (auto colon = spec.find(':'); colon != std::string_view::npos) {
    want_stage = spec.substr(0, colon);
    want_symbol = spec.substr(colon + 1);
  }
  if (want_stage != stage || (!want_symbol.empty() && want_symbol != symbol)) return;
  ::raise(SIGKILL);
}

void MaybeHang(std::string_view symbol) {
  const char* env = std::getenv("HURACAN_TEST_HANG_SYMBOL");
  if (!env || symbol != env) return;
  for (;;) ::pause();
}

void MaybeSlow(std::string_view symbol) {
  const char* env = std::getenv("HURACAN_TEST_SLOW_SYMBOL");
  if (!env) return;
  std::string_view spec(env);
  const auto colon = spec.rfind(':');
  if (colon == std::string_view::npos || spec.substr(0, colon) != symbol) return;
  const double secs = std::atof(std::string(spec.substr(colon + 1)).c_str());
  if (secs > 0) std::this_thread::sleep_for(std::chrono::duration<double>(secs));
}

}  // namespace huracan::training
