#include "scenarios/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include "models/ratelimit/settings_text.h"
#include "models/ratelimit/tier_limits.h"
#include "models/service_pool.h"
#include "scenarios/replay.h"
#include "scenarios/resilience.h"
#include "scenarios/routing.h"
#include "scenarios/tier_autoscaling.h"
#include "scenarios/topology.h"
#include "scenarios/traffic_shape.h"
#include "scenarios/units.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

using models::ScenarioSpec;

namespace {

// A size in nginx's words (bytes, or with k, m, g), located when it is not one.
std::uint64_t bytes(const yaml::Reader& in, const YAML::Node& n, const std::string& what,
                    const char* key) {
  try {
    return models::cache::parseNginxSize(in.scalar(n, what + " " + key), key);
  } catch (const std::invalid_argument& e) {
    in.fail(n, what + " " + e.what());
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += i;
  }
  return out;
}

using yaml::Reader;

const std::vector<std::string> kScenarioKeys = {
    "name",    "description", "seed",  "duration", "warmup",  "replications", "timeseries_interval",
    "traffic", "classes",     "tiers", "regions",  "network", "faults"};
const std::vector<std::string> kTrafficKeys = {"arrivals", "clients", "client_skew", "locations",
                                               "phases",   "users",   "spawn_rate",  "think",
                                               "mix",      "replay"};
const std::vector<std::string> kPhaseKeys = {"name", "duration", "rate", "ramp_to"};
const std::vector<std::string> kMixKeys = {"name", "weight", "class", "flow"};
const std::vector<std::string> kClassKeys = {
    "id",        "route",        "demands",   "path", "method",   "host",         "entry",
    "cacheable", "cache_bypass", "catalogue", "zipf", "per_user", "response_size"};
const std::vector<std::string> kDemandKeys = {"service", "op"};
// clang-format off
const std::vector<std::string> kTierKeys = {
    "id", "kind", "service", "balancer", "replicas", "replica", "targets", "primary",
    "read_replicas", "next", "zones", "region", "hold_worker", "routing", "cache",
    "limit_req_zones", "limit_req_status", "limit_conn", "rate_limits", "replication_lag",
    "health_check", "liveness", "passive_health", "timeouts", "retries", "promote_after", "autoscaling",
    "pgbouncer", "keepalive", "postgresql"};
// clang-format on
const std::vector<std::string> kTargetKeys = {
    "name",          "workers",  "queue_limit",   "speed",           "weight",
    "maxconn",       "backup",   "zone",          "reserve_workers", "reserve_after",
    "queue_timeout", "priority", "fixed_response"};
const std::vector<std::string> kReadReplicaKeys = {
    "count",  "workers", "queue_limit",   "speed",           "maxconn",      "weight",
    "backup", "targets", "queue_timeout", "reserve_workers", "reserve_after"};

// --- distributions -----------------------------------------------------------------------

core::Distribution parseDistribution(const Reader& in, const YAML::Node& node,
                                     const std::string& what) {
  if (!node.IsMap()) {
    in.fail(node, what + " must be a distribution such as {dist: exponential, mean: 20ms}");
  }
  const YAML::Node kindNode = in.required(node, "dist", what);
  const std::string kindText = in.scalar(kindNode, what + " dist");
  const auto kind = core::kindFromName(kindText);
  std::vector<std::string> names;
  for (const auto n : core::distributionNames())
    names.emplace_back(n);
  if (!kind) {
    in.fail(kindNode, "unknown distribution '" + kindText + "'; allowed: " + join(names));
  }
  using K = core::DistributionKind;
  // Each family is written one of two ways, never both: by its own parameters, or by
  // mean and cv (every family but empirical).
  std::vector<std::string> own;
  switch (*kind) {
    case K::kDeterministic:
      own = {"value"};
      break;
    case K::kExponential:
      own = {"mean"};
      break;
    case K::kUniform:
      own = {"low", "high"};
      break;
    case K::kErlang:
      own = {"k", "mean"};
      break;
    case K::kGamma:
    case K::kWeibull:
    case K::kPareto:
      own = {"shape", "scale"};
      break;
    case K::kLognormal:
      own = {"mu", "sigma"};
      break;
    case K::kHyperexponential:
      own = {"probabilities", "means"};
      break;
    case K::kEmpirical:
      own = {"samples", "bins", "weights"};
      break;
  }
  std::vector<std::string> allowed = {"dist"};
  for (const auto& k : own)
    allowed.push_back(k);
  if (*kind != K::kEmpirical) {
    for (const char* k : {"mean", "cv"}) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) allowed.emplace_back(k);
    }
  }
  const std::string family = what + " (" + kindText + ")";
  in.expectMap(node, family, allowed);
  // The mean-and-cv form: `cv` present, or `mean` where mean is not an own parameter.
  const bool meanOwn = std::find(own.begin(), own.end(), "mean") != own.end();
  const bool meanCvForm = node["cv"] || (node["mean"] && !meanOwn);
  std::vector<std::string> ownGiven;
  for (const auto& k : own) {
    if (node[k] && !(k == "mean" && meanCvForm)) ownGiven.push_back(k);
  }
  if (meanCvForm && !ownGiven.empty()) {
    in.fail(node[ownGiven.front()], family + " gives both mean/cv and " + ownGiven.front() +
                                        "; allowed: either mean and cv, or " + join(own));
  }
  auto seconds = [&](const char* key) {
    return in.duration(in.required(node, key, family), what + " " + key, false);
  };
  auto num = [&](const char* key) {
    return in.number(in.required(node, key, family), what + " " + key);
  };
  auto list = [&](const char* key, bool durations) {
    const YAML::Node l = in.required(node, key, family);
    in.expectSequence(l, what + " " + key);
    std::vector<double> out;
    for (const auto& item : l) {
      out.push_back(durations ? in.duration(item, what + " " + key, false)
                              : in.number(item, what + " " + key));
    }
    return out;
  };
  try {
    if (meanCvForm) {
      const double mean = seconds("mean");
      // cv may be left out where the family fixes it.
      double cv = *kind == K::kDeterministic ? 0.0 : 1.0;
      if (node["cv"] || (*kind != K::kDeterministic && *kind != K::kExponential)) {
        cv = in.number(in.required(node, "cv", family), what + " cv");
      }
      return core::Distribution::fromMeanCv(*kind, mean, cv);
    }
    switch (*kind) {
      case K::kDeterministic:
        return core::Distribution::deterministic(seconds("value"));
      case K::kExponential:
        return core::Distribution::exponential(seconds("mean"));
      case K::kUniform:
        return core::Distribution::uniform(seconds("low"), seconds("high"));
      case K::kErlang: {
        const auto k = in.unsignedInteger(in.required(node, "k", family), what + " k", 1, 1000);
        return core::Distribution::erlang(static_cast<int>(k), seconds("mean"));
      }
      case K::kGamma:
        return core::Distribution::gamma(num("shape"), seconds("scale"));
      case K::kWeibull:
        return core::Distribution::weibull(num("shape"), seconds("scale"));
      case K::kPareto:
        return core::Distribution::pareto(num("shape"), seconds("scale"));
      case K::kLognormal:
        return core::Distribution::lognormal(num("mu"), num("sigma"));
      case K::kHyperexponential:
        return core::Distribution::hyperexponential(list("probabilities", false),
                                                    list("means", true));
      case K::kEmpirical:
        if (node["samples"] && (node["bins"] || node["weights"])) {
          in.fail(node["samples"], family +
                                       " gives both samples and bins/weights; allowed: "
                                       "either samples, or bins and weights");
        }
        if (node["samples"]) return core::Distribution::empirical(list("samples", true));
        return core::Distribution::empiricalHistogram(list("bins", true), list("weights", false));
    }
  } catch (const std::invalid_argument& e) {
    in.fail(node, what + ": " + e.what());
  }
  in.fail(node, what + " is not a distribution");
}

// A latency: a duration (`20ms`, a constant) or a distribution.
core::Distribution parseLatency(const Reader& in, const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) return core::Distribution::deterministic(in.duration(node, what, false));
  if (!node.IsMap()) {
    in.fail(node, what +
                      " must be a duration such as 20ms or a distribution such as "
                      "{dist: lognormal, mean: 20ms, cv: 0.5}");
  }
  return parseDistribution(in, node, what);
}

