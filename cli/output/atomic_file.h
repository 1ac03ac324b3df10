#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace lbsim::output {

// A file that appears under its name only when complete: it is written to a temporary
// file in the same folder and renamed over the target by `commit()` (rename is atomic on
// POSIX file systems). If the program stops first — an exception, Ctrl-C, a crash — the
// target is untouched and only a `.partial` file may remain, which the destructor removes
// when it runs.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  std::ostream& stream() { return stream_; }
  // Flushes, checks that every write succeeded and renames into place; throws on failure.
  void commit();
  const std::filesystem::path& temporaryPath() const { return temporary_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::ofstream stream_;
  bool committed_ = false;
};

// Writes `content` to `target` atomically.
void writeFileAtomically(const std::filesystem::path& target, const std::string& content);

}  // namespace lbsim::output
