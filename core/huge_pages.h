#pragma once

#include <cstddef>
#include <new>

namespace lbsim::core {

// Memory for large tables read at random: the rate limiters' keys and the caches' maps.
// Blocks of at least kHugePage bytes are mappings of their own, aligned to it and, on Linux, marked
// for transparent huge pages (madvise MADV_HUGEPAGE, which takes effect where the system's setting
// is "always" or "madvise"). A table of hundreds of thousands of keys spans tens of megabytes: with
// 4 KiB pages nearly every lookup misses the TLB as well as the cache, and a prefetch of it stalls
// on the page walk; with 2 MiB pages the table takes a few TLB entries (where the host backs the
// machine with huge pages too). Smaller blocks come from operator new. Nothing about the contents
// changes: only where they live.
inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

void* allocateLarge(std::size_t bytes, std::size_t alignment);
void freeLarge(void* block, std::size_t bytes, std::size_t alignment) noexcept;

// A standard allocator over allocateLarge, for std::vector and the like.
template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocateLarge(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { freeLarge(p, n * sizeof(T), alignof(T)); }
  friend bool operator==(const LargeAllocator&, const LargeAllocator&) { return true; }
};

}  // namespace lbsim::core