// --- tiers -------------------------------------------------------------------------------

void applyTargetFields(const Reader& in, const YAML::Node& node, const std::string& what,
                       models::TargetSpec& t) {
  if (const auto n = node["name"]) t.name = in.identifier(n, what + " name");
  if (const auto n = node["workers"]) {
    t.workers = static_cast<std::uint32_t>(in.unsignedInteger(n, what + " workers", 1, 1000000));
  }
  if (const auto n = node["queue_limit"]) {
    if (n.IsScalar() && n.Scalar() == "unlimited") {
      t.queueLimit = models::kUnboundedQueue;
    } else {
      t.queueLimit = static_cast<std::uint32_t>(
          in.unsignedInteger(n, what + " queue_limit (or 'unlimited')", 0, 100000000));
    }
  }
  if (const auto n = node["speed"]) t.speed = in.positiveNumber(n, what + " speed");
  if (const auto n = node["weight"]) t.weight = in.positiveNumber(n, what + " weight");
  if (const auto n = node["backup"]) t.backup = in.boolean(n, what + " backup");
  if (const auto n = node["fixed_response"]) {
    t.fixedResponse = static_cast<int>(in.unsignedInteger(n, what + " fixed_response", 100, 599));
  }
  if (const auto n = node["priority"]) {
    t.priority = static_cast<std::uint32_t>(in.unsignedInteger(n, what + " priority", 0, 1000));
  }
  if (const auto n = node["zone"]) t.zone = in.identifier(n, what + " zone");
  if (const auto n = node["maxconn"]) {
    t.maxConn = static_cast<std::uint32_t>(
        in.unsignedInteger(n, what + " maxconn (0 for no limit)", 0, 100000000));
  }
  if (const auto n = node["reserve_workers"]) {
    t.reserveWorkers =
        static_cast<std::uint32_t>(in.unsignedInteger(n, what + " reserve_workers", 0, 1000000));
  }
  if (const auto n = node["reserve_after"]) {
    t.reserveAfter = in.duration(n, what + " reserve_after", false);
  }
  if (const auto n = node["queue_timeout"]) {
    t.queueTimeout = in.duration(n, what + " queue_timeout", true);
  }
}

// How many replicas: the `key` given (from `minimum` to 100000), else one per target listed.
std::size_t replicaCount(const Reader& in, const YAML::Node& countNode, const std::string& key,
                         std::uint64_t minimum, const YAML::Node& overrides,
                         const std::string& what) {
  if (countNode) return in.unsignedInteger(countNode, what + " " + key, minimum, 100000);
  if (!overrides) return 0;
  in.expectSequence(overrides, what + " targets");
  return overrides.size();
}

// `count` copies of the template, then per-replica overrides from `targets`.
std::vector<models::TargetSpec> expandTargets(const Reader& in, std::size_t count,
                                              const models::TargetSpec& templ,
                                              const YAML::Node& overrides,
                                              const std::string& namePrefix, std::size_t first,
                                              const std::string& what) {
  std::vector<models::TargetSpec> out(count, templ);
  for (std::size_t i = 0; i < count; ++i)
    out[i].name = namePrefix + std::to_string(first + i);
  if (overrides) {
    in.expectSequence(overrides, what + " targets");
    if (overrides.size() > count) {
      in.fail(overrides, what + " lists " + std::to_string(overrides.size()) + " targets but has " +
                             std::to_string(count) +
                             " replicas; allowed: at most one entry per replica");
    }
    for (std::size_t i = 0; i < overrides.size(); ++i) {
      in.expectMap(overrides[i], what + " target", kTargetKeys);
      applyTargetFields(in, overrides[i], what + " target", out[i]);
    }
  }
  return out;
}

// `steering: {by: geo, regions: {US: [us-east-1, us-west-2]}, default: [us-east-1]}` or
// `steering: {by: latency}`. The location names are checked once the traffic is read.
models::BalancerSpec::Steering parseSteering(const Reader& in, const YAML::Node& node,
                                             const std::string& what,
                                             const std::vector<models::RegionSpec>& regions) {
  using By = models::BalancerSpec::Steering::By;
  in.expectMap(node, what,
               {"by", "regions", "default", "weights", "minimum_origins", "ttl", "resolvers"});
  models::BalancerSpec::Steering steering;
  const std::string by =
      in.oneOf(in.required(node, "by", what), what + " by", {"geo", "latency", "random"});
  steering.by = by == "geo" ? By::kGeo : by == "latency" ? By::kLatency : By::kRandom;
  std::vector<std::string> regionIds;
  for (const auto& r : regions)
    regionIds.push_back(r.id);
  auto regionList = [&](const YAML::Node& list, const std::string& listWhat) {
    if (!list.IsSequence() || list.size() == 0) {
      in.fail(list, listWhat + " must be a list of one or more region ids such as [us-east-1]");
    }
    std::vector<std::string> out;
    for (const auto& item : list) {
      const std::string id = in.identifier(item, listWhat);
      if (std::find(regionIds.begin(), regionIds.end(), id) == regionIds.end()) {
        in.fail(item, "unknown region '" + id + "' in " + listWhat + "; allowed: " +
                          (regionIds.empty() ? std::string("none declared (add regions:)")
                                             : join(regionIds)));
      }
      if (std::find(out.begin(), out.end(), id) != out.end()) {
        in.fail(item, "region '" + id + "' is listed twice in " + listWhat +
                          "; allowed: each region once, in order of preference");
      }
      out.push_back(id);
    }
    return out;
  };
  const YAML::Node map = node["regions"];
  const YAML::Node fallback = node["default"];
  const YAML::Node weights = node["weights"];
  if (steering.by == By::kRandom && (map || fallback)) {
    in.fail(map ? map : fallback,
            what +
                " by random draws a region by its weight for every client, wherever it is; "
                "allowed: weights: {us-east-1: 3, eu-west-1: 1} (regions and default only "
                "with by: geo)");
  }
  if (steering.by == By::kRandom && !weights) {
    in.fail(node, what +
                      " by random needs the weights of the regions it answers with; allowed: "
                      "weights: {us-east-1: 3, eu-west-1: 1}");
  }
  if (weights && steering.by != By::kRandom) {
    in.fail(weights, what + " weights go with by: random; allowed with by: " + by + ": " +
                         (steering.by == By::kGeo ? "regions, default" : "no region list") +
                         ", minimum_origins, ttl, resolvers");
  }
  if (weights) {
    if (!weights.IsMap() || weights.size() == 0) {
      in.fail(weights, what +
                           " weights must map regions to weights of 0 or more, such as "
                           "{us-east-1: 3, eu-west-1: 1}");
    }
    for (auto it = weights.begin(); it != weights.end(); ++it) {
      const std::string id = in.identifier(it->first, what + " weights region");
      if (std::find(regionIds.begin(), regionIds.end(), id) == regionIds.end()) {
        in.fail(it->first, "unknown region '" + id + "' in " + what + " weights; allowed: " +
                               (regionIds.empty() ? std::string("none declared (add regions:)")
                                                  : join(regionIds)));
      }
      steering.weights.emplace_back(id,
                                    in.number(it->second, what + " weight of '" + id + "'", 0.0));
    }
  }
  if (const YAML::Node m = node["minimum_origins"]) {
    steering.minimumOrigins =
        static_cast<std::uint32_t>(in.integer(m, what + " minimum_origins", 1, 100000));
  }
  if (const YAML::Node ttl = node["ttl"]) steering.ttl = in.duration(ttl, what + " ttl", false);
  if (const YAML::Node resolvers = node["resolvers"]) {
    if (steering.ttl == 0.0) {
      in.fail(resolvers, what +
                             " resolvers share cached DNS answers, and there is no ttl to cache "
                             "them for; allowed: resolvers with ttl > 0, such as {ttl: 60s, "
                             "resolvers: 500}");
    }
    steering.resolvers =
        static_cast<std::uint32_t>(in.integer(resolvers, what + " resolvers", 1, 1000000));
  }
  if (steering.by == By::kLatency && (map || fallback)) {
    in.fail(map ? map : fallback,
            what +
                " by latency orders the regions by the clients' latency to them (network "
                "locations); allowed: regions and default only with by: geo");
  }
  if (steering.by == By::kGeo && !map && !fallback) {
    in.fail(node, what +
                      " by geo needs regions (the regions of each client location, in "
                      "order) or default; allowed: regions: {US: [us-east-1]}, default: "
                      "[us-east-1]");
  }
  if (map) {
    if (!map.IsMap()) {
      in.fail(map, what +
                       " regions must map client locations to regions, such as {US: "
                       "[us-east-1, us-west-2], GB: [eu-west-1]}");
    }
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string location = in.identifier(it->first, what + " regions location");
      steering.regions.emplace_back(
          location, regionList(it->second, what + " regions of '" + location + "'"));
    }
  }
  if (fallback) steering.fallback = regionList(fallback, what + " default");
  return steering;
}

