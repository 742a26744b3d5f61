#ifndef GENLAB_CORE_TENSOR_HPP
#define GENLAB_CORE_TENSOR_HPP
// N-d arrays in genlab's public API: xtensor where the data has more than two axes (attention
// patterns [layer, head, query, key], accuracy grids [condition, seed, length], response
// matrices), Eigen for 2-D linear algebra, and .npy files, all over the same row-major (C-order)
// buffers, so moving between them never copies:
//
//   core::tensor_view(buffer, {a, b, c})   an xtensor view of a std::vector or raw pointer
//   core::matrix_view(tensor2d)            an Eigen::Map of a 2-D xtensor (row-major)
//   core::write_npy(path, tensor)          .npy straight from the tensor's buffer
//   core::read_npy_tensor<T, N>(path)      a tensor of a .npy file, shape and type checked
//
// Only headers that expose N-d arrays include this one (xtensor is a heavy include).

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

#include "genlab/core/error.hpp"
#include "genlab/core/io/npy.hpp"

namespace genlab::core {

/// An owning N-d array, row-major.
template <class T, std::size_t N>
using Tensor = xt::xtensor<T, N, xt::layout_type::row_major>;

/// A non-owning N-d view of `data` (row-major, product of `shape` elements). Writes through.
template <class T, std::size_t N>
auto tensor_view(T* data, const std::array<std::size_t, N>& shape) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  return xt::adapt(data, count, xt::no_ownership(), shape);
}

/// A non-owning N-d view of a vector whose size is the product of `shape`.
template <class T, std::size_t N>
auto tensor_view(std::vector<T>& buffer, const std::array<std::size_t, N>& shape) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  require(count == buffer.size(), "genlab::core::tensor_view", "buffer.size()", buffer.size(),
          "the product of the shape (" + std::to_string(count) + ")");
  return tensor_view(buffer.data(), shape);
}

/// A const N-d view of a vector whose size is the product of `shape`.
template <class T, std::size_t N>
auto tensor_view(const std::vector<T>& buffer, const std::array<std::size_t, N>& shape) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  require(count == buffer.size(), "genlab::core::tensor_view", "buffer.size()", buffer.size(),
          "the product of the shape (" + std::to_string(count) + ")");
  return tensor_view(buffer.data(), shape);
}

/// Row-major Eigen matrix type of a 2-D tensor's elements.
template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The 2-D tensor `t` as an Eigen matrix over the same buffer (no copy; writes go through).
template <class T>
Eigen::Map<RowMatrix<T>> matrix_view(Tensor<T, 2>& t) {
  return Eigen::Map<RowMatrix<T>>(t.data(), static_cast<Eigen::Index>(t.shape(0)), static_cast<Eigen::Index>(t.shape(1)));
}
template <class T>
Eigen::Map<const RowMatrix<T>> matrix_view(const Tensor<T, 2>& t) {
  return Eigen::Map<const RowMatrix<T>>(t.data(), static_cast<Eigen::Index>(t.shape(0)),
                                        static_cast<Eigen::Index>(t.shape(1)));
}

/// Writes an N-d tensor as a C-order .npy file (numpy.load reads it with the same shape), from
/// the tensor's own buffer, atomically.
template <class T, std::size_t N>
void write_npy(const std::filesystem::path& path, const Tensor<T, N>& t) {
  const std::vector<std::size_t> shape(t.shape().begin(), t.shape().end());
  write_npy(path, t.data(), shape);
}

/// Reads a .npy file as an N-d tensor of T. Throws core::FileFormatError naming the file if it
/// has another number of dimensions or another element type (no silent conversion).
template <class T, std::size_t N>
Tensor<T, N> read_npy_tensor(const std::filesystem::path& path) {
  const NpyArray a = read_npy(path);
  if (a.shape.size() != N)
    throw FileFormatError(path.string(), "has " + std::to_string(a.shape.size()) + " dimensions; expected " +
                                             std::to_string(N));
  if (a.type != NpyTypeOf<T>::value)
    throw FileFormatError(path.string(), std::string("holds ") + npy_descr(a.type) + "; expected " +
                                             npy_descr(NpyTypeOf<T>::value));
  std::array<std::size_t, N> shape{};
  for (std::size_t i = 0; i < N; ++i) shape[i] = a.shape[i];
  Tensor<T, N> t(shape);
  const std::vector<T> v = a.values<T>();
  std::copy(v.begin(), v.end(), t.data());
  return t;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_TENSOR_HPP
