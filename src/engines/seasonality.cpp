// seasonality: time-of-day or day-of-week return profile (UTC), from the bar's timestamp.
// Fit measures non-overlapping 60-minute forward returns per bucket; a bucket side speaks when
// its shrunk mean clears the round-trip cost plus the net-edge floor (calibration.h) with a t-stat of
// at least t_min.
// Grid: bucket scheme {hour of day (24), day of week (7)} x t_min {1.0, 1.5, 2.0}.
#include <cmath>
#include <iterator>

#include "core/time_units.h"
#include "engines/engine_table.h"

namespace huracan::engines {
namespace {

constexpr uint32_t kMagic = 0x4e534553;  // "SESN"
constexpr uint32_t kVersion = 1;
constexpr int kHorizon = 60;
constexpr const char* kId = "seasonality";

constexpr int kHoursPerDay = static_cast<int>(kMsPerDay / kMsPerHour);
constexpr int kDaysPerWeek = 7;

// Bucket schemes: 0 the UTC hour of the day (0-23), 1 the UTC weekday (Monday = 0).
int NumBuckets(int scheme) { return scheme == 0 ? kHoursPerDay : kDaysPerWeek; }

int BucketOf(int64_t ts_ms, int scheme) { return scheme == 0 ? UtcHourOfDay(ts_ms) : UtcWeekday(ts_ms); }

double TStat(const SideStats& s) {
  double sd = s.sd();
  return sd > 0 ? std::fabs(s.mean()) / (sd / std::sqrt(static_cast<double>(s.n))) : 0.0;
}

constexpr int kSchemes[] = {0, 1};
constexpr double kTMins[] = {1.0, 1.5, 2.0};

class Seasonality : public Engine {
 public:
  std::string_view id() const override { return kId; }
  EngineFamily family() const override { return EngineFamily::kSeasonal; }
  std::vector<Regime> regimes() const override { return {Regime::kTrend, Regime::kRange}; }
  int horizon_minutes() const override { return kHorizon; }
  std::vector<std::string> required_features() const override { return {}; }  // reads the bar timestamp
  bool active() const override { return scheme_ >= 0; }
  int trials() const override { return static_cast<int>(std::size(kSchemes) * std::size(kTMins)); }

  Status Bind(const std::vector<std::string>&) override { return Status::Ok(); }

  Status Fit(const TrainWindow& w) override {
    HURACAN_RETURN_IF_ERROR(ValidateWindow(w, kId));
    const int h = HorizonBars(*w.bars, kHorizon);
    const std::vector<double> fwd = ForwardReturns(*w.bars, w.begin, w.end, h);
    const double cost = w.round_trip_cost_bps;
    const double edge_floor = w.net_edge_floor_bps;
    scheme_ = -1;
    double best = 0.0;
    for (int scheme : kSchemes) {
      const int nb = NumBuckets(scheme);
      std::vector<SideStats> stats(nb);
      std::vector<size_t> next(nb, w.begin);
      for (size_t t = w.begin; t < w.end; ++t) {
        if (fwd[t] != fwd[t]) continue;
        int b = BucketOf(w.bars->ts_ms[t], scheme);
        if (t < next[b]) continue;
        stats[b].Add(fwd[t], +1, cost);
        next[b] = t + h;
      }
      for (double tmin : kTMins) {
        double score = 0.0;
        for (const SideStats& s : stats) {
          if (TStat(s) < tmin) continue;
          score += s.score(+1, cost, edge_floor) + s.score(-1, cost, edge_floor);
        }
        if (score > best) {
          best = score;
          scheme_ = scheme;
          t_min_ = tmin;
          long_.assign(nb, SideCal{});
          short_.assign(nb, SideCal{});
          for (int b = 0; b < nb; ++b) {
            if (TStat(stats[b]) < tmin) continue;
            long_[b] = Calibrate(stats[b], +1, cost, edge_floor);
            short_[b] = Calibrate(stats[b], -1, cost, edge_floor);
          }
        }
      }
    }
    if (scheme_ < 0) long_.clear(), short_.clear();
    return Status::Ok();
  }

  EngineOutput Infer(const FeatureRow& row) const override {
    if (scheme_ < 0) return Wait(kHorizon, "off");
    int b = BucketOf(row.ts_ms, scheme_);
    if (long_[b].on) return Speak(+1, long_[b], kHorizon, scheme_ == 0 ? "strong hour" : "strong weekday");
    if (short_[b].on) return Speak(-1, short_[b], kHorizon, scheme_ == 0 ? "weak hour" : "weak weekday");
    return Wait(kHorizon, "flat bucket");
  }

  std::string SaveParams() const override {
    ml::ByteWriter w;
    w.U32(kMagic);
    w.U32(kVersion);
    w.I64(scheme_);
    w.F64(t_min_);
    w.U64(long_.size());
    for (size_t b = 0; b < long_.size(); ++b) long_[b].Save(w), short_[b].Save(w);
    return w.Take();
  }

  Status LoadParams(std::string_view bytes) override {
    const std::string what = ParamsContext(kId);
    ml::ByteReader r(bytes, what);
    if (r.U32() != kMagic || r.U32() != kVersion) return WithContext(DataLoss("bad magic or version"), what);
    int64_t scheme = r.I64();
    double tmin = r.F64();
    uint64_t nb = r.U64();
    if (!r.ok() || scheme < -1 || scheme > 1 || nb != (scheme < 0 ? 0u : static_cast<uint64_t>(NumBuckets(scheme))))
      return WithContext(DataLoss("bad bucket scheme"), what);
    std::vector<SideCal> lo(nb), sh(nb);
    for (uint64_t b = 0; b < nb; ++b) lo[b].Load(r), sh[b].Load(r);
    HURACAN_RETURN_IF_ERROR(r.Finish());
    scheme_ = static_cast<int>(scheme);
    t_min_ = tmin;
    long_ = std::move(lo);
    short_ = std::move(sh);
    return Status::Ok();
  }

 private:
  int scheme_ = -1;  // -1 off, 0 hour of day, 1 day of week
  double t_min_ = 0.0;
  std::vector<SideCal> long_, short_;  // per bucket
};

}  // namespace

std::unique_ptr<Engine> MakeSeasonality() { return std::make_unique<Seasonality>(); }

}  // namespace huracan::engines