models::TierSpec parseTier(const Reader& in, const YAML::Node& node,
                           const models::balancing::PolicyRegistry& policies,
                           const std::vector<models::RegionSpec>& regions,
                           const std::vector<std::string>& tierIds) {
  in.expectMap(node, "tier", kTierKeys);
  models::TierSpec tier;
  tier.id = in.identifier(in.required(node, "id", "tier"), "tier id");
  const std::string what = "tier '" + tier.id + "'";
  std::string kind = "service_pool";
  if (const auto k = node["kind"]) kind = in.scalar(k, what + " kind");
  if (kind == "service_pool") {
    tier.kind = models::TierKind::kServicePool;
  } else if (kind == "database") {
    tier.kind = models::TierKind::kDatabase;
  } else {
    in.fail(node["kind"], "unknown tier kind '" + kind + "'; allowed: database, service_pool");
  }
  tier.service = parseDistribution(in, in.required(node, "service", what), what + " service");
  if (const auto h = node["hold_worker"]) tier.holdWorker = in.boolean(h, what + " hold_worker");
  parseTierResilience(in, node, what, tier);
  if (const auto r = node["routing"])
    tier.routing = parseRouting(in, r, what + " routing", tierIds);
  if (const auto lag = node["replication_lag"]) {
    if (tier.kind != models::TierKind::kDatabase) {
      in.fail(lag, what + " is not a database; allowed: replication_lag on kind: database");
    }
    tier.replicationLag = parseLatency(in, lag, what + " replication_lag");
  }
  if (const auto z = node["limit_req_zones"]) {
    in.expectSequence(z, what + " limit_req_zones");
    for (const auto& item : z)
      tier.limitReqZones.push_back(in.scalar(item, what + " limit_req_zones"));
  }
  if (const auto st = node["limit_req_status"]) {
    tier.limitReqStatus =
        static_cast<int>(in.integer(st, what + " limit_req_status (400 to 599)", 400, 599));
  }
  if (tier.routing) {
    // Each location's limit_req, checked as nginx would against the tier's zones.
    for (std::size_t i = 0; i < tier.routing->rules.size(); ++i) {
      const auto& rule = tier.routing->rules[i];
      if (rule.limitReq.empty()) continue;
      try {
        models::ratelimit::parseNginxLimitReq(
            models::ratelimit::nginxLimitReqText(tier, rule.limitReq));
      } catch (const std::invalid_argument& e) {
        in.fail(node["routing"]["nginx"][i]["limit_req"],
                what + " location '" + rule.location + "': " + e.what());
      }
    }
  }
  if (const auto limits = node["rate_limits"]) {
    const std::string lwhat = what + " rate_limits";
    in.expectSequence(limits, lwhat);
    for (const auto& item : limits) {
      in.expectMap(item, lwhat + " entry", {"kong", "haproxy", "cloudflare", "token_bucket"});
      if (item.size() != 1) {
        in.fail(item, lwhat +
                          " entry must name one limiter; allowed: kong, haproxy, cloudflare, "
                          "token_bucket");
      }
      const std::string kind = item.begin()->first.Scalar();
      const YAML::Node value = item.begin()->second;
      models::RateLimitSpec spec;
      spec.settings = in.scalar(value, lwhat + " " + kind);
      try {
        if (kind == "kong") {
          spec.kind = models::RateLimitSpec::Kind::kKong;
          models::ratelimit::parseKongRateLimiting(spec.settings);
        } else if (kind == "haproxy") {
          spec.kind = models::RateLimitSpec::Kind::kHaproxy;
          models::ratelimit::parseHaproxyReqRate(spec.settings);
        } else if (kind == "cloudflare") {
          spec.kind = models::RateLimitSpec::Kind::kCloudflare;
          models::ratelimit::parseCloudflareRateLimit(spec.settings);
        } else {
          spec.kind = models::RateLimitSpec::Kind::kTokenBucket;
          models::ratelimit::parseTokenBucket(spec.settings);
        }
      } catch (const std::invalid_argument& e) {
        in.fail(value, lwhat + " " + kind + ": " + e.what());
      }
      tier.rateLimits.push_back(spec);
    }
  }
  if (const auto lc = node["limit_conn"]) {
    tier.limitConn = in.scalar(lc, what + " limit_conn");
    try {
      models::ratelimit::tierLimitConn(tier.limitConn);
    } catch (const std::invalid_argument& e) {
      in.fail(lc, what + " limit_conn: " + e.what());
    }
  }
  if (const auto c = node["cache"]) {
    const std::string cwhat = what + " cache";
    in.expectMap(c, cwhat,
                 {"max_entries", "max_size", "ttl", "inactive", "catalogue", "zipf", "per_user",
                  "paths", "cloudflare"});
    models::CacheSpec cache;
    if (const auto p = c["paths"]) {
      in.expectSequence(p, cwhat + " paths");
      for (const auto& item : p) {
        cache.paths.push_back(in.scalar(item, cwhat + " paths"));
        if (cache.paths.back().empty() || cache.paths.back().front() != '/') {
          in.fail(item, cwhat + " path '" + cache.paths.back() +
                            "' does not start with '/'; allowed: a pattern such as /api/courses/*");
        }
      }
    }
    if (const auto n = c["max_entries"]) {
      cache.maxEntries = in.unsignedInteger(n, cwhat + " max_entries", 1, 1000000000);
    }
    if (const auto n = c["max_size"]) cache.maxBytes = bytes(in, n, cwhat, "max_size");
    if (const auto n = c["ttl"]) cache.ttl = in.duration(n, cwhat + " ttl", true);
    if (const auto n = c["cloudflare"]) {
      if (c["ttl"]) {
        in.fail(c["ttl"], cwhat +
                              " ttl with cloudflare: the page rule's edge_cache_ttl (or "
                              "Cloudflare's defaults) sets it; allowed: one of them");
      }
      cache.cloudflare = in.scalar(n, cwhat + " cloudflare");
      try {
        models::cache::parseCloudflarePageRule(cache.cloudflare);
      } catch (const std::invalid_argument& e) {
        in.fail(n, cwhat + " cloudflare: " + e.what());
      }
    }
    if (const auto n = c["inactive"]) cache.inactive = in.duration(n, cwhat + " inactive", true);
    if (const auto n = c["catalogue"]) {
      cache.catalogue = in.unsignedInteger(n, cwhat + " catalogue", 1, 1000000000000ULL);
    }
    if (const auto n = c["zipf"]) cache.zipfExponent = in.number(n, cwhat + " zipf", 0.0);
    if (const auto n = c["per_user"]) cache.perUser = in.boolean(n, cwhat + " per_user");
    tier.cache = cache;
  }
  if (const auto n = node["next"]) {
    in.expectSequence(n, what + " next");
    for (const auto& item : n)
      tier.next.push_back(in.identifier(item, what + " next"));
  }

  if (const auto b = node["balancer"]) {
    if (!b.IsMap()) in.fail(b, what + " balancer must be a mapping such as {policy: least_conn}");
    const YAML::Node policyNode = b["policy"];
    if (policyNode) tier.balancer.policy = in.scalar(policyNode, what + " balancer policy");
    if (!policies.contains(tier.balancer.policy)) {
      in.fail(policyNode, "unknown balancing policy '" + tier.balancer.policy +
                              "'; allowed: " + join(policies.names()));
    }
    const auto& info = policies.get(tier.balancer.policy);
    std::vector<std::string> allowed = {"policy", "stickiness", "prefer", "steering", "when_full"};
    for (const auto& o : info.options)
      allowed.push_back(o.name);
    in.expectMap(b, what + " balancer (" + tier.balancer.policy + ")", allowed);
    if (const auto s = b["stickiness"]) {
      const std::string swhat = what + " balancer stickiness";
      in.expectMap(s, swhat, {"type", "duration", "refresh"});
      models::StickinessSpec sticky;
      if (const auto t = s["type"]) sticky.type = in.scalar(t, swhat + " type");
      if (sticky.type == "lb_cookie") {
        sticky.duration = 86400.0;  // ALB stickiness.lb_cookie.duration_seconds default
        sticky.refresh = true;
      } else if (sticky.type == "cookie") {
        sticky.duration = 82800.0;  // Cloudflare session_affinity_ttl default (23 h)
        sticky.refresh = false;
      } else {
        in.fail(s["type"], "unknown stickiness type '" + sticky.type +
                               "'; allowed: cookie (Cloudflare), lb_cookie (AWS ALB)");
      }
      if (const auto d = s["duration"]) sticky.duration = in.duration(d, swhat + " duration", true);
      if (const auto r = s["refresh"]) sticky.refresh = in.boolean(r, swhat + " refresh");
      tier.balancer.stickiness = sticky;
    }
    if (const auto p = b["prefer"]) {
      const std::string v =
          in.oneOf(p, what + " balancer prefer", {"none", "same_zone", "same_region"});
      using P = models::BalancerSpec::Prefer;
      tier.balancer.prefer = v == "same_zone"     ? P::kZone
                             : v == "same_region" ? P::kRegion
                                                  : P::kNone;
    }
    if (const auto w = b["when_full"]) {
      const std::string v = in.oneOf(w, what + " balancer when_full", {"queue", "next"});
      tier.balancer.whenFull = v == "queue" ? models::BalancerSpec::WhenFull::kQueue
                                            : models::BalancerSpec::WhenFull::kNext;
    }
    if (const auto st = b["steering"]) {
      tier.balancer.steering = parseSteering(in, st, what + " balancer steering", regions);
      if (tier.balancer.prefer != models::BalancerSpec::Prefer::kNone) {
        in.fail(st, what +
                        " balancer steering and prefer do not go together; allowed: one of "
                        "them (steering keeps a client's requests in its region order, prefer "
                        "keeps them in the caller's zone or region)");
      }
    }
    for (const auto& o : info.options) {
      const YAML::Node v = b[o.name];
      if (!v) continue;
      const std::string owhat = what + " balancer " + o.name;
      switch (o.kind) {
        case models::balancing::OptionKind::kNumber:
          tier.balancer.options.setNumber(o.name, in.number(v, owhat));
          break;
        case models::balancing::OptionKind::kDuration:
          tier.balancer.options.setNumber(o.name, in.duration(v, owhat, false));
          break;
        case models::balancing::OptionKind::kText:
          tier.balancer.options.setText(o.name, in.scalar(v, owhat));
          break;
      }
    }
  }

  const std::string prefix = tier.id + "-";
  if (tier.kind == models::TierKind::kServicePool) {
    if (node["primary"] || node["read_replicas"]) {
      const YAML::Node bad = node["primary"] ? node["primary"] : node["read_replicas"];
      in.fail(bad, what + " is a service_pool; primary and read_replicas belong to kind: database");
    }
    if (!node["replicas"] && !node["targets"]) in.fail(node, "missing key 'replicas' in " + what);
    // The count is read first: `replicas` is usually written above `replica`.
    const std::size_t count =
        replicaCount(in, node["replicas"], "replicas", 1, node["targets"], what);
    models::TargetSpec templ;
    if (const auto r = node["replica"]) {
      std::vector<std::string> keys = kTargetKeys;
      keys.erase(std::find(keys.begin(), keys.end(), "name"));
      in.expectMap(r, what + " replica", keys);
      applyTargetFields(in, r, what + " replica", templ);
    }
    tier.targets = expandTargets(in, count, templ, node["targets"], prefix, 1, what);
  } else {
    if (node["replicas"] || node["replica"]) {
      const YAML::Node bad = node["replicas"] ? node["replicas"] : node["replica"];
      in.fail(bad, what + " is a database; give its primary and read_replicas instead");
    }
    models::TargetSpec primary;
    primary.name = tier.id + "-primary";
    if (const auto p = node["primary"]) {
      std::vector<std::string> keys = kTargetKeys;
      keys.erase(std::find(keys.begin(), keys.end(), "backup"));
      in.expectMap(p, what + " primary", keys);
      applyTargetFields(in, p, what + " primary", primary);
    }
    tier.targets.push_back(primary);
    if (const auto r = node["read_replicas"]) {
      in.expectMap(r, what + " read_replicas", kReadReplicaKeys);
      const std::size_t count =
          replicaCount(in, r["count"], "count", 0, r["targets"], what + " read_replicas");
      models::TargetSpec templ;
      applyTargetFields(in, r, what + " read_replicas", templ);
      for (auto& t : expandTargets(in, count, templ, r["targets"], tier.id + "-replica-", 1,
                                   what + " read_replicas")) {
        tier.targets.push_back(t);
      }
    }
  }
  if (tier.targets.empty()) {
    in.fail(node, what + " has no replicas; allowed: replicas of 1 or more");
  }
  parseTierPgBouncer(in, node, what, tier);
  parseTierPostgresql(in, node, what, tier);
  parseTierKeepalive(in, node, what, tier);
  parseTierAutoscaling(in, node, what, tier, [&](const YAML::Node& n, const std::string& w) {
    return parseLatency(in, n, w);
  });
  // Placement: `zones` spreads the replicas over the zones in turn (replica i in zone
  // i mod n), as an Auto Scaling group or a topology spread constraint balances them;
  // `region` does the same over the region's zones; a target's own `zone` wins.
  if (node["zones"] && node["region"]) {
    in.fail(node["region"], what + " gives both zones and region; allowed: one of them");
  }
  std::vector<std::string> spread;
  if (const auto z = node["zones"]) {
    in.expectSequence(z, what + " zones");
    if (z.size() == 0) in.fail(z, what + " zones is empty; allowed: one or more zone names");
    for (const auto& item : z)
      spread.push_back(in.identifier(item, what + " zones"));
  }
  if (const auto r = node["region"]) {
    const std::string region = in.identifier(r, what + " region");
    const auto it = std::find_if(regions.begin(), regions.end(),
                                 [&](const models::RegionSpec& x) { return x.id == region; });
    if (it == regions.end()) {
      std::vector<std::string> ids;
      for (const auto& x : regions)
        ids.push_back(x.id);
      in.fail(r,
              "unknown region '" + region + "' in " + what + "; allowed: " +
                  (ids.empty() ? std::string("none declared (add a regions: list)") : join(ids)));
    }
    spread = it->zones;
  }
  tier.zoneSpread = spread;
  if (!spread.empty()) {
    const YAML::Node overrides = node["targets"];
    for (std::size_t i = 0; i < tier.targets.size(); ++i) {
      // database targets[0] is the primary, declared by its own mapping
      const bool ownZone =
          overrides && i < overrides.size() && overrides[i].IsMap() && overrides[i]["zone"];
      if (!ownZone && tier.targets[i].zone.empty()) {
        tier.targets[i].zone = spread[i % spread.size()];
      }
    }
  }
  if (!regions.empty()) {
    std::set<std::string> known;
    for (const auto& x : regions)
      known.insert(x.zones.begin(), x.zones.end());
    const YAML::Node where = node["zones"] ? node["zones"] : node;
    for (const auto& t : tier.targets) {
      if (!t.zone.empty() && known.count(t.zone) == 0) {
        in.fail(where, what + " places replica '" + t.name + "' in zone '" + t.zone +
                           "', which no region declares; allowed: " +
                           join(std::vector<std::string>(known.begin(), known.end())));
      }
    }
  }
  // The policy checks its options against the pool it will balance.
  try {
    core::RandomStream rng;
    core::Simulator sim;
    models::balancing::PolicyContext context = models::policyContext(tier);
    context.rng = &rng;
    context.clock = &sim.clock();
    policies.create(tier.balancer.policy, context);
  } catch (const std::invalid_argument& e) {
    in.fail(node["balancer"] ? node["balancer"] : node,
            what + " balancer (" + tier.balancer.policy + "): " + e.what());
  }
  std::set<std::string> names;
  for (const auto& t : tier.targets) {
    if (!names.insert(t.name).second) {
      in.fail(node, what + " has two replicas named '" + t.name + "'; allowed: each name once");
    }
  }
  return tier;
}

