#include "features/shared_inputs.h"

#include <algorithm>
#include <cmath>

#include "features/frame.h"
#include "features/rolling.h"

namespace huracan::features {

History::History(int depth) {
  size_t cap = 1;
  while (cap < static_cast<size_t>(depth) + 1) cap <<= 1;
  close_.assign(cap, kNaN);
  lclose_.assign(cap, kNaN);
  ref_.assign(cap, kNaN);
  lref_.assign(cap, kNaN);
  mask_ = static_cast<int64_t>(cap) - 1;
}

void History::Push(double close, double log_close, double ref_close, double log_ref_close) {
  const size_t slot = static_cast<size_t>(n_ & mask_);
  close_[slot] = close;
  lclose_[slot] = log_close;
  ref_[slot] = ref_close;
  lref_[slot] = log_ref_close;
  ++n_;
}

HistoryView History::View() const {
  HistoryView v;
  v.close_ = close_.data();
  v.lclose_ = lclose_.data();
  v.ref_ = ref_.data();
  v.lref_ = lref_.data();
  v.pos = n_ - 1;
  v.mask = mask_;
  return v;
}

void History::Serialize(StateIO& io) {
  io.F(n_);
  io.F(close_);
  io.F(lclose_);
  io.F(ref_);
  io.F(lref_);
}

namespace {

// One shared sub-indicator: its state and its outputs for the rows of the current block.
// EMA and ATR: one value per row.
template <typename State>
struct ValueEntry {
  int period;
  State state;
  std::vector<double> value;
};
struct MomentsEntry {
  int period;
  RollingMoments state;
  bool returns;  // moments of 1e4 * lr1 (else of close)
  bool higher;   // var_pop, m3, m4 are read
  bool sample;   // sd_sample is read
  SharedInputs::Moments out;
};
struct ChannelEntry {
  int period;
  WindowExtreme<true> hi;
  WindowExtreme<false> lo;
  SharedInputs::Channel out;
};
struct SumEntry {
  int period;
  RollingSum state;
  SharedInputs::Sum out;
};
struct BetaEntry {
  int period;
  int64_t n = 0;
  RollingCov cov;
  std::vector<double> value;
};

// The entry of `period` in `v`, added as make() if there is none yet.
template <typename T, typename Make>
T* FindOrAdd(std::vector<std::unique_ptr<T>>& v, int period, Make make) {
  for (auto& e : v)
    if (e->period == period) return e.get();
  v.push_back(std::make_unique<T>(make()));
  return v.back().get();
}

template <typename State>
const double* FindOrAddValue(std::vector<std::unique_ptr<ValueEntry<State>>>& v, int period, size_t cap) {
  return FindOrAdd(v, period,
                   [&] {
                     return ValueEntry<State>{period, State(period), std::vector<double>(cap, kNaN)};
                   })
      ->value.data();
}

SharedInputs::Moments MomentsOut(size_t cap) {
  SharedInputs::Moments m;
  m.valid.assign(cap, 0);
  for (auto* col : {&m.mean, &m.sd_pop, &m.sd_sample, &m.var_pop, &m.m3, &m.m4}) col->assign(cap, kNaN);
  return m;
}

}  // namespace

struct SharedInputs::Impl {
  size_t cap;
  std::vector<std::unique_ptr<ValueEntry<TaEma>>> ema;
  std::vector<std::unique_ptr<ValueEntry<TaAtr>>> atr;
  std::vector<std::unique_ptr<MomentsEntry>> moments;
  std::vector<std::unique_ptr<ChannelEntry>> chan;
  std::vector<std::unique_ptr<SumEntry>> vol;
  std::vector<std::unique_ptr<BetaEntry>> beta;

