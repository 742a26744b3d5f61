// N-d arrays over shared buffers: xtensor views, Eigen maps and .npy files see the same memory
// and the same row-major layout, and reading a .npy of another shape or type is an error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <vector>

#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/tensor.hpp"

using namespace genlab;
namespace fs = std::filesystem;

TEST_CASE("tensor views share the buffer in row-major order", "[core][tensor]") {
  std::vector<double> buf(2 * 3 * 4);
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<double>(i);
  auto v = core::tensor_view(buf, std::array<std::size_t, 3>{2, 3, 4});
  CHECK(v(1, 2, 3) == 23.0);  // (1·3 + 2)·4 + 3
  CHECK(v(0, 1, 0) == 4.0);
  v(1, 0, 0) = -1;
  CHECK(buf[12] == -1.0);  // writes go through
  CHECK_THROWS_WITH(core::tensor_view(buf, std::array<std::size_t, 2>{5, 5}), Catch::Contains("'buffer.size()' = 24"));

  core::Tensor<float, 2> t(std::array<std::size_t, 2>{2, 3});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j) t(i, j) = static_cast<float>(10 * i + j);
  auto m = core::matrix_view(t);
  CHECK(m.rows() == 2);
  CHECK(m(1, 2) == 12.0f);
  CHECK(m.data() == t.data());  // no copy
  m(0, 1) = 7;
  CHECK(t(0, 1) == 7.0f);
}

TEST_CASE("tensors round-trip through .npy with their shape and type", "[core][tensor]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_tensor_npy";
  fs::remove_all(dir);
  fs::create_directories(dir);
  core::Tensor<double, 3> t(std::array<std::size_t, 3>{2, 3, 4});
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = 0.5 * static_cast<double>(i);
  core::write_npy(dir / "t.npy", t);
  // The same bytes as the flat writer with the same shape: numpy reads a (2, 3, 4) array.
  std::vector<double> flat(t.data(), t.data() + t.size());
  core::write_npy(dir / "flat.npy", flat, {2, 3, 4});
  CHECK(core::read_file(dir / "t.npy") == core::read_file(dir / "flat.npy"));
  const auto back = core::read_npy_tensor<double, 3>(dir / "t.npy");
  CHECK(back == t);
  CHECK_THROWS_AS((core::read_npy_tensor<double, 2>(dir / "t.npy")), core::FileFormatError);
  CHECK_THROWS_WITH((core::read_npy_tensor<double, 2>(dir / "t.npy")), Catch::Contains("t.npy") && Catch::Contains("3 dimensions"));
  CHECK_THROWS_WITH((core::read_npy_tensor<float, 3>(dir / "t.npy")), Catch::Contains("<f8") && Catch::Contains("<f4"));
}