// --- classes and traffic -----------------------------------------------------------------

models::ClassSpec parseClass(const Reader& in, const YAML::Node& node,
                             const std::vector<std::string>& tierIds,
                             const std::vector<models::TierSpec>& tiers) {
  in.expectMap(node, "class", kClassKeys);
  models::ClassSpec c;
  c.id = in.identifier(in.required(node, "id", "class"), "class id");
  const std::string what = "class '" + c.id + "'";
  if (const auto m = node["method"]) c.method = in.scalar(m, what + " method");
  if (const auto p = node["path"]) {
    c.path = in.scalar(p, what + " path");
    if (c.path.empty() || c.path.front() != '/') {
      in.fail(p, what + " path '" + c.path +
                     "' does not start with '/'; allowed: a path such as "
                     "/api/courses/42");
    }
  }
  if (const auto h = node["host"]) c.host = in.scalar(h, what + " host");
  if (const auto k = node["cacheable"]) c.cacheable = in.boolean(k, what + " cacheable");
  if (const auto b = node["cache_bypass"]) c.cacheBypass = in.boolean(b, what + " cache_bypass");
  if (const auto n = node["catalogue"]) {
    c.catalogue = in.unsignedInteger(n, what + " catalogue", 1, 1000000000000ULL);
  }
  if (const auto n = node["zipf"]) c.zipfExponent = in.number(n, what + " zipf", 0.0);
  if (const auto n = node["per_user"]) c.perUser = in.boolean(n, what + " per_user");
  if (const auto n = node["response_size"]) {
    c.responseBytes = bytes(in, n, what, "response_size");
    if (c.responseBytes == 0) in.fail(n, what + " response_size must be above 0 bytes");
  }
  const YAML::Node route = node["route"];
  if (route) {
    if (node["entry"]) {
      in.fail(node["entry"], what +
                                 " gives both route and entry; allowed: entry only with a "
                                 "route derived from the path");
    }
    in.expectSequence(route, what + " route");
    if (route.size() == 0 || route.size() > models::kMaxRouteLength) {
      in.fail(route, what + " route has " + std::to_string(route.size()) +
                         " tiers; allowed: 1 to " + std::to_string(models::kMaxRouteLength));
    }
    for (const auto& hop : route) {
      const std::string id = in.identifier(hop, what + " route entry");
      if (std::find(tierIds.begin(), tierIds.end(), id) == tierIds.end()) {
        in.fail(hop,
                "unknown tier '" + id + "' in route of " + what + "; allowed: " + join(tierIds));
      }
      if (std::find(c.route.begin(), c.route.end(), id) != c.route.end()) {
        in.fail(hop, "tier '" + id + "' appears twice in route of " + what +
                         "; allowed: each tier once per route");
      }
      c.route.push_back(id);
    }
  } else if (c.path.empty()) {
    in.fail(node, "missing key 'route' in " + what +
                      "; allowed: a route, or a path that the gateways route");
  }
  // Only once every tier parsed: the routing rules and `next` lists decide.
  if (!tiers.empty() && tiers.size() == tierIds.size()) resolveRoute(in, node, c, tiers);
  if (const auto demands = node["demands"]) {
    if (!demands.IsMap()) in.fail(demands, what + " demands must map tier ids to demands");
    for (auto it = demands.begin(); it != demands.end(); ++it) {
      const std::string tierId = in.keyText(it->first, what + " demands");
      // A route derived from the path is not known while a tier has a mistake of its own:
      // then only the tier's existence is checked, so no misleading second error appears.
      const bool routeKnown = !c.route.empty();
      if (!routeKnown && std::find(tierIds.begin(), tierIds.end(), tierId) == tierIds.end()) {
        in.fail(it->first, "demand for unknown tier '" + tierId + "' in " + what +
                               "; allowed: " + join(tierIds));
      }
      if (routeKnown && std::find(c.route.begin(), c.route.end(), tierId) == c.route.end()) {
        in.fail(it->first, "demand for tier '" + tierId + "' which is not on the route of " + what +
                               "; allowed: " + join(c.route));
      }
      const std::string dwhat = what + " demand at '" + tierId + "'";
      in.expectMap(it->second, dwhat, kDemandKeys);
      models::HopDemandSpec d;
      if (const auto s = it->second["service"])
        d.service = parseDistribution(in, s, dwhat + " service");
      if (const auto op = it->second["op"]) {
        const auto tier = std::find_if(tiers.begin(), tiers.end(),
                                       [&](const models::TierSpec& t) { return t.id == tierId; });
        if (tier != tiers.end() && tier->kind != models::TierKind::kDatabase) {
          in.fail(op, "op in " + dwhat +
                          ", which is not a database; allowed: op on kind: "
                          "database tiers only");
        }
        const std::string o = in.scalar(op, dwhat + " op");
        if (o == "read") {
          d.operation = models::DbOperation::kRead;
        } else if (o == "write") {
          d.operation = models::DbOperation::kWrite;
        } else {
          in.fail(op, "unknown op '" + o + "' in " + dwhat + "; allowed: read, write");
        }
      }
      c.demands[tierId] = d;
    }
  }
  return c;
}

