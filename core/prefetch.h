#pragma once

namespace lbsim::core {

// Asks the memory system for the cache line at `address`, to be read soon; changes nothing
// else. An asm statement on x86: GCC drops a loop whose only effect is __builtin_prefetch
// (it takes such a loop to do nothing), which removed the hints for an nginx location's
// zones.
inline void prefetch(const void* address) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace lbsim::core
