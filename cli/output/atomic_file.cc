#include "cli/output/atomic_file.h"

#include <unistd.h>

#include <stdexcept>
#include <system_error>

namespace lbsim::output {

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  temporary_ = target_;
  temporary_ += ".partial-" + std::to_string(::getpid());
  stream_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    throw std::runtime_error("cannot write " + temporary_.string() + ": " +
                             std::error_code(errno, std::generic_category()).message());
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    stream_.close();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void AtomicFile::commit() {
  stream_.flush();
  if (!stream_) throw std::runtime_error("cannot write " + temporary_.string());
  stream_.close();
  std::error_code ec;
  std::filesystem::rename(temporary_, target_, ec);
  if (ec) {
    throw std::runtime_error("cannot rename " + temporary_.string() + " to " + target_.string() +
                             ": " + ec.message());
  }
  committed_ = true;
}

void writeFileAtomically(const std::filesystem::path& target, const std::string& content) {
  AtomicFile file(target);
  file.stream() << content;
  file.commit();
}

}  // namespace lbsim::output