models::PhaseSpec parsePhase(const Reader& in, const YAML::Node& node, std::size_t index) {
  const std::string what = "phase " + std::to_string(index + 1);
  in.expectMap(node, what, kPhaseKeys);
  models::PhaseSpec p;
  if (const auto n = node["name"]) p.name = in.scalar(n, what + " name");
  p.duration = in.duration(in.required(node, "duration", what), what + " duration", true);
  p.rate = in.rate(in.required(node, "rate", what), what + " rate");
  if (const auto r = node["ramp_to"]) p.rampTo = in.rate(r, what + " ramp_to");
  return p;
}

models::FlowSpec parseMixEntry(Reader& in, const YAML::Node& node, std::size_t index,
                               const std::vector<std::string>& classIds) {
  const std::string what = "mix entry " + std::to_string(index + 1);
  in.expectMap(node, what, kMixKeys);
  models::FlowSpec f;
  if (const auto w = node["weight"]) f.weight = in.positiveNumber(w, what + " weight");
  auto addStep = [&](const YAML::Node& n) {
    const std::string id = in.identifier(n, what + " class");
    if (std::find(classIds.begin(), classIds.end(), id) == classIds.end()) {
      in.fail(n, "unknown class '" + id + "' in " + what + "; allowed: " + join(classIds));
    }
    f.steps.push_back(id);
  };
  if (node["class"] && node["flow"]) {
    in.fail(node["flow"], what + " has both class and flow; allowed: one of them");
  }
  if (const auto c = node["class"]) {
    addStep(c);
  } else if (const auto flow = node["flow"]) {
    in.expectSequence(flow, what + " flow");
    if (flow.size() == 0) in.fail(flow, what + " flow is empty; allowed: one or more class ids");
    for (const auto& step : flow)
      addStep(step);
  } else {
    in.fail(node, "missing key 'class' or 'flow' in " + what);
  }
  f.name = node["name"]
               ? in.scalar(node["name"], what + " name")
               : (f.steps.size() == 1 ? f.steps.front() : "flow-" + std::to_string(index + 1));
  return f;
}

// The ids a list declares, in order and once each, whether or not the rest of each item
// is valid: references to an item with a mistake elsewhere are not reported again.
std::vector<std::string> declaredIds(const YAML::Node& list) {
  std::vector<std::string> ids;
  if (!list || !list.IsSequence()) return ids;
  for (const auto& item : list) {
    if (!item.IsMap() || !item["id"] || !item["id"].IsScalar()) continue;
    const std::string id = item["id"].Scalar();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

template <typename T>
void checkUniqueIds(Reader& in, const YAML::Node& list, const std::vector<T>& items,
                    const std::string& what) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!seen.insert(items[i].id).second) {
      in.collect([&] {
        in.fail(list[i]["id"],
                "duplicate " + what + " id '" + items[i].id + "'; allowed: each id once");
      });
    }
  }
}

