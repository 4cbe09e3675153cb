// Where a kernel stack works, read from its frames' names: which filesystem's code it runs,
// whether it is loading a module.
#pragma once

#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace hangscope::kernel {

/// The filesystem a stack (innermost first) works in, from the prefix of its innermost
/// filesystem-specific frame ("fuse_file_write_iter" -> "fuse"); empty when no frame names one
/// (generic VFS and mm code only).
std::string_view filesystem_of(const std::vector<model::StackFrame>& stack);

/// True when the stack runs a module's load (load_module or do_init_module on it): an Oops there
/// is the module's own init crashing.
bool loads_a_module(const std::vector<model::StackFrame>& stack);

}  // namespace hangscope::kernel
