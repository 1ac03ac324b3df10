#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/simulator.h"
#include "models/autoscaling/aws_step_scaling.h"
#include "models/autoscaling/hpa_behavior.h"

namespace lbsim::models::autoscaling {

// Amazon EC2 Auto Scaling target tracking. AWS publishes the rules but not the arithmetic;
// what lbsim assumes is marked "assumed" and listed in docs/autoscaling.md.
//
// Published (EC2 Auto Scaling User Guide, "Target tracking scaling policies", "Set the
// default instance warmup", Application Auto Scaling "TargetTrackingScalingPolicyConfiguration"):
// - several policies: the group scales out if any policy is ready to scale out, and in only
//   if every policy with scale-in enabled is ready to scale in;
// - insufficient data neither scales out nor in;
// - while instances warm up they do not count toward the aggregated metric; scale-out then
//   happens only if the metric of the other instances is above the target, and scale-in is
//   blocked until they finish;
// - the warm-up is the policy's EstimatedInstanceWarmup, else the group's
//   DefaultInstanceWarmup, else its DefaultCooldown;
// - ScaleOutCooldown / ScaleInCooldown (Application Auto Scaling; not properties of an EC2
//   group's policy): during a scale-out cooldown the capacity just added counts toward the
//   next scale-out, so only a larger one proceeds; a scale-in cooldown blocks scale-in but
//   not scale-out.
// Assumed:
// - the new capacity is ceil(counted instances x metric / target), the proportional rule;
// - the alarms AWS creates: AlarmHigh when the last 3 one-minute datapoints are above the
//   target, AlarmLow when the last 15 are below 90% of it (as the alarms appear in
//   CloudWatch; AWS says not to edit them and does not document them);
// - between scale-ins the policy waits its ScaleInCooldown, else the group's DefaultCooldown
//   ("scales in gradually").

struct TargetTrackingPolicy {
  std::string name;
  std::string metric;  // ASGAverageCPUUtilization, ALBRequestCountPerTarget, or a custom name
  double targetValue = 0.0;
  bool disableScaleIn = false;
  std::optional<double> estimatedInstanceWarmup;  // seconds
  std::optional<double> scaleOutCooldown;
  std::optional<double> scaleInCooldown;
  bool operator==(const TargetTrackingPolicy&) const = default;
};

// The CloudWatch alarms target tracking creates (assumed, see above).
struct TargetTrackingAlarms {
  double period = 60.0;      // one datapoint per minute
  int highDatapoints = 3;    // AlarmHigh: this many consecutive datapoints above the target
  int lowDatapoints = 15;    // AlarmLow: this many consecutive datapoints below ...
  double lowFraction = 0.9;  // ... this fraction of the target
  bool operator==(const TargetTrackingAlarms&) const = default;
};

struct AsgSpec {
  std::string name;
  std::int32_t minSize = 1;
  std::int32_t maxSize = 1;
  std::optional<std::int32_t> desiredCapacity;
  double defaultCooldown = 300.0;
  std::optional<double> defaultInstanceWarmup;
  std::vector<TargetTrackingPolicy> policies;
  std::vector<StepScalingPolicy> stepPolicies;  // step and simple scaling
  TargetTrackingAlarms alarms;
  // HealthCheckType ELB: an instance that the load balancer's health checks find unhealthy
  // is replaced (terminated, and a new one launched) once HealthCheckGracePeriod has passed
  // since it entered InService. EC2 (the default) looks only at the instance's status
  // checks, which a failed process does not fail. The grace period defaults to 0 for a group
  // made through the API or CloudFormation (300 s only in the console).
  bool elbHealthCheck = false;
  double healthCheckGracePeriod = 0.0;
  bool operator==(const AsgSpec&) const = default;
};

// The warm-up of instances launched by `policy`.
double instanceWarmup(const AsgSpec& group, const TargetTrackingPolicy& policy);
double instanceWarmup(const AsgSpec& group, const StepScalingPolicy& policy);

// ceil(capacity x metric / target) (assumed), guarded against floating-point noise.
std::int32_t targetTrackingCapacity(std::int32_t countedCapacity, double metric, double target);

enum class AlarmState { kInsufficientData, kOk, kHigh, kLow };
const char* toString(AlarmState state);

// The alarm state after the datapoints (oldest first; NaN is a missing datapoint).
AlarmState targetTrackingAlarm(const std::deque<double>& datapoints, double target,
                               const TargetTrackingAlarms& alarms);

// The group as the policies see it: the desired capacity and the instances that count
// toward the metric (in service and warmed up) and those still warming up.
struct AsgState {
  std::int32_t desiredCapacity = 0;
  std::int32_t countedInstances = 0;
  std::int32_t warmingInstances = 0;
};

// One policy's part of an evaluation.
struct PolicyEvaluation {
  std::string policy;
  std::string metric;
  std::optional<double> value;
  double target = 0.0;
  AlarmState alarm = AlarmState::kInsufficientData;
  std::optional<std::int32_t> proposal;  // the capacity the policy asks for
};

// One step or simple scaling policy's part of an evaluation.
struct StepEvaluation {
  std::string policy;
  std::string metric;
  std::optional<double> value;
  double threshold = 0.0;
  std::optional<bool> alarm;         // ALARM, OK, or no state yet
  std::optional<Decision> proposal;  // what the policy did when invoked
};

// One evaluation of the group's scaling policies. When several act at once the group takes
// the one giving the largest capacity (for scale-out and scale-in alike).
struct AsgDecision {
  double time = 0.0;
  std::int32_t desiredBefore = 0;
  std::int32_t desiredCapacity = 0;
  bool changed = false;
  Decision decision;  // {capacity, reason, message}
  std::vector<PolicyEvaluation> policies;
  std::vector<StepEvaluation> steps;
};

// Combines the policies' proposals (pure): out if any asks for more than the desired
// capacity (the largest), in only if all scale-in-enabled policies ask for less (the
// largest of theirs), within MinSize/MaxSize. Reasons: ScaleOut, AlreadyScaledOut, ScaleIn,
// ScaleInWarmup, ScaleInCooldown, NotAllPoliciesScaleIn, AtMaxSize, AtMinSize, NoChange,
// NoAlarm.
struct ScaleInGate {
  bool warming = false;     // an instance is warming up
  bool inCooldown = false;  // within the scale-in cooldown
};
Decision combineTargetTrackingProposals(const AsgSpec& group,
                                        const std::vector<PolicyEvaluation>& evaluations,
                                        std::int32_t desiredCapacity, const ScaleInGate& gate);

// The metric each policy tracks, aggregated over the counted instances.
class AsgMetricsSource {
 public:
  virtual ~AsgMetricsSource() = default;
  virtual std::optional<double> metric(const std::string& name) const = 0;
};

// The scaling policies of one group (target tracking, step and simple scaling): called once
// per alarm period with the group's state; keeps the alarms' datapoints and the times of the
// last scaling activities.
class TargetTrackingController {
 public:
  TargetTrackingController(AsgSpec group, const core::Clock& clock);
  AsgDecision evaluate(const AsgState& state, const AsgMetricsSource& source);
  const AsgSpec& group() const { return group_; }

 private:
  AsgSpec group_;
  const core::Clock* clock_;
  std::vector<std::deque<double>> datapoints_;      // per policy, newest last
  std::vector<std::deque<double>> stepDatapoints_;  // per step policy, newest last
  std::optional<double> lastScaleIn_;
  std::optional<double> lastScaleOut_;
  std::optional<double> lastActivity_;
};

}  // namespace lbsim::models::autoscaling