// --- regions and the network ----------------------------------------------------------------

// Each region is kept even when one of its zones is wrong, so that what refers to it does
// not report a second, misleading error.
std::vector<models::RegionSpec> parseRegions(Reader& in, const YAML::Node& node) {
  in.expectSequence(node, "regions");
  std::vector<models::RegionSpec> out;
  std::set<std::string> ids, zones;
  for (const auto& r : node) {
    in.collect([&] {
      in.expectMap(r, "region", {"id", "zones"});
      models::RegionSpec region;
      const YAML::Node idNode = in.required(r, "id", "region");
      region.id = in.identifier(idNode, "region id");
      if (!ids.insert(region.id).second) {
        in.fail(idNode, "region '" + region.id + "' is declared twice; allowed: each id once");
      }
      const std::string what = "region '" + region.id + "'";
      const YAML::Node z = in.required(r, "zones", what);
      in.expectSequence(z, what + " zones");
      if (z.size() == 0) in.fail(z, what + " zones is empty; allowed: one or more zone names");
      std::size_t duplicate = z.size();
      for (std::size_t i = 0; i < z.size(); ++i) {
        region.zones.push_back(in.identifier(z[i], what + " zones"));
        if (!zones.insert(region.zones.back()).second && duplicate == z.size()) duplicate = i;
      }
      out.push_back(region);
      if (duplicate < z.size()) {
        in.fail(z[duplicate], "zone '" + region.zones[duplicate] +
                                  "' is declared twice; allowed: each zone in one region");
      }
    });
  }
  return out;
}

models::NetworkSpec parseNetwork(const Reader& in, const YAML::Node& node,
                                 const std::vector<std::string>& regionIds,
                                 const std::vector<std::string>& tierIds) {
  in.expectMap(node, "network",
               {"same_zone", "cross_zone", "cross_region", "client", "between_regions", "links",
                "locations"});
  models::NetworkSpec net;
  if (const auto n = node["same_zone"]) net.sameZone = parseLatency(in, n, "network same_zone");
  if (const auto n = node["cross_zone"]) net.crossZone = parseLatency(in, n, "network cross_zone");
  if (const auto n = node["cross_region"]) {
    net.crossRegion = parseLatency(in, n, "network cross_region");
  }
  if (const auto n = node["client"]) net.client = parseLatency(in, n, "network client");
  if (const auto b = node["between_regions"]) {
    in.expectSequence(b, "network between_regions");
    for (const auto& item : b) {
      in.expectMap(item, "network between_regions entry", {"regions", "latency"});
      const YAML::Node pair = in.required(item, "regions", "network between_regions entry");
      if (!pair.IsSequence() || pair.size() != 2) {
        in.fail(pair,
                "network between_regions regions must be two region ids such as "
                "[us-east-1, eu-west-1]");
      }
      models::RegionPairSpec p;
      p.a = in.identifier(pair[0], "network between_regions region");
      p.b = in.identifier(pair[1], "network between_regions region");
      for (std::size_t i = 0; i < 2; ++i) {
        const std::string id = i == 0 ? p.a : p.b;
        if (std::find(regionIds.begin(), regionIds.end(), id) == regionIds.end()) {
          in.fail(pair[i], "unknown region '" + id + "'; allowed: " +
                               (regionIds.empty() ? std::string("none declared (add regions:)")
                                                  : join(regionIds)));
        }
      }
      p.latency = parseLatency(in, in.required(item, "latency", "network between_regions entry"),
                               "network between_regions latency");
      net.regionPairs.push_back(std::move(p));
    }
  }
  if (const auto l = node["locations"]) {
    // The location ids are checked once the traffic is read.
    in.expectSequence(l, "network locations");
    for (const auto& item : l) {
      in.expectMap(item, "network locations entry", {"location", "region", "latency"});
      models::LocationLatencySpec entry;
      entry.location = in.identifier(in.required(item, "location", "network locations entry"),
                                     "network locations location");
      const YAML::Node region = in.required(item, "region", "network locations entry");
      entry.region = in.identifier(region, "network locations region");
      if (std::find(regionIds.begin(), regionIds.end(), entry.region) == regionIds.end()) {
        in.fail(region, "unknown region '" + entry.region + "' in network locations; allowed: " +
                            (regionIds.empty() ? std::string("none declared (add regions:)")
                                               : join(regionIds)));
      }
      for (const auto& other : net.locations) {
        if (other.location == entry.location && other.region == entry.region) {
          in.fail(item, "the latency from '" + entry.location + "' to '" + entry.region +
                            "' is given twice in network locations; allowed: once");
        }
      }
      entry.latency = parseLatency(in, in.required(item, "latency", "network locations entry"),
                                   "network locations latency");
      net.locations.push_back(std::move(entry));
    }
  }
  if (const auto l = node["links"]) {
    in.expectSequence(l, "network links");
    for (const auto& item : l) {
      in.expectMap(item, "network link", {"from", "to", "latency"});
      models::LinkSpec link;
      const YAML::Node from = in.required(item, "from", "network link");
      const YAML::Node to = in.required(item, "to", "network link");
      link.from = in.identifier(from, "network link from");
      link.to = in.identifier(to, "network link to");
      if (link.from != "client" &&
          std::find(tierIds.begin(), tierIds.end(), link.from) == tierIds.end()) {
        in.fail(from, "unknown tier '" + link.from + "' in network link; allowed: client, " +
                          join(tierIds));
      }
      if (std::find(tierIds.begin(), tierIds.end(), link.to) == tierIds.end()) {
        in.fail(to, "unknown tier '" + link.to + "' in network link; allowed: " + join(tierIds));
      }
      link.latency =
          parseLatency(in, in.required(item, "latency", "network link"), "network link latency");
      net.links.push_back(std::move(link));
    }
  }
  return net;
}

// The client locations that `network locations` and steering balancers name are those of
// `traffic locations`; a steering balancer needs them, and replicas in regions.
void checkLocations(Reader& in, const YAML::Node& root, const ScenarioSpec& spec) {
  std::vector<std::string> ids;
  std::vector<std::string> areas;  // locations and the areas they are within
  for (const auto& l : spec.traffic.locations) {
    ids.push_back(l.id);
    areas.push_back(l.id);
    for (const std::string& a : l.within) {
      if (std::find(areas.begin(), areas.end(), a) == areas.end()) areas.push_back(a);
    }
  }
  auto known = [&](const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  const std::string allowed =
      ids.empty() ? std::string("none declared (add traffic locations:)") : join(ids);
  const YAML::Node latencies = root["network"] ? root["network"]["locations"] : YAML::Node();
  for (std::size_t i = 0; i < spec.network.locations.size() && latencies; ++i) {
    const std::string& id = spec.network.locations[i].location;
    if (!known(id)) {
      in.collect([&] {
        in.fail(latencies[i]["location"],
                "unknown client location '" + id + "' in network locations; allowed: " + allowed);
      });
    }
  }
  const YAML::Node tiers = root["tiers"];
  if (!tiers || !tiers.IsSequence() || tiers.size() != spec.tiers.size()) return;
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const models::TierSpec& tier = spec.tiers[t];
    if (!tier.balancer.steering) continue;
    const YAML::Node node = tiers[t]["balancer"]["steering"];
    const std::string what = "tier '" + tier.id + "' balancer steering";
    const models::BalancerSpec::Steering& steering = *tier.balancer.steering;
    in.collect([&] {
      if (ids.empty() && steering.by != models::BalancerSpec::Steering::By::kRandom) {
        in.fail(node, what +
                          " steers by where clients are, and the traffic declares no "
                          "locations; allowed: add traffic locations: [{id: US, weight: 60}, "
                          "...]");
      }
      if (tier.balancer.steering->by == models::BalancerSpec::Steering::By::kLatency &&
          spec.network.locations.empty()) {
        in.fail(node, what +
                          " by latency needs the latency from each client location to the "
                          "regions; allowed: add network locations: [{location: US, region: "
                          "us-east-1, latency: 20ms}, ...]");
      }
      const YAML::Node map = node["regions"];
      for (auto it = map.begin(); map && it != map.end(); ++it) {
        const std::string id = it->first.as<std::string>();
        if (std::find(areas.begin(), areas.end(), id) == areas.end()) {
          in.fail(it->first, "unknown client location '" + id + "' in " + what +
                                 " regions; allowed: " + (areas.empty() ? allowed : join(areas)) +
                                 " (the traffic's locations and the areas they are within)");
        }
      }
      const bool placed = std::any_of(tier.targets.begin(), tier.targets.end(), [&](const auto& x) {
        return std::any_of(spec.regions.begin(), spec.regions.end(), [&](const auto& r) {
          return std::find(r.zones.begin(), r.zones.end(), x.zone) != r.zones.end();
        });
      });
      if (!placed) {
        in.fail(node, what + " needs replicas in regions, and tier '" + tier.id +
                          "' has none; allowed: place them with region: or zones: of declared "
                          "regions");
      }
      // A region with fewer targets than minimum_origins would never be used.
      if (steering.minimumOrigins > 1) {
        for (const auto& r : spec.regions) {
          const auto count =
              std::count_if(tier.targets.begin(), tier.targets.end(), [&](const auto& x) {
                return std::find(r.zones.begin(), r.zones.end(), x.zone) != r.zones.end();
              });
          if (count > 0 && static_cast<std::uint64_t>(count) < steering.minimumOrigins) {
            in.fail(node["minimum_origins"],
                    what + " minimum_origins is " + std::to_string(steering.minimumOrigins) +
                        ", and region '" + r.id + "' has " + std::to_string(count) +
                        (count == 1 ? " replica" : " replicas") + " of tier '" + tier.id +
                        "', so it would never be used; allowed: at most the replicas of its "
                        "smallest region");
          }
        }
      }
    });
  }
}

