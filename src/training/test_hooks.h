// Fault injection for the crash-safety and timeout tests, driven by environment variables. They
// cost one getenv per call and do nothing unless set:
//   HURACAN_TEST_CRASH_AT=<stage>[:<symbol>]  the worker kills itself (SIGKILL) at that stage
//   HURACAN_TEST_HANG_SYMBOL=<symbol>         the worker sleeps forever when it starts that symbol
//   HURACAN_TEST_SLOW_SYMBOL=<symbol>:<secs>  the worker sleeps that long when it starts that symbol
// Stages: after_load, after_archive, after_champion, in_db_transaction, after_db_commit; the
// mechanic's after_score (the scoring fine-tune and backtest) and after_tune (the final fine-tune);
// PublishCoin's after_challenger_set (a refused challenger written to challengers.json) and
// after_promote (the pointer moved, before the set drops the promoted model and after_champion).
#pragma once

#include <string_view>

namespace huracan::training {

// Dies by SIGKILL when HURACAN_TEST_CRASH_AT names `stage` (and `symbol`, when it names one).
void MaybeCrashAt(std::string_view stage, std::string_view symbol);
// Never returns when HURACAN_TEST_HANG_SYMBOL names `symbol`.
void MaybeHang(std::string_view symbol);
// Sleeps for the seconds HURACAN_TEST_SLOW_SYMBOL gives when it names `symbol`.
void MaybeSlow(std::string_view symbol);

}  // namespace huracan::training
