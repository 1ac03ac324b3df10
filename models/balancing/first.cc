#include "models/balancing/first.h"

namespace lbsim::models::balancing {

Pick First::pick(const PickInput& in) {
  last_ = in.candidates.front();
  return {last_};
}

std::string First::explainLastPick() const {
  return last_ == kNone ? std::string() : "first target in order below its maxconn";
}

}  // namespace lbsim::models::balancing
