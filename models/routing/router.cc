#include "models/routing/router.h"

#include <utility>

namespace lbsim::models::routing {

Router::Router(const RoutingSpec& spec) : spec_(spec) {
  if (spec.kind == RoutingSpec::Kind::kNginx) {
    std::vector<Location> locations;
    for (const RouteRuleSpec& r : spec.rules) {
      Location l = parseLocation(r.location);
      // A location answering with `return` passes nothing on; its target stays empty.
      l.target = r.to;
      l.autoRedirect = !r.to.empty();
      locations.push_back(std::move(l));
    }
    nginx_ = std::make_unique<NginxLocations>(std::move(locations));
  } else {
    std::vector<AlbRule> rules;
    for (const RouteRuleSpec& r : spec.rules) {
      AlbRule a;
      a.priority = r.priority;
      a.pathPatterns = r.paths;
      a.hostHeaders = r.hosts;
      a.methods = r.methods;
      a.target = r.to;
      rules.push_back(std::move(a));
    }
    AlbDefaultAction d;
    d.status = spec.defaultTo.empty() ? spec.defaultStatus : 0;
    d.target = spec.defaultTo;
    alb_ = std::make_unique<AlbListenerRules>(std::move(rules), d);
  }
}

Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

RouteMatch Router::match(std::string_view method, std::string_view host,
                         std::string_view path) const {
  RouteMatch m = nginx_ ? nginx_->match(path) : alb_->match(method, host, path);
  if (m.matched()) {
    const RouteRuleSpec& rule = spec_.rules[m.rule];
    if (m.status == 0 && rule.to.empty()) {
      m.status = rule.status;
      m.explain += "; the rule answers " + std::to_string(rule.status) + " itself";
    }
  } else if (nginx_ && m.status == 404 && !spec_.defaultTo.empty()) {
    // nginx with no matching location: the server's own default, as configured.
    m.status = 0;
    m.target = spec_.defaultTo;
    m.explain += "; the default passes it to " + spec_.defaultTo;
  } else if (nginx_ && m.status == 404) {
    m.status = spec_.defaultStatus;
  }
  return m;
}

}  // namespace lbsim::models::routing
