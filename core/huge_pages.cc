#include "core/huge_pages.h"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lbsim::core {

namespace {
std::size_t roundedToHugePages(std::size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}
}  // namespace

void* allocateLarge(std::size_t bytes, std::size_t alignment) {
  if (bytes < kHugePage || alignment > kHugePage) {
    return ::operator new (bytes, std::align_val_t{alignment});
  }
  const std::size_t size = roundedToHugePages(bytes);
  void* block = std::aligned_alloc(kHugePage, size);
  if (block == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // A hint: where the system refuses it, the block simply keeps small pages.
  (void)::madvise(block, size, MADV_HUGEPAGE);
#endif
  return block;
}

void freeLarge(void* block, std::size_t bytes, std::size_t alignment) noexcept {
  if (block == nullptr) return;
  if (bytes < kHugePage || alignment > kHugePage) {
    ::operator delete (block, std::align_val_t{alignment});
    return;
  }
  std::free(block);
}

}  // namespace lbsim::core
