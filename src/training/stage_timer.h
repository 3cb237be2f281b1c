// Wall time per pipeline stage, for the "where the time goes" breakdown of the benchmarks.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace huracan::training {

class StageTimes {
 public:
  // Starts timing `stage`; the previous stage (if any) ends now.
  void Begin(std::string stage) {
    End();
    current_ = std::move(stage);
    t0_ = std::chrono::steady_clock::now();
  }
  void End() {
    if (current_.empty()) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    stages_.emplace_back(std::move(current_), s);
    current_.clear();
  }
  const std::vector<std::pair<std::string, double>>& stages() const { return stages_; }
  double total() const {
    double t = 0;
    for (const auto& [name, s] : stages_) t += s;
    return t;
  }
  nlohmann::json ToJson() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, s] : stages_) j[name] = j.value(name, 0.0) + s;
    return j;
  }

 private:
  std::string current_;
  std::chrono::steady_clock::time_point t0_;
  std::vector<std::pair<std::string, double>> stages_;
};

}  // namespace huracan::training
