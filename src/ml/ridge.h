// Ridge regression on standardised features (Eigen). NaN inputs are treated as the training mean
// (a standardised 0), both in Fit and Predict.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace huracan::ml {

class Ridge {
 public:
  // x: rows*cols row-major, y: rows targets. lambda >= 0 is the L2 penalty on standardised
  // coefficients (the intercept is not penalised).
  static Result<Ridge> Fit(std::span<const double> x, std::span<const double> y, size_t rows, size_t cols,
                           double lambda);

  // One row of `cols()` raw (unstandardised) values; NaN counts as the mean.
  double Predict(const double* x) const {
    double s = offset_;
    for (size_t j = 0; j < slope_.size(); ++j) {
      double v = x[j];
      if (v == v) s += slope_[j] * v - shift_[j];
    }
    return s;
  }

  size_t cols() const { return mean_.size(); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& scale() const { return scale_; }
  const std::vector<double>& coef() const { return coef_; }  // on standardised features
  double intercept() const { return intercept_; }
  double lambda() const { return lambda_; }

  std::string Save() const;
  static Result<Ridge> Load(std::string_view bytes);

 private:
  void Precompute();

  std::vector<double> mean_, scale_, coef_;
  double intercept_ = 0.0;
  double lambda_ = 0.0;
  // Predict(x) = offset_ + sum_j slope_j * x_j - shift_j, with slope = coef/scale, shift = slope*mean.
  std::vector<double> slope_, shift_;
  double offset_ = 0.0;
};

}  // namespace huracan::ml
