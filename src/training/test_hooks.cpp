#include "training/test_hooks.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

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

}  // namespace huracan::training
