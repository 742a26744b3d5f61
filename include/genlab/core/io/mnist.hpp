#ifndef GENLAB_CORE_IO_MNIST_HPP
#define GENLAB_CORE_IO_MNIST_HPP
// MNIST-family datasets (MNIST, Fashion-MNIST) from their four IDX files. Debian's
// dataset-fashion-mnist package installs Fashion-MNIST at /usr/share/datasets/fashion-mnist/.

#include <filesystem>
#include <string>

#include "genlab/core/io/idx.hpp"

namespace genlab::core {

inline const std::filesystem::path kDebianFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// One split: images (n, rows, cols) as uint8 and labels (n) as uint8, row-major.
struct MnistSplit {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<unsigned char> images;  // count * rows * cols
  std::vector<unsigned char> labels;  // count
};

/// Loads `split` ("train" or "t10k"/"test") from `dir`, which holds
/// <split>-images-idx3-ubyte[.gz] and <split>-labels-idx1-ubyte[.gz]. Checks that the shapes agree.
inline MnistSplit load_mnist_split(const std::filesystem::path& dir, std::string split) {
  if (split == "test") split = "t10k";
  require(split == "train" || split == "t10k", "genlab::core::load_mnist_split", "split", split,
          "\"train\", \"test\" or \"t10k\"");
  auto find = [&](const std::string& stem) {
    for (const char* ext : {".gz", ""}) {
      const auto p = dir / (stem + ext);
      if (std::filesystem::exists(p)) return p;
    }
    throw IoError("genlab::core::load_mnist_split: no " + stem + "[.gz] in " + dir.string());
  };
  const auto image_path = find(split + "-images-idx3-ubyte");
  const auto label_path = find(split + "-labels-idx1-ubyte");
  IdxArray images = read_idx(image_path);
  IdxArray labels = read_idx(label_path);
  if (images.type != IdxType::u8 || images.shape.size() != 3)
    throw FileFormatError(image_path.string(), "expected a uint8 array of 3 dimensions (n, rows, cols)");
  if (labels.type != IdxType::u8 || labels.shape.size() != 1)
    throw FileFormatError(label_path.string(), "expected a uint8 array of 1 dimension (n)");
  if (images.shape[0] != labels.shape[0])
    throw FileFormatError(label_path.string(), "has " + std::to_string(labels.shape[0]) + " labels for " +
                                                  std::to_string(images.shape[0]) + " images");
  MnistSplit s;
  s.count = images.shape[0];
  s.rows = images.shape[1];
  s.cols = images.shape[2];
  s.images = std::move(images.bytes);
  s.labels = std::move(labels.bytes);
  return s;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_MNIST_HPP
