#include "ml/ridge.h"

#include <Eigen/Dense>
#include <cmath>

#include "ml/bytes.h"

namespace huracan::ml {
namespace {
constexpr uint32_t kRidgeMagic = 0x52444731;  // "RDG1"
}

Result<Ridge> Ridge::Fit(std::span<const double> x, std::span<const double> y, size_t rows, size_t cols,
                         double lambda) {
  if (rows < 2 || cols == 0) return InvalidArgument("ridge: need at least 2 rows and 1 column");
  if (x.size() != rows * cols || y.size() != rows) return InvalidArgument("ridge: x/y sizes do not match rows/cols");
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) return InvalidArgument("ridge: lambda must be finite and >= 0");
  for (double v : y)
    if (!std::isfinite(v)) return InvalidArgument("ridge: non-finite target");

  Ridge r;
  r.lambda_ = lambda;
  r.mean_.assign(cols, 0.0);
  r.scale_.assign(cols, 1.0);
  std::vector<size_t> count(cols, 0);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) {
      double v = x[i * cols + j];
      if (std::isfinite(v)) r.mean_[j] += v, ++count[j];
    }
  for (size_t j = 0; j < cols; ++j) r.mean_[j] = count[j] ? r.mean_[j] / static_cast<double>(count[j]) : 0.0;
  std::vector<double> ss(cols, 0.0);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) {
      double v = x[i * cols + j];
      if (std::isfinite(v)) ss[j] += (v - r.mean_[j]) * (v - r.mean_[j]);
    }
  for (size_t j = 0; j < cols; ++j) {
    double sd = count[j] > 1 ? std::sqrt(ss[j] / static_cast<double>(count[j] - 1)) : 0.0;
    r.scale_[j] = sd > 1e-12 ? sd : 0.0;  // 0 marks a constant column: its coefficient stays 0
  }

  Eigen::MatrixXd z(rows, cols);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) {
      double v = x[i * cols + j];
      z(i, j) = (std::isfinite(v) && r.scale_[j] > 0) ? (v - r.mean_[j]) / r.scale_[j] : 0.0;
    }
  double ymean = 0.0;
  for (double v : y) ymean += v;
  ymean /= static_cast<double>(rows);
  Eigen::VectorXd yc(rows);
  for (size_t i = 0; i < rows; ++i) yc(i) = y[i] - ymean;

  Eigen::MatrixXd a = z.transpose() * z;
  a.diagonal().array() += lambda;
  for (size_t j = 0; j < cols; ++j)
    if (r.scale_[j] == 0) a(j, j) += 1.0;  // keeps the system definite for constant columns (z is 0 there)
  Eigen::VectorXd b = z.transpose() * yc;
  Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
  if (ldlt.info() != Eigen::Success) return Internal("ridge: factorisation failed");
  Eigen::VectorXd w = ldlt.solve(b);
  r.coef_.assign(cols, 0.0);
  for (size_t j = 0; j < cols; ++j) {
    if (!std::isfinite(w(j))) return Internal("ridge: non-finite coefficient (singular system, try lambda > 0)");
    r.coef_[j] = r.scale_[j] > 0 ? w(j) : 0.0;
  }
  r.intercept_ = ymean;
  r.Precompute();
  return r;
}

void Ridge::Precompute() {
  size_t n = coef_.size();
  slope_.assign(n, 0.0);
  shift_.assign(n, 0.0);
  offset_ = intercept_;
  for (size_t j = 0; j < n; ++j) {
    if (scale_[j] > 0) {
      slope_[j] = coef_[j] / scale_[j];
      shift_[j] = slope_[j] * mean_[j];
    }
  }
}

std::string Ridge::Save() const {
  ByteWriter w;
  w.U32(kRidgeMagic);
  w.F64(lambda_);
  w.F64(intercept_);
  w.F64s(mean_);
  w.F64s(scale_);
  w.F64s(coef_);
  return w.Take();
}

Result<Ridge> Ridge::Load(std::string_view bytes) {
  ByteReader r(bytes, "ridge model");
  if (r.U32() != kRidgeMagic) return DataLoss("ridge model: bad magic or version");
  Ridge m;
  m.lambda_ = r.F64();
  m.intercept_ = r.F64();
  m.mean_ = r.F64s();
  m.scale_ = r.F64s();
  m.coef_ = r.F64s();
  HURACAN_RETURN_IF_ERROR(r.Finish());
  if (m.scale_.size() != m.mean_.size() || m.coef_.size() != m.mean_.size())
    return DataLoss("ridge model: vectors of different lengths");
  m.Precompute();
  return m;
}

}  // namespace huracan::ml
