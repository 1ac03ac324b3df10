#pragma once

#include <string>

namespace lbsim::testing {

// `text` with its line `line` (1-based) replaced by `replacement` (which may hold several
// lines): the located-error tests change one line of a valid document each.
inline std::string replaceLine(const std::string& text, int line, const std::string& replacement) {
  std::string out;
  int n = 1;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out += (n == line ? replacement : text.substr(start, end - start)) + "\n";
    start = end + 1;
    ++n;
  }
  return out;
}

}  // namespace lbsim::testing
