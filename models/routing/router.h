#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "models/routing/path_rules.h"
#include "models/spec.h"

namespace lbsim::models::routing {

// A gateway tier's routing rules (RoutingSpec) as one object: nginx locations or ALB
// listener rules, with the rules' own fixed responses and the default action on top of what
// path_rules.h decides. Throws RouteConfigError (rule indices as in the spec) or
// std::invalid_argument for a location it cannot read.
class Router {
 public:
  explicit Router(const RoutingSpec& spec);
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Where a request goes: `target` a tier id and status 0, or a fixed `status` the gateway
  // answers itself; `rule` is the deciding rule's index in the spec (kDefault: none).
  RouteMatch match(std::string_view method, std::string_view host, std::string_view path) const;

 private:
  RoutingSpec spec_;
  std::unique_ptr<NginxLocations> nginx_;
  std::unique_ptr<AlbListenerRules> alb_;
};

}  // namespace lbsim::models::routing
