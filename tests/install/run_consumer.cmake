# Builds and runs tests/install/consumer against genlab, either installed (MODE=find_package)
# or as a subdirectory (MODE=add_subdirectory). Fails on the first step that fails.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()

set(consumer_src ${GENLAB_SOURCE_DIR}/tests/install/consumer)
if(MODE STREQUAL "find_package")
  step(${CMAKE_COMMAND} --install ${GENLAB_BINARY_DIR} --prefix ${WORK_DIR}/prefix)
  step(${CMAKE_COMMAND} -S ${consumer_src} -B ${WORK_DIR}/build -DCMAKE_BUILD_TYPE=Release
       -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DGENLAB_CONSUMER_MODE=find_package)
else()
  step(${CMAKE_COMMAND} -S ${consumer_src} -B ${WORK_DIR}/build -DCMAKE_BUILD_TYPE=Release
       -DGENLAB_CONSUMER_MODE=add_subdirectory -DGENLAB_SOURCE_DIR=${GENLAB_SOURCE_DIR})
endif()
step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step(${WORK_DIR}/build/consumer)
