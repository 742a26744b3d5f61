#ifndef GENLAB_VERSION_HPP
#define GENLAB_VERSION_HPP
// genlab's version, kept in step with project(genlab VERSION ...) in CMakeLists.txt. The patch
// number also moves when the library's own summation order changes (training runs' last bits):
// 0.1.1 cuts batches into even shards.
#define GENLAB_VERSION_MAJOR 0
#define GENLAB_VERSION_MINOR 1
#define GENLAB_VERSION_PATCH 1
#define GENLAB_VERSION_STRING "0.1.1"
#endif