  MomentsEntry* FindMoments(int period, bool returns) {
    for (auto& e : moments)
      if (e->period == period && e->returns == returns) return e.get();
    return nullptr;
  }
};

SharedInputs::SharedInputs(size_t block_rows) : impl_(std::make_unique<Impl>()) {
  impl_->cap = std::max<size_t>(1, block_rows);
}
SharedInputs::~SharedInputs() = default;

const double* SharedInputs::Ema(int period) { return FindOrAddValue(impl_->ema, period, impl_->cap); }

const double* SharedInputs::Atr(int period) { return FindOrAddValue(impl_->atr, period, impl_->cap); }

const SharedInputs::Moments* SharedInputs::CloseMoments(int period) {
  MomentsEntry* e = impl_->FindMoments(period, false);
  if (!e) {
    impl_->moments.push_back(std::unique_ptr<MomentsEntry>(
        new MomentsEntry{period, RollingMoments(period), false, false, false, MomentsOut(impl_->cap)}));
    e = impl_->moments.back().get();
  }
  return &e->out;
}

const SharedInputs::Moments* SharedInputs::ReturnMoments(int period, bool higher) {
  MomentsEntry* e = impl_->FindMoments(period, true);
  if (!e) {
    impl_->moments.push_back(std::unique_ptr<MomentsEntry>(
        new MomentsEntry{period, RollingMoments(period, higher), true, higher, !higher, MomentsOut(impl_->cap)}));
    e = impl_->moments.back().get();
  } else if (higher && !e->higher) {
    // The third and fourth sums do not change the first two: upgrading keeps var_* identical.
    e->state = RollingMoments(period, true);
    e->higher = true;
  } else if (!higher) {
    e->sample = true;
  }
  return &e->out;
}

const SharedInputs::Channel* SharedInputs::HighLow(int period) {
  const size_t cap = impl_->cap;
  return &FindOrAdd(impl_->chan, period, [&] {
            Channel out{std::vector<uint8_t>(cap, 0),   std::vector<uint8_t>(cap, 0),   std::vector<double>(cap, kNaN),
                        std::vector<double>(cap, kNaN), std::vector<double>(cap, kNaN), std::vector<double>(cap, kNaN)};
            return ChannelEntry{period, WindowExtreme<true>(period), WindowExtreme<false>(period), std::move(out)};
          })->out;
}

const SharedInputs::Sum* SharedInputs::VolumeSum(int period) {
  const size_t cap = impl_->cap;
  return &FindOrAdd(impl_->vol, period, [&] {
            return SumEntry{period, RollingSum(period),
                            Sum{std::vector<int64_t>(cap, 0), std::vector<double>(cap, kNaN)}};
          })->out;
}

const double* SharedInputs::BetaBtc(int period) {
  const size_t cap = impl_->cap;
  return FindOrAdd(impl_->beta, period,
                   [&] {
                     return BetaEntry{period, 0, RollingCov(period), std::vector<double>(cap, kNaN)};
                   })
      ->value.data();
}

void SharedInputs::Run(const BarBlock& blk) {
  const size_t rows = blk.rows;
  // EMAs and ATRs are recurrences bound by the latency of their own previous value: updating all
  // of them row by row lets the CPU overlap their independent chains.
  if (!impl_->ema.empty() || !impl_->atr.empty()) {
    for (size_t r = 0; r < rows; ++r) {
      for (auto& e : impl_->ema) e->value[r] = e->state.Push(blk.close[r]);
      if (impl_->atr.empty()) continue;
      const bool first = blk.first_index + static_cast<int64_t>(r) == 0;
      const double tr = first ? kNaN : TaTrueRange(blk.high[r], blk.low[r], blk.prev_close[r]);
      for (auto& e : impl_->atr) e->value[r] = e->state.Push(tr);
    }
  }
  for (auto& e : impl_->moments) {
    Moments& o = e->out;
    RollingMoments& m = e->state;
    for (size_t r = 0; r < rows; ++r) {
      m.Push(e->returns ? kBps * blk.lr1[r] : blk.close[r]);
      o.valid[r] = m.valid();
      if (m.valid() == 0) continue;  // the other outputs are not read
      if (e->returns) {
        if (e->sample) o.sd_sample[r] = std::sqrt(m.var_sample());
        if (e->higher) {
          o.var_pop[r] = m.var_pop();
          o.m3[r] = m.m3();
          o.m4[r] = m.m4();
        }
      } else {
        o.mean[r] = m.mean();
        o.sd_pop[r] = std::sqrt(m.var_pop());
      }
    }
  }
  for (auto& e : impl_->chan) {
    Channel& o = e->out;
    for (size_t r = 0; r < rows; ++r) {
      o.prev_full[r] = e->hi.full();
      o.prev_hi[r] = e->hi.value();
      o.prev_lo[r] = e->lo.value();
      e->hi.Push(blk.high[r]);
      e->lo.Push(blk.low[r]);
      o.full[r] = e->hi.full();
      o.hi[r] = e->hi.value();
      o.lo[r] = e->lo.value();
    }
  }
  for (auto& e : impl_->vol)
    for (size_t r = 0; r < rows; ++r) {
      e->state.Push(blk.volume[r]);
      e->out.valid[r] = e->state.valid();
      e->out.sum[r] = e->state.sum();
    }
  for (auto& e : impl_->beta)
    for (size_t r = 0; r < rows; ++r) {
      BetaEntry& s = *e;
      s.cov.Push(kBps * blk.ref_lr1[r], kBps * blk.lr1[r]);
      ++s.n;
      if (!blk.ref_ok[r] || s.n < s.period || 2 * s.cov.valid() < s.period) {
        s.value[r] = kNaN;
      } else {
        const double vx = s.cov.var_x();
        s.value[r] = vx > 1e-12 ? s.cov.cov() / vx : 0.0;
      }
    }
}

std::vector<std::pair<std::string, double>> SharedInputs::Registered() const {
  std::vector<std::pair<std::string, double>> out;
  auto add = [&](const char* what, int period, double ns) {
    out.emplace_back(what + ("/" + std::to_string(period)), ns);
  };
  for (const auto& e : impl_->ema) add("ema", e->period, 2.5);
  for (const auto& e : impl_->atr) add("atr", e->period, 2.5);
  for (const auto& e : impl_->moments) add(e->returns ? "return_moments" : "close_moments", e->period, 17);
  for (const auto& e : impl_->chan) add("channel", e->period, 12);
  for (const auto& e : impl_->vol) add("volume_sum", e->period, 7);
  for (const auto& e : impl_->beta) add("beta", e->period, 16.5);
  return out;
}

void SharedInputs::Serialize(StateIO& io) {
  // Outputs are not state: every Run recomputes them. Order: as registered, kind by kind.
  for (auto& e : impl_->ema) e->state.Serialize(io);
  for (auto& e : impl_->atr) e->state.Serialize(io);
  for (auto& e : impl_->moments)
    if (!e->returns) e->state.Serialize(io);
  for (auto& e : impl_->moments)
    if (e->returns) e->state.Serialize(io);
  for (auto& e : impl_->chan) {
    e->hi.Serialize(io);
    e->lo.Serialize(io);
  }
  for (auto& e : impl_->vol) e->state.Serialize(io);
  for (auto& e : impl_->beta) {
    io.F(e->n);
    e->cov.Serialize(io);
  }
}

}  // namespace huracan::features
