#include "core/huge_pages.h"

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lbsim::core {

namespace {

std::size_t roundedToHugePages(std::size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}
bool large(std::size_t bytes, std::size_t alignment) {
  return bytes >= kHugePage && alignment <= kHugePage;
}

#if defined(__linux__) && defined(MADV_HUGEPAGE)

// A large block is a mapping of its own, aligned by trimming an oversized one: freed, it goes
// back to the system at once (from the heap, a freed table left a hole that still counted in
// the resident set), and the huge-page hint covers exactly it.
void* mapLarge(std::size_t size) {
  void* mapped =
      ::mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(mapped);
  const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) ::munmap(mapped, aligned - start);
  const std::uintptr_t end = start + size + kHugePage;
  if (end > aligned + size) ::munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
  void* block = reinterpret_cast<void*>(aligned);
  (void)::madvise(block, size, MADV_HUGEPAGE);  // a hint: refused, the block keeps small pages
  return block;
}
void unmapLarge(void* block, std::size_t size) noexcept {
  ::munmap(block, size);
}

#else

void* mapLarge(std::size_t size) {
  void* block = std::aligned_alloc(kHugePage, size);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}
void unmapLarge(void* block, std::size_t) noexcept {
  std::free(block);
}

#endif

}  // namespace

void* allocateLarge(std::size_t bytes, std::size_t alignment) {
  if (!large(bytes, alignment)) return ::operator new (bytes, std::align_val_t{alignment});
  return mapLarge(roundedToHugePages(bytes));
}

void freeLarge(void* block, std::size_t bytes, std::size_t alignment) noexcept {
  if (block == nullptr) return;
  if (!large(bytes, alignment)) {
    ::operator delete (block, std::align_val_t{alignment});
    return;
  }
  unmapLarge(block, roundedToHugePages(bytes));
}

}  // namespace lbsim::core
