#include "scenarios/writer.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <type_traits>
#include <variant>

#include "scenarios/autoscaler_writer.h"
#include "scenarios/traffic_shape.h"
#include "scenarios/units.h"

namespace lbsim::scenarios {

namespace {

void emitList(YAML::Emitter& out, const std::vector<double>& values, bool durations) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const double v : values)
    out << (durations ? formatDuration(v) : formatNumber(v));
  out << YAML::EndSeq;
}

void emitDistribution(YAML::Emitter& out, const core::Distribution& d) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "dist" << YAML::Value << std::string(core::kindName(d.kind()));
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        namespace dt = core::detail;
        if constexpr (std::is_same_v<F, dt::Deterministic>) {
          out << YAML::Key << "value" << YAML::Value << formatDuration(f.value);
        } else if constexpr (std::is_same_v<F, dt::Exponential>) {
          out << YAML::Key << "mean" << YAML::Value << formatDuration(f.mean);
        } else if constexpr (std::is_same_v<F, dt::Uniform>) {
          out << YAML::Key << "low" << YAML::Value << formatDuration(f.low);
          out << YAML::Key << "high" << YAML::Value << formatDuration(f.high);
        } else if constexpr (std::is_same_v<F, dt::Erlang>) {
          out << YAML::Key << "k" << YAML::Value << f.phases;
          out << YAML::Key << "mean" << YAML::Value << formatDuration(f.mean);
        } else if constexpr (std::is_same_v<F, dt::Gamma> || std::is_same_v<F, dt::Weibull> ||
                             std::is_same_v<F, dt::Pareto>) {
          out << YAML::Key << "shape" << YAML::Value << formatNumber(f.shape);
          out << YAML::Key << "scale" << YAML::Value << formatDuration(f.scale);
        } else if constexpr (std::is_same_v<F, dt::Lognormal>) {
          out << YAML::Key << "mu" << YAML::Value << formatNumber(f.mu);
          out << YAML::Key << "sigma" << YAML::Value << formatNumber(f.sigma);
        } else if constexpr (std::is_same_v<F, dt::Hyperexponential>) {
          out << YAML::Key << "probabilities" << YAML::Value;
          emitList(out, f.probabilities, false);
          out << YAML::Key << "means" << YAML::Value;
          emitList(out, f.means, true);
        } else if constexpr (std::is_same_v<F, dt::Empirical>) {
          out << YAML::Key << "samples" << YAML::Value;
          emitList(out, f.values, true);
        } else if constexpr (std::is_same_v<F, dt::EmpiricalHistogram>) {
          out << YAML::Key << "bins" << YAML::Value;
          emitList(out, f.edges, true);
          out << YAML::Key << "weights" << YAML::Value;
          emitList(out, f.weights, false);
        }
      },
      d.family());
  out << YAML::EndMap;
}

void emitTarget(YAML::Emitter& out, const models::TargetSpec& t, bool withBackup) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << t.name;
  out << YAML::Key << "workers" << YAML::Value << t.workers;
  out << YAML::Key << "queue_limit" << YAML::Value;
  if (t.queueLimit == models::kUnboundedQueue) {
    out << "unlimited";
  } else {
    out << t.queueLimit;
  }
  out << YAML::Key << "speed" << YAML::Value << formatNumber(t.speed);
  out << YAML::Key << "weight" << YAML::Value << formatNumber(t.weight);
  if (t.maxConn != 0) out << YAML::Key << "maxconn" << YAML::Value << t.maxConn;
  if (withBackup) out << YAML::Key << "backup" << YAML::Value << (t.backup ? "true" : "false");
  if (t.priority != 0) out << YAML::Key << "priority" << YAML::Value << t.priority;
  if (t.fixedResponse != 0) out << YAML::Key << "fixed_response" << YAML::Value << t.fixedResponse;
  if (!t.zone.empty()) out << YAML::Key << "zone" << YAML::Value << t.zone;
  if (t.reserveWorkers != 0) {
    out << YAML::Key << "reserve_workers" << YAML::Value << t.reserveWorkers;
    out << YAML::Key << "reserve_after" << YAML::Value << formatDuration(t.reserveAfter);
  }
  if (t.queueTimeout > 0.0) {
    out << YAML::Key << "queue_timeout" << YAML::Value << formatDuration(t.queueTimeout);
  }
  out << YAML::EndMap;
}

}  // namespace

