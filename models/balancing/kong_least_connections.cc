#include "models/balancing/kong_least_connections.h"

#include <cstdio>
#include <limits>

namespace lbsim::models::balancing {

namespace {
constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();
}

KongLeastConnections::KongLeastConnections(const PolicyContext& context)
    : heapIndex_(context.targetCount, kAbsent),
      connections_(context.targetCount, 0),
      weights_(context.targetCount, 1.0) {}

// The heap holds the candidates, inserted in target order as Kong inserts its addresses.
void KongLeastConnections::rebuild(const PickInput& in) {
  const std::size_t n = in.targets.size();
  heapIndex_.assign(n, kAbsent);
  connections_.resize(n, 0);
  weights_.resize(n, 1.0);
  heap_.clear();
  for (const std::uint32_t i : in.candidates) {
    connections_[i] = in.targets[i].active;
    weights_[i] = in.targets[i].weight;
    heap_.push_back(i);
    heapIndex_[i] = heap_.size() - 1;
    siftUp(heap_.size() - 1);
  }
  signature_ = in.candidateSignature;
  built_ = true;
}

void KongLeastConnections::siftUp(std::size_t i) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!(score(heap_[i]) < score(heap_[parent]))) break;
    std::swap(heap_[i], heap_[parent]);
    heapIndex_[heap_[i]] = i;
    heapIndex_[heap_[parent]] = parent;
    i = parent;
  }
}

void KongLeastConnections::siftDown(std::size_t i) {
  for (;;) {
    const std::size_t l = 2 * i + 1;
    const std::size_t r = l + 1;
    std::size_t smallest = i;
    if (l < heap_.size() && score(heap_[l]) < score(heap_[smallest])) smallest = l;
    if (r < heap_.size() && score(heap_[r]) < score(heap_[smallest])) smallest = r;
    if (smallest == i) break;
    std::swap(heap_[i], heap_[smallest]);
    heapIndex_[heap_[i]] = i;
    heapIndex_[heap_[smallest]] = smallest;
    i = smallest;
  }
}

void KongLeastConnections::update(std::uint32_t target, std::uint32_t connections) {
  const double before = score(target);
  connections_[target] = connections;
  const std::size_t i = heapIndex_[target];
  if (i == kAbsent) return;
  if (score(target) < before) {
    siftUp(i);
  } else {
    siftDown(i);
  }
}

Pick KongLeastConnections::pick(const PickInput& in) {
  if (!built_ || signature_ != in.candidateSignature || heapIndex_.size() < in.targets.size()) {
    rebuild(in);
  }
  // Requests that reached a target without this policy (a sticky cookie) count as well.
  for (const std::uint32_t i : in.candidates) {
    if (connections_[i] != in.targets[i].active) update(i, in.targets[i].active);
  }
  last_ = heap_.front();
  update(last_, connections_[last_] + 1);
  return {last_};
}

void KongLeastConnections::onFinished(std::uint32_t target, double) {
  if (target < connections_.size() && connections_[target] > 0) {
    update(target, connections_[target] - 1);
  }
}

void KongLeastConnections::onRefused(std::uint32_t target) {
  onFinished(target, 0.0);
}

std::string KongLeastConnections::explainLastPick() const {
  if (last_ == kNone) return {};
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "top of the heap: (connections + 1) / weight = %g",
                static_cast<double>(connections_[last_]) / weights_[last_]);
  return buffer;
}

}  // namespace lbsim::models::balancing
