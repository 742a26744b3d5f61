#ifndef GENLAB_NN_PARAMETERS_HPP
#define GENLAB_NN_PARAMETERS_HPP
// Named tensors in one flat buffer (llm.c's params_memory): the optimizer, the gradient
// reduction and checkpoints see a single array, users see named, shaped Eigen views.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "genlab/core/error.hpp"

namespace genlab::nn {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using MatrixMap = Eigen::Map<Matrix<T>>;
template <class T>
using ConstMatrixMap = Eigen::Map<const Matrix<T>>;

/// One named tensor inside the flat buffer: its C-order shape, offset and element count.
/// Vectors have shape {n}; matrices {rows, cols} (stored row-major, x · W convention: rows = in).
struct ParameterInfo {
  std::string name;
  std::vector<std::size_t> shape;
  std::size_t offset = 0;
  std::size_t size = 0;
  bool is_matrix = false;  // 2-d weights (what "decay matrices only" decays)
  std::size_t rows() const { return shape[0]; }
  std::size_t cols() const { return shape.size() > 1 ? shape[1] : 1; }
};

/// The layout of a model's parameters: names in a fixed order (the checkpoint and optimizer
/// order), each a slice of one flat array. Shared by parameters, gradients and Adam moments.
class ParameterLayout {
 public:
  /// Appends a tensor; returns its offset. Names must be unique.
  std::size_t add(const std::string& name, std::vector<std::size_t> shape) {
    core::require(index_.count(name) == 0, "genlab::nn::ParameterLayout::add", "name", name, "a new name");
    ParameterInfo p;
    p.name = name;
    p.size = 1;
    for (auto d : shape) p.size *= d;
    p.is_matrix = shape.size() == 2;
    p.shape = std::move(shape);
    p.offset = total_;
    total_ += p.size;
    index_[name] = infos_.size();
    infos_.push_back(std::move(p));
    return infos_.back().offset;
  }
  const std::vector<ParameterInfo>& infos() const { return infos_; }
  std::size_t total() const { return total_; }
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  /// The tensor called `name`; throws std::invalid_argument listing the valid names if absent.
  const ParameterInfo& info(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) {
      std::string names;
      for (const auto& p : infos_) names += (names.empty() ? "" : ", ") + p.name;
      core::throw_invalid_argument("genlab::nn::ParameterLayout::info", "name", name, "one of " + names);
    }
    return infos_[it->second];
  }

 private:
  std::vector<ParameterInfo> infos_;
  std::map<std::string, std::size_t> index_;
  std::size_t total_ = 0;
};

/// A row-major view of tensor `p` inside `data` (a vector is a column: rows = n, cols = 1).
template <class T>
MatrixMap<T> view(T* data, const ParameterInfo& p) {
  return MatrixMap<T>(data + p.offset, static_cast<Eigen::Index>(p.rows()), static_cast<Eigen::Index>(p.cols()));
}
template <class T>
ConstMatrixMap<T> view(const T* data, const ParameterInfo& p) {
  return ConstMatrixMap<T>(data + p.offset, static_cast<Eigen::Index>(p.rows()), static_cast<Eigen::Index>(p.cols()));
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_PARAMETERS_HPP
