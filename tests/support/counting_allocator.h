#pragma once

#include <cstdint>

namespace lbsim::testing {

// Number of calls to the global operator new so far in this program. Linking
// counting_allocator.cc replaces operator new/delete for the whole executable.
std::uint64_t allocationCount();

}  // namespace lbsim::testing
