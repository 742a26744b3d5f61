#ifndef GENLAB_VERSION_HPP
#define GENLAB_VERSION_HPP
// genlab's version, kept in step with project(genlab VERSION ...) in CMakeLists.txt.
#define GENLAB_VERSION_MAJOR 0
#define GENLAB_VERSION_MINOR 1
#define GENLAB_VERSION_PATCH 0
#define GENLAB_VERSION_STRING "0.1.0"
#endif
