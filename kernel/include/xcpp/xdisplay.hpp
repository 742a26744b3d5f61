#ifndef GENLAB_KERNEL_XCPP_XDISPLAY_HPP
#define GENLAB_KERNEL_XCPP_XDISPLAY_HPP
// xcpp::display for genlab's xcpp17 kernel (kernel/): the same entry point xeus-cling and xeus-cpp
// give notebook code, so genlab/notebook.hpp and user cells call one API under all three kernels.
//
//   xcpp::display(x);   // publishes mime_bundle_repr(x) (found by ADL) as a display_data message
//
// The kernel executable exports genlab_kernel_display (kernel/src/display.cpp); the interpreter
// resolves it in the running process, so JIT-compiled cells call straight into the kernel. The
// bundle crosses that boundary as JSON text: the cell's nlohmann::json and the kernel's are
// compiled separately and need not share a layout.
//
// Jupyter messaging protocol 5.3, "display_data": content = {data, metadata, transient}.

#include <nlohmann/json.hpp>

#include <string>

extern "C" void genlab_kernel_display(const char* data_json, const char* metadata_json);

namespace xcpp {

/// Publishes an object's MIME bundle (a JSON object mapping MIME type to content) inline.
template <class T>
void display(const T& t) {
  const nlohmann::json data = mime_bundle_repr(t);  // ADL: defined next to the displayed type
  const std::string text = data.dump();
  genlab_kernel_display(text.c_str(), "{}");
}

}  // namespace xcpp

#endif  // GENLAB_KERNEL_XCPP_XDISPLAY_HPP