std::string resolvedScenarioYaml(const models::ScenarioSpec& spec) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  if (!spec.description.empty()) {
    out << YAML::Key << "description" << YAML::Value << spec.description;
  }
  out << YAML::Key << "seed" << YAML::Value << spec.seed;
  out << YAML::Key << "duration" << YAML::Value << formatDuration(spec.duration);
  out << YAML::Key << "warmup" << YAML::Value << formatDuration(spec.warmup);
  out << YAML::Key << "replications" << YAML::Value << spec.replications;
  const double interval = spec.timeseriesInterval > 0.0
                              ? spec.timeseriesInterval
                              : models::defaultTimeseriesInterval(spec.duration);
  out << YAML::Key << "timeseries_interval" << YAML::Value << formatDuration(interval);

  out << YAML::Key << "traffic" << YAML::Value << YAML::BeginMap;
  emitTrafficShape(out, spec.traffic);
  out << YAML::Key << "clients" << YAML::Value << spec.traffic.clients;
  if (spec.traffic.clientSkew > 0.0) {
    out << YAML::Key << "client_skew" << YAML::Value << formatNumber(spec.traffic.clientSkew);
  }
  if (!spec.traffic.locations.empty()) {
    out << YAML::Key << "locations" << YAML::Value << YAML::BeginSeq;
    for (const auto& l : spec.traffic.locations) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << l.id;
      out << YAML::Key << "weight" << YAML::Value << formatNumber(l.weight);
      if (!l.within.empty()) out << YAML::Key << "within" << YAML::Value << YAML::Flow << l.within;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (const auto& r = spec.traffic.replay) {
    out << YAML::Key << "replay" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "file" << YAML::Value << r->file;
    out << YAML::Key << "format" << YAML::Value << r->format;
    out << YAML::Key << "speed" << YAML::Value << formatNumber(r->speed) + "x";
    if (!r->classes.empty()) {
      out << YAML::Key << "classes" << YAML::Value << YAML::BeginSeq;
      for (const auto& c : r->classes) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "location" << YAML::Value
            << YAML::DoubleQuoted << c.location << YAML::Key << "class" << YAML::Value << c.cls
            << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!r->defaultClass.empty()) {
      out << YAML::Key << "default_class" << YAML::Value << r->defaultClass;
    }
    if (!r->demandTier.empty()) {
      out << YAML::Key << "demand" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
          << "tier" << YAML::Value << r->demandTier << YAML::Key << "from" << YAML::Value
          << r->demandField << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  if (spec.traffic.closed.users > 0) {
    out << YAML::Key << "users" << YAML::Value << spec.traffic.closed.users;
    out << YAML::Key << "spawn_rate" << YAML::Value << formatRate(spec.traffic.closed.spawnRate);
    out << YAML::Key << "think" << YAML::Value;
    emitDistribution(out, spec.traffic.closed.think);
  }
  if (!spec.traffic.phases.empty()) out << YAML::Key << "phases" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : spec.traffic.phases) {
    out << YAML::Flow << YAML::BeginMap;
    if (!p.name.empty()) out << YAML::Key << "name" << YAML::Value << p.name;
    out << YAML::Key << "duration" << YAML::Value << formatDuration(p.duration);
    out << YAML::Key << "rate" << YAML::Value << formatRate(p.rate);
    if (p.rampTo) out << YAML::Key << "ramp_to" << YAML::Value << formatRate(*p.rampTo);
    out << YAML::EndMap;
  }
  if (!spec.traffic.phases.empty()) out << YAML::EndSeq;
  out << YAML::Key << "mix" << YAML::Value << YAML::BeginSeq;
  for (const auto& f : spec.traffic.mix) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << f.name;
    out << YAML::Key << "weight" << YAML::Value << formatNumber(f.weight);
    out << YAML::Key << "flow" << YAML::Value << YAML::Flow << f.steps;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;

  out << YAML::Key << "classes" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : spec.classes) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << c.id;
    out << YAML::Key << "route" << YAML::Value << YAML::Flow << c.route;
    out << YAML::Key << "method" << YAML::Value << c.method;
    if (!c.path.empty()) out << YAML::Key << "path" << YAML::Value << c.path;
    if (!c.host.empty()) out << YAML::Key << "host" << YAML::Value << c.host;
    out << YAML::Key << "cacheable" << YAML::Value << (c.cacheable ? "true" : "false");
    if (c.cacheBypass) out << YAML::Key << "cache_bypass" << YAML::Value << "true";
    if (c.catalogue) out << YAML::Key << "catalogue" << YAML::Value << *c.catalogue;
    if (c.zipfExponent) out << YAML::Key << "zipf" << YAML::Value << formatNumber(*c.zipfExponent);
    if (c.perUser) out << YAML::Key << "per_user" << YAML::Value << (*c.perUser ? "true" : "false");
    if (c.responseBytes > 0) {
      out << YAML::Key << "response_size" << YAML::Value << c.responseBytes;
    }
    if (!c.demands.empty()) {
      out << YAML::Key << "demands" << YAML::Value << YAML::BeginMap;
      for (const auto& [tier, d] : c.demands) {
        out << YAML::Key << tier << YAML::Value << YAML::Flow << YAML::BeginMap;
        if (d.service) {
          out << YAML::Key << "service" << YAML::Value;
          emitDistribution(out, *d.service);
        }
        const bool database = std::any_of(spec.tiers.begin(), spec.tiers.end(), [&](const auto& t) {
          return t.id == tier && t.kind == models::TierKind::kDatabase;
        });
        if (database) {
          out << YAML::Key << "op" << YAML::Value
              << (d.operation == models::DbOperation::kWrite ? "write" : "read");
        }
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "tiers" << YAML::Value << YAML::BeginSeq;
  for (const auto& t : spec.tiers) {
    const bool database = t.kind == models::TierKind::kDatabase;
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << t.id;
    out << YAML::Key << "kind" << YAML::Value << (database ? "database" : "service_pool");
    out << YAML::Key << "service" << YAML::Value;
    emitDistribution(out, t.service);
    if (!t.next.empty()) out << YAML::Key << "next" << YAML::Value << YAML::Flow << t.next;
    out << YAML::Key << "hold_worker" << YAML::Value << (t.holdWorker ? "true" : "false");
    if (t.replicationLag) {
      out << YAML::Key << "replication_lag" << YAML::Value;
      emitDistribution(out, *t.replicationLag);
    }
    if (!t.limitReqZones.empty()) {
      out << YAML::Key << "limit_req_zones" << YAML::Value << YAML::BeginSeq;
      for (const auto& z : t.limitReqZones)
        out << YAML::DoubleQuoted << z;
      out << YAML::EndSeq;
      out << YAML::Key << "limit_req_status" << YAML::Value << t.limitReqStatus;
    }
    if (const auto& k = t.keepalive) {
      const bool kong = k->kind == models::KeepaliveSpec::Kind::kKong;
      out << YAML::Key << "keepalive" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << (kong ? "kong" : "nginx") << YAML::Value << YAML::DoubleQuoted
          << k->settings;
      out << YAML::Key << "connect_time" << YAML::Value << formatDuration(k->connectTime)
          << YAML::EndMap;
    }
    if (!t.limitConn.empty()) {
      out << YAML::Key << "limit_conn" << YAML::Value << YAML::DoubleQuoted << t.limitConn;
    }
    if (!t.postgresql.empty()) {
      out << YAML::Key << "postgresql" << YAML::Value << YAML::Literal << t.postgresql;
    }
    if (const auto& p = t.pgbouncer) {
      // As written: the replicas' workers, queue and timeouts below are derived from it again.
      out << YAML::Key << "pgbouncer" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "ini" << YAML::Value << YAML::Literal << p->ini;
      if (!p->database.empty()) out << YAML::Key << "database" << YAML::Value << p->database;
      if (!p->instance.empty()) out << YAML::Key << "instance" << YAML::Value << p->instance;
      if (p->clientsPerCaller > 0) {
        out << YAML::Key << "clients_per_caller" << YAML::Value << p->clientsPerCaller;
      }
      out << YAML::EndMap;
    }
    if (!t.rateLimits.empty()) {
      static constexpr const char* kKinds[] = {"kong", "haproxy", "cloudflare", "token_bucket"};
      out << YAML::Key << "rate_limits" << YAML::Value << YAML::BeginSeq;
      for (const auto& l : t.rateLimits) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << kKinds[static_cast<int>(l.kind)]
            << YAML::Value << YAML::DoubleQuoted << l.settings << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (const auto& h = t.healthCheck) {
      static constexpr const char* kKinds[] = {"haproxy", "alb",        "cloudflare",
                                               "docker",  "kubernetes", "kong"};
      out << YAML::Key << "health_check" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << kKinds[static_cast<int>(h->kind)] << YAML::Value << YAML::DoubleQuoted
          << h->settings;
      out << YAML::Key << "demand" << YAML::Value << formatDuration(h->demand) << YAML::EndMap;
    }
    if (const auto& l = t.liveness) {
      out << YAML::Key << "liveness" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "kubernetes" << YAML::Value << YAML::DoubleQuoted << l->probe.settings;
      out << YAML::Key << "demand" << YAML::Value << formatDuration(l->probe.demand);
      out << YAML::Key << "restart" << YAML::Value << formatDuration(l->restart) << YAML::EndMap;
    }
    if (const auto& p = t.passiveHealth) {
      static constexpr const char* kKinds[] = {"nginx", "envoy", "breaker"};
      out << YAML::Key << "passive_health" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << kKinds[static_cast<int>(p->kind)] << YAML::Value << YAML::DoubleQuoted
          << p->settings << YAML::EndMap;
    }
    if (t.timeouts.connect > 0.0 || t.timeouts.response > 0.0) {
      out << YAML::Key << "timeouts" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (t.timeouts.connect > 0.0) {
        out << YAML::Key << "connect" << YAML::Value << formatDuration(t.timeouts.connect);
      }
      if (t.timeouts.response > 0.0) {
        out << YAML::Key << "response" << YAML::Value << formatDuration(t.timeouts.response);
      }
      out << YAML::EndMap;
    }
    if (const auto& a = t.autoscaler) {
      static constexpr const char* kKinds[] = {"hpa", "asg", "script"};
      out << YAML::Key << "autoscaling" << YAML::Value << YAML::BeginMap;
      // The autoscaler's file written out whole, from the spec as it is now (the GUI may have
      // edited it): the resolved scenario needs no other file to reproduce its run.
      using K = models::AutoscalerSpec::Kind;
      out << YAML::Key << kKinds[static_cast<int>(a->kind)] << YAML::Value << YAML::Literal
          << (a->kind == K::kHpa   ? hpaManifestYaml(a->hpa)
              : a->kind == K::kAsg ? asgPolicyYaml(a->asg)
                                   : scalingScriptYaml(a->threshold));
      out << YAML::Key << "initial" << YAML::Value << t.initialReplicas;
      out << YAML::Key << "startup" << YAML::Value;
      emitDistribution(out, a->lifecycle.startup);
      out << YAML::Key << "drain" << YAML::Value << formatDuration(a->lifecycle.drain);
      if (a->lifecycle.warmup > 0.0) {
        out << YAML::Key << "warmup" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "for" << YAML::Value << formatDuration(a->lifecycle.warmup);
        out << YAML::Key << "speed" << YAML::Value << formatNumber(a->lifecycle.warmupSpeed);
        out << YAML::EndMap;
      }
      const models::ResourceSpec& r = a->resources;
      out << YAML::Key << "resources" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "cpu" << YAML::Value << formatNumber(r.cpuRequest);
      out << YAML::Key << "cpu_per_busy_worker" << YAML::Value << formatNumber(r.cpuPerBusyWorker);
      out << YAML::Key << "memory" << YAML::Value << formatNumber(r.memoryRequest);
      out << YAML::Key << "memory_base" << YAML::Value << formatNumber(r.memoryBase);
      out << YAML::Key << "memory_per_request" << YAML::Value << formatNumber(r.memoryPerRequest);
      out << YAML::EndMap;
      out << YAML::Key << "metrics_resolution" << YAML::Value
          << formatDuration(a->metricsResolution);
      if (a->kind == models::AutoscalerSpec::Kind::kHpa) {
        out << YAML::Key << "sync_period" << YAML::Value << formatDuration(a->hpaConfig.syncPeriod);
      }
      out << YAML::EndMap;
    }
    if (t.promoteAfter > 0.0) {
      out << YAML::Key << "promote_after" << YAML::Value << formatDuration(t.promoteAfter);
    }
    if (const auto& r = t.retries) {
      const bool haproxy = r->style == models::RetrySpec::Style::kHaproxy;
      out << YAML::Key << "retries" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "style" << YAML::Value << (haproxy ? "haproxy" : "nginx");
      out << YAML::Key << "tries" << YAML::Value << r->tries;
      std::vector<std::string> on;
      if (r->onError && r->onTimeout && r->onConnectTimeoutOnly) {
        on.push_back("conn-failure");
      } else {
        if (r->onError) on.push_back("error");
        if (r->onTimeout && r->onConnectTimeoutOnly) on.push_back("conn-failure");
        if (r->onTimeout && !r->onConnectTimeoutOnly) on.push_back("timeout");
      }
      if (r->on502) on.push_back("http_502");
      if (r->on503) on.push_back("http_503");
      if (r->on504) on.push_back("http_504");
      if (r->on429) on.push_back("http_429");
      if (r->nonIdempotent) on.push_back("non_idempotent");
      out << YAML::Key << "on" << YAML::Value << YAML::Flow << on;
      if (haproxy) {
        out << YAML::Key << "redispatch" << YAML::Value << (r->redispatch ? "true" : "false");
      }
      if (r->budget > 0.0) {
        out << YAML::Key << "budget" << YAML::Value << formatNumber(r->budget * 100.0) + "%";
        out << YAML::Key << "min_concurrency" << YAML::Value << r->minConcurrency;
      }
      out << YAML::EndMap;
    }
    if (const auto& c = t.cache) {
      out << YAML::Key << "cache" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "max_entries" << YAML::Value << c->maxEntries;
      if (c->maxBytes > 0) out << YAML::Key << "max_size" << YAML::Value << c->maxBytes;
      if (!c->cloudflare.empty()) {
        out << YAML::Key << "cloudflare" << YAML::Value << YAML::DoubleQuoted << c->cloudflare;
      } else {
        out << YAML::Key << "ttl" << YAML::Value << formatDuration(c->ttl);
      }
      out << YAML::Key << "inactive" << YAML::Value << formatDuration(c->inactive);
      out << YAML::Key << "catalogue" << YAML::Value << c->catalogue;
      out << YAML::Key << "zipf" << YAML::Value << formatNumber(c->zipfExponent);
      out << YAML::Key << "per_user" << YAML::Value << (c->perUser ? "true" : "false");
      if (!c->paths.empty()) out << YAML::Key << "paths" << YAML::Value << YAML::Flow << c->paths;
      out << YAML::EndMap;
    }
    if (const auto& r = t.routing) {
      const bool nginx = r->kind == models::RoutingSpec::Kind::kNginx;
      out << YAML::Key << "routing" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << (nginx ? "nginx" : "alb") << YAML::Value << YAML::BeginSeq;
      for (const auto& rule : r->rules) {
        out << YAML::Flow << YAML::BeginMap;
        if (nginx) {
          out << YAML::Key << "location" << YAML::Value << YAML::DoubleQuoted << rule.location;
          if (!rule.limitReq.empty()) {
            out << YAML::Key << "limit_req" << YAML::Value << YAML::DoubleQuoted << rule.limitReq;
          }
          if (!rule.proxyCache.empty()) {
            out << YAML::Key << "proxy_cache" << YAML::Value << YAML::DoubleQuoted
                << rule.proxyCache;
          }
        } else {
          out << YAML::Key << "priority" << YAML::Value << rule.priority;
          if (!rule.paths.empty()) out << YAML::Key << "path" << YAML::Value << rule.paths;
          if (!rule.hosts.empty()) out << YAML::Key << "host" << YAML::Value << rule.hosts;
          if (!rule.methods.empty()) out << YAML::Key << "method" << YAML::Value << rule.methods;
        }
        if (!rule.to.empty()) {
          out << YAML::Key << "to" << YAML::Value << rule.to;
        } else {
          out << YAML::Key << "status" << YAML::Value << rule.status;
        }
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
      out << YAML::Key << "default" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (!r->defaultTo.empty()) {
        out << YAML::Key << "to" << YAML::Value << r->defaultTo;
      } else {
        out << YAML::Key << "status" << YAML::Value << r->defaultStatus;
      }
      out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::Key << "balancer" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "policy" << YAML::Value << t.balancer.policy;
    for (const auto& [key, value] : t.balancer.options.numbers()) {
      out << YAML::Key << key << YAML::Value << formatNumber(value);
    }
    for (const auto& [key, value] : t.balancer.options.texts()) {
      out << YAML::Key << key << YAML::Value << value;
    }
    if (const auto& s = t.balancer.stickiness) {
      out << YAML::Key << "stickiness" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "type" << YAML::Value << s->type;
      out << YAML::Key << "duration" << YAML::Value << formatDuration(s->duration);
      out << YAML::Key << "refresh" << YAML::Value << (s->refresh ? "true" : "false");
      out << YAML::EndMap;
    }
    if (t.balancer.prefer != models::BalancerSpec::Prefer::kNone) {
      out << YAML::Key << "prefer" << YAML::Value
          << (t.balancer.prefer == models::BalancerSpec::Prefer::kZone ? "same_zone"
                                                                       : "same_region");
    }
    if (t.balancer.whenFull) {
      out << YAML::Key << "when_full" << YAML::Value
          << (*t.balancer.whenFull == models::BalancerSpec::WhenFull::kQueue ? "queue" : "next");
    }
    if (const auto& st = t.balancer.steering) {
      using By = models::BalancerSpec::Steering::By;
      out << YAML::Key << "steering" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "by" << YAML::Value
          << (st->by == By::kGeo       ? "geo"
              : st->by == By::kLatency ? "latency"
                                       : "random");
      if (!st->regions.empty()) {
        out << YAML::Key << "regions" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [location, regions] : st->regions)
          out << YAML::Key << location << YAML::Value << YAML::Flow << regions;
        out << YAML::EndMap;
      }
      if (!st->fallback.empty()) {
        out << YAML::Key << "default" << YAML::Value << YAML::Flow << st->fallback;
      }
      if (!st->weights.empty()) {
        out << YAML::Key << "weights" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [region, weight] : st->weights)
          out << YAML::Key << region << YAML::Value << formatNumber(weight);
        out << YAML::EndMap;
      }
      if (st->minimumOrigins != 1) {
        out << YAML::Key << "minimum_origins" << YAML::Value << st->minimumOrigins;
      }
      if (st->ttl > 0.0) out << YAML::Key << "ttl" << YAML::Value << formatDuration(st->ttl);
      if (st->resolvers > 0) out << YAML::Key << "resolvers" << YAML::Value << st->resolvers;
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
    if (!database) {
      out << YAML::Key << "replicas" << YAML::Value << t.targets.size();
      out << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
      for (const auto& target : t.targets)
        emitTarget(out, target, true);
      out << YAML::EndSeq;
    } else {
      out << YAML::Key << "primary" << YAML::Value;
      emitTarget(out, t.targets.front(), false);
      out << YAML::Key << "read_replicas" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "count" << YAML::Value << t.targets.size() - 1;
      if (t.targets.size() > 1) {
        out << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
        for (std::size_t i = 1; i < t.targets.size(); ++i)
          emitTarget(out, t.targets[i], true);
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  if (!spec.regions.empty()) {
    out << YAML::Key << "regions" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : spec.regions) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << r.id;
      out << YAML::Key << "zones" << YAML::Value << YAML::Flow << r.zones << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  const models::NetworkSpec& net = spec.network;
  if (net.any()) {
    out << YAML::Key << "network" << YAML::Value << YAML::BeginMap;
    const auto latency = [&](const char* key, const std::optional<core::Distribution>& d) {
      if (!d) return;
      out << YAML::Key << key << YAML::Value;
      emitDistribution(out, *d);
    };
    latency("same_zone", net.sameZone);
    latency("cross_zone", net.crossZone);
    latency("cross_region", net.crossRegion);
    latency("client", net.client);
    if (!net.regionPairs.empty()) {
      out << YAML::Key << "between_regions" << YAML::Value << YAML::BeginSeq;
      for (const auto& p : net.regionPairs) {
        out << YAML::BeginMap << YAML::Key << "regions" << YAML::Value << YAML::Flow
            << std::vector<std::string>{p.a, p.b};
        out << YAML::Key << "latency" << YAML::Value;
        emitDistribution(out, p.latency);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!net.locations.empty()) {
      out << YAML::Key << "locations" << YAML::Value << YAML::BeginSeq;
      for (const auto& l : net.locations) {
        out << YAML::BeginMap << YAML::Key << "location" << YAML::Value << l.location;
        out << YAML::Key << "region" << YAML::Value << l.region << YAML::Key << "latency"
            << YAML::Value;
        emitDistribution(out, l.latency);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!net.links.empty()) {
      out << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
      for (const auto& l : net.links) {
        out << YAML::BeginMap << YAML::Key << "from" << YAML::Value << l.from;
        out << YAML::Key << "to" << YAML::Value << l.to << YAML::Key << "latency" << YAML::Value;
        emitDistribution(out, l.latency);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  if (!spec.faults.empty()) {
    static constexpr const char* kKinds[] = {"crash", "hang", "unreachable", "slow", "link"};
    out << YAML::Key << "faults" << YAML::Value << YAML::BeginSeq;
    for (const auto& f : spec.faults) {
      out << YAML::BeginMap;
      if (!f.name.empty()) out << YAML::Key << "name" << YAML::Value << f.name;
      out << YAML::Key << "fault" << YAML::Value << kKinds[static_cast<int>(f.kind)];
      if (!f.tier.empty()) out << YAML::Key << "tier" << YAML::Value << f.tier;
      if (!f.replicas.empty()) {
        out << YAML::Key << "replicas" << YAML::Value << YAML::Flow << f.replicas;
      }
      if (!f.zone.empty()) out << YAML::Key << "zone" << YAML::Value << f.zone;
      if (!f.region.empty()) out << YAML::Key << "region" << YAML::Value << f.region;
      out << YAML::Key << "at" << YAML::Value << formatDuration(f.at);
      if (f.duration != std::numeric_limits<double>::infinity()) {
        out << YAML::Key << "for" << YAML::Value << formatDuration(f.duration);
      }
      if (f.kind == models::FaultSpec::Kind::kLink) {
        out << YAML::Key << "from" << YAML::Value << f.linkFrom;
        out << YAML::Key << "to" << YAML::Value << f.linkTo;
        if (f.extraLatency) {
          out << YAML::Key << "latency" << YAML::Value;
          emitDistribution(out, *f.extraLatency);
        }
        if (f.errorRate > 0.0) {
          out << YAML::Key << "errors" << YAML::Value << formatNumber(f.errorRate * 100.0) + "%";
        }
      }
      if (f.kind == models::FaultSpec::Kind::kSlow) {
        out << YAML::Key << "speed" << YAML::Value << formatNumber(f.speed);
      }
      if (f.timeToFailure) {
        out << YAML::Key << "mttf" << YAML::Value;
        emitDistribution(out, *f.timeToFailure);
        out << YAML::Key << "mttr" << YAML::Value;
        emitDistribution(out, *f.timeToRepair);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lbsim::scenarios
