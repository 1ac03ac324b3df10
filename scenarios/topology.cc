#include "scenarios/topology.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <map>

namespace lbsim::scenarios {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += separator;
    out += i;
  }
  return out;
}

// Records the first cycle a depth-first search meets: the tree edges give each vertex its
// parent, so a back edge u -> v closes the cycle v -> ... -> u -> v.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::vector<Vertex>* cycle;
  void tree_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    if (!cycle->empty()) return;
    const Vertex from = boost::source(e, g);
    const Vertex to = boost::target(e, g);
    std::vector<Vertex> path = {from};
    for (Vertex v = from; v != to;) {
      v = (*parent)[v];
      path.push_back(v);
    }
    std::reverse(path.begin(), path.end());  // to ... from
    *cycle = path;
  }
};

}  // namespace

std::vector<TopologyProblem> checkTopology(const models::ScenarioSpec& spec) {
  std::vector<TopologyProblem> problems;
  std::map<std::string, std::size_t> index;
  for (std::size_t t = 0; t < spec.tiers.size(); ++t)
    index[spec.tiers[t].id] = t;

  Graph g(spec.tiers.size());
  std::vector<bool> routed(spec.tiers.size(), false);
  for (std::size_t c = 0; c < spec.classes.size(); ++c) {
    const auto& route = spec.classes[c].route;
    for (std::size_t h = 0; h < route.size(); ++h) {
      const auto it = index.find(route[h]);
      if (it == index.end()) continue;  // reported by the loader already
      routed[it->second] = true;
      if (h == 0) continue;
      const auto from = index.find(route[h - 1]);
      if (from == index.end()) continue;
      const auto& next = spec.tiers[from->second].next;
      // A `next` list naming an unknown tier is reported once, below, not at every hop.
      const bool known = std::all_of(next.begin(), next.end(),
                                     [&](const std::string& n) { return index.contains(n); });
      if (!next.empty() && known && std::find(next.begin(), next.end(), route[h]) == next.end()) {
        problems.push_back({TopologyProblem::At::kRouteHop, 0, 0, c, h,
                            "route of class '" + spec.classes[c].id + "' goes from '" +
                                route[h - 1] + "' to '" + route[h] + "', which '" + route[h - 1] +
                                "' does not forward to; allowed: " + join(next, ", ")});
      }
      boost::add_edge(from->second, it->second, g);
    }
  }
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const auto& next = spec.tiers[t].next;
    for (std::size_t k = 0; k < next.size(); ++k) {
      const auto it = index.find(next[k]);
      if (it != index.end()) {
        boost::add_edge(t, it->second, g);
      } else {
        std::vector<std::string> ids;
        for (const auto& tier : spec.tiers)
          ids.push_back(tier.id);
        problems.push_back({TopologyProblem::At::kNext, t, k, 0, 0,
                            "tier '" + spec.tiers[t].id + "' forwards to unknown tier '" + next[k] +
                                "'; allowed: " + join(ids, ", ")});
      }
    }
  }

  std::vector<Vertex> parent(spec.tiers.size());
  std::vector<Vertex> cycle;
  CycleFinder finder;
  finder.parent = &parent;
  finder.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(finder));
  if (!cycle.empty()) {
    std::vector<std::string> names;
    for (const Vertex v : cycle)
      names.push_back(spec.tiers[v].id);
    names.push_back(spec.tiers[cycle.front()].id);
    problems.push_back({TopologyProblem::At::kTier, cycle.front(), 0, 0, 0,
                        "tiers form a cycle: " + join(names, " -> ") +
                            "; allowed: a chain that goes one way (CDN -> ... -> database)"});
  }
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    if (!routed[t]) {
      problems.push_back({TopologyProblem::At::kTier, t, 0, 0, 0,
                          "tier '" + spec.tiers[t].id +
                              "' is on no class's route, so no request reaches it; allowed: "
                              "route a class through it, or remove it"});
    }
  }
  return problems;
}

}  // namespace lbsim::scenarios
