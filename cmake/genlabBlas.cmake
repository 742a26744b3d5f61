# genlab_find_openblas(): defines the imported target genlab::openblas for the OpenMP build of
# OpenBLAS, or leaves it undefined (with a status line) when that build is not installed.
#
# Why only the OpenMP build: genlab parallelizes with OpenMP, and a GEMM called inside one of its
# parallel loops must run on that thread alone. OpenBLAS's OpenMP build sees the enclosing region
# (omp_in_parallel) and does so; its pthreads build would start its own threads on top of ours.
# Debian ships it as libopenblas-openmp-dev, under <libdir>/openblas-openmp/. Elsewhere, point
# GENLAB_OPENBLAS_LIBRARY at an OpenMP-built libopenblas.
# Used by genlab's CMakeLists.txt and by the installed genlabConfig.cmake.
function(genlab_find_openblas)
  if(TARGET genlab::openblas)
    return()
  endif()
  set(dirs)
  if(CMAKE_LIBRARY_ARCHITECTURE)
    list(APPEND dirs /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp)
  endif()
  list(APPEND dirs /usr/lib/openblas-openmp /usr/lib64/openblas-openmp)
  find_library(GENLAB_OPENBLAS_LIBRARY NAMES openblas PATHS ${dirs} NO_DEFAULT_PATH
               DOC "OpenBLAS built with OpenMP (Eigen's BLAS backend for genlab)")
  if(NOT GENLAB_OPENBLAS_LIBRARY)
    message(STATUS "genlab: OpenBLAS (OpenMP build) not found: Eigen's own GEMM kernels are used "
                   "(Debian/Ubuntu: apt-get install libopenblas-openmp-dev for the faster backend)")
    return()
  endif()
  add_library(genlab::openblas UNKNOWN IMPORTED GLOBAL)
  set_target_properties(genlab::openblas PROPERTIES IMPORTED_LOCATION "${GENLAB_OPENBLAS_LIBRARY}")
  message(STATUS "genlab: Eigen's matrix products run on OpenBLAS: ${GENLAB_OPENBLAS_LIBRARY}")
endfunction()
