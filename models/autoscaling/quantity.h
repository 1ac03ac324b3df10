#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lbsim::models::autoscaling {

// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource.Quantity) as the HPA
// controller sees them: every value it compares is `Quantity.MilliValue()`, an int64 of
// thousandths rounded up. `500m` is 500, `1` is 1000, `1.5Gi` is 1610612736000, `100` is
// 100000. Suffixes: decimal n u m k M G T P E, binary Ki Mi Gi Ti Pi Ei, exponent e3/E3.
// Returns nullopt when the text is not a quantity or does not fit in an int64 of thousandths.
std::optional<std::int64_t> parseQuantityMilli(std::string_view text);
inline constexpr const char* kQuantityForms =
    "a Kubernetes quantity such as 100, 0.5, 500m, 1.5k, 512Mi or 1e3";

// A value in base units (cores, bytes, requests/s) as thousandths, rounded up like
// MilliValue(); exact for values that have at most three decimals.
std::int64_t toMilli(double value);

// Milli-value as Kubernetes prints it: 1500 -> "1500m", 2000 -> "2", 250 -> "250m".
std::string formatMilli(std::int64_t milli);

// A metric's milli-value in operators' units: cpu as Kubernetes prints it (450m), memory in
// binary units (300Mi, 1.5Gi), anything else as a decimal (122.666).
std::string formatMetricValue(std::int64_t milli, const std::string& metric);

}  // namespace lbsim::models::autoscaling
