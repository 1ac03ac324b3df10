#include "scenarios/routing.h"

#include <algorithm>
#include <optional>

#include "models/cache/cache_rules.h"
#include "models/routing/router.h"

namespace lbsim::scenarios {

namespace {

using yaml::listed;

std::vector<std::string> stringList(const yaml::Reader& in, const YAML::Node& node,
                                    const std::string& what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(in.scalar(node, what));
    return out;
  }
  in.expectSequence(node, what);
  for (const auto& item : node)
    out.push_back(in.scalar(item, what));
  return out;
}

int httpStatus(const yaml::Reader& in, const YAML::Node& node, const std::string& what) {
  return static_cast<int>(in.integer(node, what + " (an HTTP status, 200 to 599)", 200, 599));
}

void checkTier(const yaml::Reader& in, const YAML::Node& node, const std::string& id,
               const std::string& what, const std::vector<std::string>& tierIds) {
  if (std::find(tierIds.begin(), tierIds.end(), id) == tierIds.end()) {
    in.fail(node, "unknown tier '" + id + "' in " + what + "; allowed: " + listed(tierIds));
  }
}

const models::TierSpec* findTier(const std::vector<models::TierSpec>& tiers,
                                 const std::string& id) {
  for (const auto& t : tiers) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::string requestLine(const models::ClassSpec& c) {
  return c.method + " " + (c.host.empty() ? "" : c.host) + c.path;
}

}  // namespace

models::RoutingSpec parseRouting(const yaml::Reader& in, const YAML::Node& node,
                                 const std::string& what, const std::vector<std::string>& tierIds) {
  in.expectMap(node, what, {"nginx", "alb", "default"});
  models::RoutingSpec spec;
  if (node["nginx"] && node["alb"]) {
    in.fail(node["alb"], what + " gives both nginx and alb rules; allowed: one of them");
  }
  spec.kind = node["nginx"] ? models::RoutingSpec::Kind::kNginx : models::RoutingSpec::Kind::kAlb;
  const YAML::Node rules = node["nginx"] ? node["nginx"] : node["alb"];
  if (!rules) in.fail(node, "missing key 'nginx' or 'alb' in " + what);
  const bool nginx = spec.kind == models::RoutingSpec::Kind::kNginx;
  const std::string rwhat = what + (nginx ? " location" : " rule");
  in.expectSequence(rules, rwhat + "s");
  for (const auto& r : rules) {
    if (nginx) {
      in.expectMap(r, rwhat, {"location", "to", "status", "limit_req", "proxy_cache"});
    } else {
      in.expectMap(r, rwhat, {"priority", "path", "host", "method", "to", "status"});
    }
    models::RouteRuleSpec rule;
    if (nginx) {
      rule.location = in.scalar(in.required(r, "location", rwhat), rwhat);
      if (const auto l = r["limit_req"]) rule.limitReq = in.scalar(l, rwhat + " limit_req");
      if (const auto c = r["proxy_cache"]) {
        rule.proxyCache = in.scalar(c, rwhat + " proxy_cache");
        try {
          models::cache::parseNginxCacheDirectives(rule.proxyCache);
        } catch (const std::invalid_argument& e) {
          in.fail(c, rwhat + " '" + rule.location + "' proxy_cache: " + e.what());
        }
      }
      try {
        models::routing::parseLocation(rule.location);
      } catch (const std::invalid_argument& e) {
        in.fail(r["location"], rwhat + " '" + rule.location + "': " + e.what());
      }
    } else {
      rule.priority = static_cast<int>(
          in.integer(in.required(r, "priority", rwhat), rwhat + " priority", 1, 50000));
      if (const auto p = r["path"]) rule.paths = stringList(in, p, rwhat + " path");
      if (const auto h = r["host"]) rule.hosts = stringList(in, h, rwhat + " host");
      if (const auto m = r["method"]) rule.methods = stringList(in, m, rwhat + " method");
    }
    if (r["to"] && r["status"]) {
      in.fail(r["status"], rwhat + " gives both to and status; allowed: one of them");
    }
    if (const auto t = r["to"]) {
      rule.to = in.identifier(t, rwhat + " to");
      checkTier(in, t, rule.to, rwhat, tierIds);
    } else if (const auto s = r["status"]) {
      rule.status = httpStatus(in, s, rwhat + " status");
    } else {
      in.fail(r, "missing key 'to' (a tier) or 'status' (a fixed response) in " + rwhat);
    }
    spec.rules.push_back(std::move(rule));
  }
  if (const auto d = node["default"]) {
    const std::string dwhat = what + " default";
    in.expectMap(d, dwhat, {"to", "status"});
    if (d["to"] && d["status"]) in.fail(d["status"], dwhat + " gives both to and status");
    if (const auto t = d["to"]) {
      spec.defaultTo = in.identifier(t, dwhat + " to");
      checkTier(in, t, spec.defaultTo, dwhat, tierIds);
    }
    if (const auto s = d["status"]) spec.defaultStatus = httpStatus(in, s, dwhat + " status");
  }
  try {
    models::routing::Router check(spec);
  } catch (const models::routing::RouteConfigError& e) {
    const auto& problem = e.problems().front();
    const YAML::Node at =
        problem.rule < rules.size() ? YAML::Node(rules[problem.rule]) : YAML::Node(rules);
    in.fail(at, what + ": " + problem.message);
  } catch (const std::invalid_argument& e) {
    in.fail(rules, what + ": " + e.what());
  }
  return spec;
}

void resolveRoute(const yaml::Reader& in, const YAML::Node& classNode, models::ClassSpec& c,
                  const std::vector<models::TierSpec>& tiers) {
  const std::string what = "class '" + c.id + "'";
  const YAML::Node routeNode = classNode["route"];
  const YAML::Node pathNode = classNode["path"] ? classNode["path"] : classNode;
  auto route = [&](const std::string& tier) -> std::optional<models::routing::RouteMatch> {
    const models::TierSpec* t = findTier(tiers, tier);
    if (t == nullptr || !t->routing) return std::nullopt;
    if (c.path.empty()) {
      in.fail(routeNode ? routeNode : classNode,
              what + " passes through '" + tier +
                  "', which routes requests by path; allowed: give the class a path");
    }
    return models::routing::Router(*t->routing).match(c.method, c.host, c.path);
  };
  c.fixedStatus = 0;
  if (routeNode) {
    for (std::size_t i = 0; i < c.route.size(); ++i) {
      const auto m = route(c.route[i]);
      if (!m) continue;
      const bool last = i + 1 == c.route.size();
      if (m->status != 0 && !last) {
        in.fail(routeNode[i + 1], "route of " + what + " goes on from '" + c.route[i] + "' to '" +
                                      c.route[i + 1] + "', but '" + c.route[i] + "' answers " +
                                      requestLine(c) + " with " + std::to_string(m->status) +
                                      " itself (" + m->explain + "); allowed: end the route at '" +
                                      c.route[i] + "'");
      }
      if (m->status == 0 && last) {
        in.fail(routeNode[i], "route of " + what + " ends at '" + c.route[i] + "', but '" +
                                  c.route[i] + "' passes " + requestLine(c) + " on to '" +
                                  m->target + "' (" + m->explain + "); allowed: continue to '" +
                                  m->target + "'");
      }
      if (m->status == 0 && m->target != c.route[i + 1]) {
        in.fail(routeNode[i + 1], "route of " + what + " goes from '" + c.route[i] + "' to '" +
                                      c.route[i + 1] + "', but '" + c.route[i] + "' sends " +
                                      requestLine(c) + " to '" + m->target + "' (" + m->explain +
                                      "); allowed: " + m->target);
      }
      if (last) c.fixedStatus = m->status;
    }
    return;
  }
  // Derived from the path (with no tier, the missing tiers are the error).
  if (tiers.empty()) return;
  std::string at = tiers.front().id;
  if (const auto e = classNode["entry"]) {
    at = in.identifier(e, what + " entry");
    if (findTier(tiers, at) == nullptr) {
      std::vector<std::string> ids;
      for (const auto& t : tiers)
        ids.push_back(t.id);
      in.fail(e, "unknown tier '" + at + "' in " + what + " entry; allowed: " + listed(ids));
    }
  }
  c.route.clear();
  while (true) {
    if (std::find(c.route.begin(), c.route.end(), at) != c.route.end() ||
        c.route.size() == models::kMaxRouteLength) {
      in.fail(pathNode, "the route of " + what + " derived from its path loops or grows past " +
                            std::to_string(models::kMaxRouteLength) + " tiers at '" + at +
                            "'; allowed: a chain without cycles (or give the route)");
    }
    c.route.push_back(at);
    const models::TierSpec* found = findTier(tiers, at);
    if (found == nullptr) {
      std::vector<std::string> ids;
      for (const auto& t : tiers)
        ids.push_back(t.id);
      in.fail(pathNode, "the route of " + what + " derived from its path goes from '" +
                            c.route[c.route.size() - 2] + "' to '" + at +
                            "', which is not a tier; allowed: " + listed(ids));
    }
    const models::TierSpec& tier = *found;
    if (const auto m = route(at)) {
      if (m->status != 0) {
        c.fixedStatus = m->status;
        return;
      }
      at = m->target;
    } else if (tier.next.size() == 1) {
      at = tier.next.front();
    } else {
      return;
    }
  }
}

}  // namespace lbsim::scenarios