ScenarioSpec parseScenario(Reader& in, const YAML::Node& root,
                           const models::balancing::PolicyRegistry& policies) {
  ScenarioSpec spec;
  if (!root.IsMap()) in.fail(root, "a scenario must be a mapping with keys " + join(kScenarioKeys));
  in.collect([&] { in.expectMap(root, "scenario", kScenarioKeys); });
  in.collect([&] { spec.name = in.identifier(in.required(root, "name", "scenario"), "name"); });
  if (const auto d = root["description"]) {
    in.collect([&] { spec.description = in.scalar(d, "description"); });
  }
  if (const auto s = root["seed"]) {
    in.collect([&] { spec.seed = in.unsignedInteger(s, "seed", 0, (1ULL << 53)); });
  }
  in.collect([&] {
    spec.duration = in.duration(in.required(root, "duration", "scenario"), "duration", true);
  });
  if (const auto w = root["warmup"]) {
    in.collect([&] {
      spec.warmup = in.duration(w, "warmup", false);
      if (spec.duration > 0.0 && spec.warmup >= spec.duration) {
        in.fail(w, "warmup " + formatDuration(spec.warmup) + " is not shorter than duration " +
                       formatDuration(spec.duration) + "; allowed: 0 <= warmup < duration");
      }
    });
  }
  if (const auto r = root["replications"]) {
    in.collect([&] {
      spec.replications =
          static_cast<std::uint32_t>(in.unsignedInteger(r, "replications", 1, 100000));
    });
  }
  if (const auto t = root["timeseries_interval"]) {
    in.collect([&] {
      spec.timeseriesInterval = in.duration(t, "timeseries_interval", true);
      if (const auto problem = timeseriesTooLong(spec.duration, spec.timeseriesInterval)) {
        in.fail(t, *problem);
      }
    });
  }

  // Regions before tiers (tiers are placed in their zones), tiers before classes, classes
  // before the mix: later parts refer to earlier ids.
  if (const auto r = root["regions"]) in.collect([&] { spec.regions = parseRegions(in, r); });
  std::vector<std::string> regionIds;
  for (const auto& r : spec.regions)
    regionIds.push_back(r.id);
  YAML::Node tiers;
  in.collect([&] {
    tiers = in.required(root, "tiers", "scenario");
    in.expectSequence(tiers, "tiers");
    if (tiers.size() == 0) in.fail(tiers, "tiers is empty; allowed: one or more tiers");
  });
  if (tiers && tiers.IsSequence()) {
    for (const auto& t : tiers) {
      in.collect([&] {
        spec.tiers.push_back(parseTier(in, t, policies, spec.regions, declaredIds(tiers)));
      });
    }
    if (spec.tiers.size() == tiers.size()) {
      checkUniqueIds(in, tiers, spec.tiers, "tier");
      checkPgBouncerInstances(in, tiers, spec.tiers);
    }
  }
  YAML::Node classes;
  in.collect([&] {
    classes = in.required(root, "classes", "scenario");
    in.expectSequence(classes, "classes");
    if (classes.size() == 0) in.fail(classes, "classes is empty; allowed: one or more classes");
  });
  if (classes && classes.IsSequence()) {
    for (const auto& c : classes) {
      in.collect(
          [&] { spec.classes.push_back(parseClass(in, c, declaredIds(tiers), spec.tiers)); });
    }
    if (spec.classes.size() == classes.size()) {
      checkUniqueIds(in, classes, spec.classes, "class");
      checkPgBouncerRoutes(in, classes, spec);
      // A cache is filled from the tiers behind it: at the last tier of a route it would never
      // be looked up (the request is served there), which a user would not see otherwise.
      for (std::size_t c = 0; c < spec.classes.size(); ++c) {
        const models::ClassSpec& cls = spec.classes[c];
        if (cls.route.empty() || cls.fixedStatus != 0) continue;
        const std::string& last = cls.route.back();
        const auto at = std::find_if(spec.tiers.begin(), spec.tiers.end(),
                                     [&](const models::TierSpec& x) { return x.id == last; });
        if (at == spec.tiers.end() || !at->cache || !models::ServicePool::mayLookUp(*at, cls)) {
          continue;
        }
        in.collect([&] {
          in.fail(classes[c]["id"],
                  "class '" + cls.id + "' ends its route at '" + last +
                      "', whose cache has nothing behind it to be filled from, so its requests "
                      "would never be looked up; allowed: a route that goes on past '" +
                      last + "' to the tier that makes the response, or cacheable: false");
        });
      }
      // A cache with max_size counts bytes: the classes it may store say how many.
      for (std::size_t c = 0; c < spec.classes.size(); ++c) {
        const models::ClassSpec& cls = spec.classes[c];
        for (const std::string& id : cls.route) {
          const auto at = std::find_if(spec.tiers.begin(), spec.tiers.end(),
                                       [&](const models::TierSpec& x) { return x.id == id; });
          const models::TierSpec* t = at == spec.tiers.end() ? nullptr : &*at;
          if (t == nullptr || !t->cache || t->cache->maxBytes == 0 || !cls.cacheable ||
              cls.responseBytes > 0 || !models::ServicePool::mayStore(*t, cls)) {
            continue;
          }
          in.collect([&] {
            in.fail(classes[c]["id"], "class '" + cls.id + "' is cached at '" + id +
                                          "', whose cache has a max_size; allowed: give the "
                                          "class a response_size such as 10k");
          });
          break;
        }
      }
    }
  }
  // The chain as a graph, once tiers and classes are whole.
  if (in.diagnostics().empty() && tiers && classes && spec.tiers.size() == tiers.size() &&
      spec.classes.size() == classes.size()) {
    for (const auto& p : checkTopology(spec)) {
      in.collect([&] {
        if (p.at == TopologyProblem::At::kTier) in.fail(tiers[p.tier]["id"], p.message);
        if (p.at == TopologyProblem::At::kNext) in.fail(tiers[p.tier]["next"][p.next], p.message);
        const YAML::Node c = classes[p.cls];
        // A route derived from the path has no node of its own: the path stands for it.
        in.fail(c["route"] ? YAML::Node(c["route"][p.hop]) : YAML::Node(c["path"]), p.message);
      });
    }
  }
  if (const auto n = root["network"]) {
    in.collect([&] { spec.network = parseNetwork(in, n, regionIds, declaredIds(tiers)); });
  }
  if (const auto f = root["faults"]; f && tiers && spec.tiers.size() == tiers.size()) {
    in.collect([&] {
      spec.faults = parseFaults(in, f, spec, [&](const YAML::Node& n, const std::string& what) {
        return parseLatency(in, n, what);
      });
    });
  }
  // The clients' locations first, on their own: what names them (the network, steering
  // balancers) is checked against them even when the rest of the traffic has a mistake.
  if (const YAML::Node traffic = root["traffic"]; traffic && traffic.IsMap()) {
    in.collect([&] {
      if (const auto l = traffic["locations"]) {
        in.expectSequence(l, "traffic locations");
        if (l.size() == 0 || l.size() > 10000) {
          in.fail(l,
                  "traffic locations must list 1 to 10000 locations such as {id: US, weight: "
                  "40}");
        }
        for (const auto& item : l) {
          in.expectMap(item, "traffic locations entry", {"id", "weight", "within"});
          models::LocationSpec location;
          location.id = in.identifier(in.required(item, "id", "traffic locations entry"),
                                      "traffic location id");
          // A location with a bad weight is still declared: what names it is not an error too.
          in.collect([&] {
            if (const auto w = item["weight"]) {
              location.weight = in.number(w, "traffic location '" + location.id + "' weight");
              if (!(location.weight > 0.0) || !std::isfinite(location.weight)) {
                location.weight = 1.0;
                in.fail(w, "traffic location '" + location.id +
                               "' weight must be above 0; allowed: a share such as 40");
              }
            }
          });
          in.collect([&] {
            const auto w = item["within"];
            if (!w) return;
            const std::string wwhat = "traffic location '" + location.id + "' within";
            if (!w.IsSequence()) {
              in.fail(w, wwhat +
                             " must be a list of the areas it is in, most specific first, "
                             "such as [US, ENAM]");
            }
            for (const auto& area : w)
              location.within.push_back(in.identifier(area, wwhat));
          });
          for (const auto& other : spec.traffic.locations) {
            if (other.id == location.id) {
              in.fail(item["id"], "traffic location '" + location.id +
                                      "' is declared twice; allowed: each location once");
            }
          }
          spec.traffic.locations.push_back(std::move(location));
        }
      }
    });
  }
  in.collect([&] {
    const YAML::Node traffic = in.required(root, "traffic", "scenario");
    std::vector<std::string> keys = kTrafficKeys;
    for (const auto& k : trafficShapeKeys()) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
    in.expectMap(traffic, "traffic", keys);
    parseTrafficShape(in, traffic, spec.traffic);
    // Each setting on its own, so that one mistake does not hide the others (nor the phases').
    bool clientsRead = true;
    in.collect([&] {
      if (const auto c = traffic["clients"]) {
        clientsRead = false;
        spec.traffic.clients =
            static_cast<std::uint32_t>(in.unsignedInteger(c, "traffic clients", 0, 4000000000ULL));
        clientsRead = true;
      }
    });
    in.collect([&] {
      if (const auto k = traffic["client_skew"]) {
        spec.traffic.clientSkew = in.number(k, "traffic client_skew");
        if (spec.traffic.clientSkew < 0.0) {
          in.fail(k,
                  "traffic client_skew must not be negative; allowed: 0 (uniform) or a Zipf "
                  "exponent such as 1");
        }
        if (spec.traffic.clientSkew > 0.0 && spec.traffic.clients == 0 && clientsRead) {
          in.fail(k, "traffic client_skew needs a client population; allowed: set clients: N");
        }
      }
    });
    in.collect([&] {
      if (const auto u = traffic["users"]) {
        spec.traffic.closed.users =
            static_cast<std::uint32_t>(in.unsignedInteger(u, "traffic users", 1, 10000000));
      }
    });
    in.collect([&] {
      if (const auto r = traffic["spawn_rate"]) {
        if (!traffic["users"]) in.fail(r, "traffic spawn_rate needs users; allowed: set users: N");
        spec.traffic.closed.spawnRate = in.rate(r, "traffic spawn_rate");
      }
    });
    in.collect([&] {
      if (const auto t = traffic["think"]) {
        if (!traffic["users"]) in.fail(t, "traffic think needs users; allowed: set users: N");
        spec.traffic.closed.think = parseDistribution(in, t, "traffic think");
      }
    });
    // Open arrivals by phases, closed users, a replayed log, or any of them together.
    const YAML::Node phases = traffic["phases"];
    const YAML::Node replay = traffic["replay"];
    if (!phases && !traffic["users"] && !replay) {
      in.fail(traffic,
              "traffic needs phases (open arrivals), users (closed loop) or replay (a recorded "
              "log); allowed: any of them, together or alone");
    }
    if (replay && classes && spec.classes.size() == classes.size()) {
      in.collect([&] {
        spec.traffic.replay = parseReplay(in, replay, in.file(), spec.classes);
        const std::string& tier = spec.traffic.replay->demandTier;
        if (!tier.empty() &&
            std::none_of(spec.tiers.begin(), spec.tiers.end(),
                         [&](const models::TierSpec& t) { return t.id == tier; })) {
          in.fail(replay["demand"]["tier"],
                  "unknown tier '" + tier +
                      "' in traffic replay demand; allowed: " + join(declaredIds(tiers)));
        }
      });
    }
    if (phases) {
      in.expectSequence(phases, "traffic phases");
      if (phases.size() == 0) {
        in.fail(phases, "traffic phases is empty; allowed: one or more phases");
      }
      for (std::size_t i = 0; i < phases.size(); ++i) {
        in.collect([&] { spec.traffic.phases.push_back(parsePhase(in, phases[i], i)); });
      }
      if (spec.traffic.phases.size() == phases.size()) {  // each phase read
        for (const ArrivalsProblem& problem : tooManyArrivals(spec.traffic, spec.duration)) {
          in.collect([&] {
            if (problem.phase) {
              in.fail(phases[*problem.phase][problem.key], problem.message);
            } else {
              in.fail(traffic[problem.key], problem.message);
            }
          });
        }
      }
    }
    if (replay && !phases && !traffic["users"] &&
        (!traffic["mix"] || (traffic["mix"].IsSequence() && traffic["mix"].size() == 0))) {
      return;  // a replay alone needs no mix
    }
    const YAML::Node mix = in.required(traffic, "mix", "traffic");
    in.expectSequence(mix, "traffic mix");
    if (mix.size() == 0) in.fail(mix, "traffic mix is empty; allowed: one or more entries");
    for (std::size_t i = 0; i < mix.size(); ++i) {
      in.collect([&] {
        spec.traffic.mix.push_back(parseMixEntry(in, mix[i], i, declaredIds(root["classes"])));
      });
    }
  });
  in.collect([&] { checkLocations(in, root, spec); });
  return spec;
}

}  // namespace

models::ScenarioSpec loadScenarioText(const std::string& text, const std::string& fileName,
                                      const models::balancing::PolicyRegistry& policies) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError({{fileName, e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg}});
  }
  if (!root || root.IsNull()) {
    std::vector<std::string> sortedKeys = kScenarioKeys;
    std::sort(sortedKeys.begin(), sortedKeys.end());
    throw ScenarioError(
        {{fileName, 0, 0,
          "the scenario is empty; allowed: a mapping with keys " + join(sortedKeys)}});
  }
  Reader in(fileName);
  ScenarioSpec spec;
  in.collect([&] { spec = parseScenario(in, root, policies); });
  if (!in.diagnostics().empty()) {
    auto& d = in.diagnostics();
    // By place; what is about a whole file (line 0, such as "N more lines do not match")
    // after the places it sums up.
    std::stable_sort(d.begin(), d.end(), [](const Diagnostic& a, const Diagnostic& b) {
      const int la = a.line > 0 ? a.line : std::numeric_limits<int>::max();
      const int lb = b.line > 0 ? b.line : std::numeric_limits<int>::max();
      return la != lb ? la < lb : a.column < b.column;
    });
    throw ScenarioError(d);
  }
  return spec;
}

models::ScenarioSpec loadScenarioFile(const std::string& path,
                                      const models::balancing::PolicyRegistry& policies) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ScenarioError(
        {{path, 0, 0, std::string("cannot read the scenario file: ") + std::strerror(errno)}});
  }
  std::ostringstream text;
  text << file.rdbuf();
  return loadScenarioText(text.str(), path, policies);
}

}  // namespace lbsim::scenarios
