// The traffic shape keys of the scenario language (arrivals, spikes, diurnal): what they read,
// their located errors with what is allowed, and the round trip through the writer.
#include "scenarios/traffic_shape.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lbsim::scenarios {
namespace {

struct Parsed {
  models::TrafficSpec spec;
  std::vector<std::string> errors;  // formatted diagnostics, in order
};

// Parses the `traffic` mapping of a YAML text as the loader will, in a file named t.yaml.
Parsed parse(const std::string& text) {
  const YAML::Node root = YAML::Load(text);
  yaml::Reader in("t.yaml");
  Parsed p;
  parseTrafficShape(in, root["traffic"], p.spec);
  for (const auto& d : in.diagnostics())
    p.errors.push_back(d.format());
  return p;
}

std::string firstError(const std::string& text) {
  const Parsed p = parse(text);
  return p.errors.empty() ? "(no error)" : p.errors.front();
}

TEST(TrafficShape, KeysAreTheThreeItReads) {
  EXPECT_EQ(trafficShapeKeys(), (std::vector<std::string>{"arrivals", "spikes", "diurnal"}));
}

TEST(TrafficShape, AbsentKeysLeaveTheDefaultsAndOtherKeysAlone) {
  const Parsed p = parse("traffic:\n  phases: [{duration: 1m, rate: 1/s}]\n  mix: []\n");
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.spec.process, models::ArrivalProcess::kPoisson);
  EXPECT_TRUE(p.spec.spikes.empty());
  EXPECT_FALSE(p.spec.diurnal);
}

TEST(TrafficShape, ReadsEveryArrivalProcess) {
  EXPECT_EQ(parse("traffic: {arrivals: uniform}").spec.process, models::ArrivalProcess::kUniform);
  EXPECT_EQ(parse("traffic: {arrivals: poisson}").spec.process, models::ArrivalProcess::kPoisson);
  EXPECT_EQ(parse("traffic: {arrivals: {process: uniform}}").spec.process,
            models::ArrivalProcess::kUniform);

  const Parsed h = parse("traffic:\n  arrivals: {process: hyperexponential, cv: 3}\n");
  ASSERT_TRUE(h.errors.empty()) << h.errors.front();
  EXPECT_EQ(h.spec.process, models::ArrivalProcess::kHyperexponential);
  EXPECT_EQ(h.spec.burstCv, 3.0);

  const Parsed m = parse(
      "traffic:\n"
      "  arrivals: {process: mmpp, states: [{factor: 0.5, mean_sojourn: 60s},\n"
      "                                     {factor: 4, mean_sojourn: 5s}, {factor: 0, "
      "mean_sojourn: 250ms}]}\n");
  ASSERT_TRUE(m.errors.empty()) << m.errors.front();
  EXPECT_EQ(m.spec.process, models::ArrivalProcess::kMmpp);
  ASSERT_EQ(m.spec.mmppStates.size(), 3u);
  EXPECT_EQ(m.spec.mmppStates[0].factor, 0.5);
  EXPECT_EQ(m.spec.mmppStates[0].meanSojourn, 60);
  EXPECT_EQ(m.spec.mmppStates[1].factor, 4);
  EXPECT_EQ(m.spec.mmppStates[2].factor, 0);  // an off period
  EXPECT_EQ(m.spec.mmppStates[2].meanSojourn, 0.25);
}

TEST(TrafficShape, ReadsSpikesAndBothDiurnalForms) {
  const Parsed s = parse(
      "traffic:\n"
      "  spikes: [{at: 10m, duration: 2m, factor: 10}, {at: 0, duration: 30s, factor: 0}]\n"
      "  diurnal: {period: 24h, peak_at: 14h, min_factor: 20%}\n");
  ASSERT_TRUE(s.errors.empty()) << s.errors.front();
  ASSERT_EQ(s.spec.spikes.size(), 2u);
  EXPECT_EQ(s.spec.spikes[0].at, 600);
  EXPECT_EQ(s.spec.spikes[0].duration, 120);
  EXPECT_EQ(s.spec.spikes[0].factor, 10);
  EXPECT_EQ(s.spec.spikes[1].factor, 0);
  ASSERT_TRUE(s.spec.diurnal);
  EXPECT_EQ(s.spec.diurnal->period, 86400);
  EXPECT_EQ(s.spec.diurnal->peakAt, 14 * 3600);
  EXPECT_DOUBLE_EQ(s.spec.diurnal->minFactor, 0.2);
  EXPECT_TRUE(s.spec.diurnal->points.empty());

  const Parsed p = parse("traffic:\n  diurnal: {points: [0.3, 0.25, 0, 1.0]}\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors.front();
  EXPECT_EQ(p.spec.diurnal->period, 86400);  // the default period is a day
  EXPECT_EQ(p.spec.diurnal->points, (std::vector<double>{0.3, 0.25, 0, 1.0}));
}

TEST(TrafficShape, ArrivalErrorsAreLocatedWithWhatIsAllowed) {
  const std::string forms =
      "allowed: poisson, uniform, {process: hyperexponential, cv: N}, {process: mmpp, states: "
      "[...]}";
  EXPECT_EQ(firstError("traffic:\n  arrivals: bursty\n"),
            "t.yaml:2:13: unknown arrival process 'bursty'; " + forms);
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: bursty}\n"),
            "t.yaml:2:23: unknown arrival process 'bursty'; " + forms);
  EXPECT_EQ(firstError("traffic:\n  arrivals: [poisson]\n"),
            "t.yaml:2:13: traffic arrivals must be a process name or a mapping; " + forms);
  EXPECT_EQ(firstError("traffic:\n  arrivals: mmpp\n"),
            "t.yaml:2:13: arrival process 'mmpp' needs its parameters; allowed: {process: mmpp, "
            "states: [...]}");
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: hyperexponential, cv: 0.5}\n"),
            "t.yaml:2:45: hyperexponential cv '0.5' is not valid; allowed: a number > 1 and at "
            "most 1000000 (cv 1 is poisson)");
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: hyperexponential}\n"),
            "t.yaml:2:13: missing key 'cv' in traffic arrivals");
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: hyperexponential, cv: 2, states: []}\n"),
            "t.yaml:2:48: unknown key 'states' in traffic arrivals; allowed: cv, process");
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: mmpp, states: [{factor: 1, "
                       "mean_sojourn: 1s}]}\n"),
            "t.yaml:2:37: mmpp states has 1 states; allowed: two or more {factor, mean_sojourn}");
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: mmpp, states: [{factor: 0, "
                       "mean_sojourn: 1s}, {factor: 0, mean_sojourn: 2s}]}\n"),
            "t.yaml:2:37: mmpp states all have factor 0, so nothing would arrive; allowed: at "
            "least one factor > 0");
}

TEST(TrafficShape, MmppStateErrorsAreAllReported) {
  const Parsed p = parse(
      "traffic:\n"
      "  arrivals:\n"
      "    process: mmpp\n"
      "    states:\n"
      "      - {factor: -1, mean_sojourn: 1s}\n"
      "      - {factor: 2}\n"
      "      - {factor: 2, mean_sojourn: 0s}\n"
      "      - {factor: 2, mean_sojourn: 1s, weight: 3}\n");
  ASSERT_EQ(p.errors.size(), 4u);
  EXPECT_EQ(p.errors[0],
            "t.yaml:5:18: mmpp state 1 factor '-1' is not valid; allowed: a number >= 0 (0 is an "
            "off period)");
  EXPECT_EQ(p.errors[1], "t.yaml:6:9: missing key 'mean_sojourn' in mmpp state 2");
  EXPECT_EQ(p.errors[2],
            "t.yaml:7:35: mmpp state 3 mean_sojourn must be positive, not '0s'; allowed: a "
            "duration such as 250ms, 30s, 5m, 1h");
  EXPECT_EQ(p.errors[3],
            "t.yaml:8:39: unknown key 'weight' in mmpp state 4; allowed: factor, mean_sojourn");
  EXPECT_EQ(p.spec.process, models::ArrivalProcess::kPoisson);  // unchanged
}

TEST(TrafficShape, SpikeErrorsAreLocatedAndAllReported) {
  const Parsed p = parse(
      "traffic:\n"
      "  spikes:\n"
      "    - {at: -1m, duration: 2m, factor: 10}\n"
      "    - {at: 1m, duration: 0s, factor: 10}\n"
      "    - {at: 1m, duration: 1m, factor: -3}\n"
      "    - {at: 1m, duration: 1m, factor: 2, ramp: 1m}\n"
      "    - {at: 1m, duration: 1m, factor: 2}\n");
  ASSERT_EQ(p.errors.size(), 4u);
  EXPECT_EQ(p.errors[0],
            "t.yaml:3:12: spike 1 at must be zero or positive, not '-1m'; allowed: a duration "
            "such as 250ms, 30s, 5m, 1h");
  EXPECT_EQ(p.errors[1],
            "t.yaml:4:26: spike 2 duration must be positive, not '0s'; allowed: a duration such "
            "as 250ms, 30s, 5m, 1h");
  EXPECT_EQ(p.errors[2],
            "t.yaml:5:38: spike 3 factor '-3' is not valid; allowed: a number >= 0 (10 for a 10x "
            "spike, 0 for an outage of traffic)");
  EXPECT_EQ(p.errors[3],
            "t.yaml:6:41: unknown key 'ramp' in spike 4; allowed: at, duration, factor");
  ASSERT_EQ(p.spec.spikes.size(), 1u);  // the good one
  EXPECT_EQ(firstError("traffic:\n  spikes: {at: 1m}\n"),
            "t.yaml:2:11: traffic spikes must be a list");
}

TEST(TrafficShape, DiurnalErrorsAreLocatedWithWhatIsAllowed) {
  const std::string forms =
      "{period: 24h, peak_at: 14h, min_factor: 0.2} (a cosine) or {period: 24h, points: [...]}";
  EXPECT_EQ(
      firstError("traffic:\n  diurnal: {period: 24h, points: [1, 2], min_factor: 0.2}\n"),
      "t.yaml:2:42: traffic diurnal has both points and min_factor; allowed: one form, " + forms);
  EXPECT_EQ(firstError("traffic:\n  diurnal: {period: 24h, peak_at: 2h}\n"),
            "t.yaml:2:12: missing key 'min_factor' in traffic diurnal; allowed: " + forms);
  EXPECT_EQ(firstError("traffic:\n  diurnal: {min_factor: 1.5}\n"),
            "t.yaml:2:25: traffic diurnal min_factor '1.5' is not valid; allowed: a fraction of "
            "the peak from 0 to 1 (0.2 or 20%)");
  EXPECT_EQ(firstError("traffic:\n  diurnal: {period: 24h, peak_at: 25h, min_factor: 0.5}\n"),
            "t.yaml:2:35: traffic diurnal peak_at '25h' is not within the period; allowed: a "
            "duration from 0 to less than 86400s");
  EXPECT_EQ(firstError("traffic:\n  diurnal: {period: 0s, min_factor: 0.5}\n"),
            "t.yaml:2:21: traffic diurnal period must be positive, not '0s'; allowed: a duration "
            "such as 250ms, 30s, 5m, 1h");
  // As for a state of an MMPP: every change of state is an event.
  EXPECT_EQ(firstError("traffic:\n  arrivals: {process: mmpp, states: [{factor: 2, mean_sojourn: "
                       "1ns}, {factor: 0, mean_sojourn: 1s}]}\n"),
            "t.yaml:2:64: mmpp state 1 mean_sojourn '1ns' is too short; allowed: a duration of at "
            "least 1ms");
  // A period far below the gaps between arrivals made a run step through the curve for ever
  // (a minute of 100/s under `period: 1us` had not ended after a minute of wall time).
  EXPECT_EQ(firstError("traffic:\n  diurnal: {period: 1us, min_factor: 0.5}\n"),
            "t.yaml:2:21: traffic diurnal period '1us' is too short; allowed: a duration of at "
            "least 1s (a day: 24h)");
  EXPECT_EQ(firstError("traffic:\n  diurnal: {points: [1, -0.5]}\n"),
            "t.yaml:2:25: traffic diurnal point '-0.5' is not valid; allowed: a factor >= 0");
  EXPECT_EQ(firstError("traffic:\n  diurnal: {points: [0, 0, 0]}\n"),
            "t.yaml:2:21: traffic diurnal points are all 0, so nothing would arrive; allowed: at "
            "least one factor > 0");
  EXPECT_EQ(firstError("traffic:\n  diurnal: {points: [1]}\n"),
            "t.yaml:2:21: traffic diurnal points has 1 factors; allowed: two or more factors >= "
            "0, evenly spaced over the period");
  EXPECT_EQ(firstError("traffic:\n  diurnal: {period: 24h, amplitude: 0.5}\n"),
            "t.yaml:2:26: unknown key 'amplitude' in traffic diurnal; allowed: min_factor, "
            "peak_at, period, points");
}

// What the writer emits reads back as the same values, for every form.
models::TrafficSpec roundTrip(const models::TrafficSpec& t, std::string* text = nullptr) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "traffic" << YAML::Value << YAML::BeginMap;
  emitTrafficShape(out, t);
  out << YAML::EndMap << YAML::EndMap;
  if (text) *text = out.c_str();
  const Parsed p = parse(out.c_str());
  EXPECT_TRUE(p.errors.empty()) << p.errors.front() << "\n" << out.c_str();
  return p.spec;
}

TEST(TrafficShape, RoundTripsThroughTheWriter) {
  models::TrafficSpec t;
  t.process = models::ArrivalProcess::kMmpp;
  t.mmppStates = {{0.5, 60}, {4, 0.005}, {0, 1.0 / 3}};
  t.spikes = {{600, 120, 10}, {0, 0.25, 0.1}};
  t.diurnal = models::DiurnalSpec{86400, 0, 1, {0.3, 0.25, 1.0 / 7, 1.0}};
  std::string text;
  const auto back = roundTrip(t, &text);
  EXPECT_EQ(back.process, t.process);
  ASSERT_EQ(back.mmppStates.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.mmppStates[i].factor, t.mmppStates[i].factor);
    EXPECT_EQ(back.mmppStates[i].meanSojourn, t.mmppStates[i].meanSojourn);
  }
  ASSERT_EQ(back.spikes.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.spikes[i].at, t.spikes[i].at);
    EXPECT_EQ(back.spikes[i].duration, t.spikes[i].duration);
    EXPECT_EQ(back.spikes[i].factor, t.spikes[i].factor);
  }
  EXPECT_EQ(back.diurnal->period, 86400);
  EXPECT_EQ(back.diurnal->points, t.diurnal->points);
  EXPECT_NE(text.find("spikes:\n    - {at: 600s, duration: 120s, factor: 10}"), std::string::npos)
      << text;

  models::TrafficSpec h;
  h.process = models::ArrivalProcess::kHyperexponential;
  h.burstCv = 2.5;
  h.diurnal = models::DiurnalSpec{3600, 1234.5, 0.2, {}};
  const auto hb = roundTrip(h, &text);
  EXPECT_EQ(hb.process, h.process);
  EXPECT_EQ(hb.burstCv, 2.5);
  EXPECT_EQ(hb.diurnal->period, 3600);
  EXPECT_EQ(hb.diurnal->peakAt, 1234.5);
  EXPECT_EQ(hb.diurnal->minFactor, 0.2);
  EXPECT_TRUE(hb.spikes.empty());
  EXPECT_NE(text.find("arrivals: {process: hyperexponential, cv: 2.5}"), std::string::npos) << text;

  models::TrafficSpec u;
  u.process = models::ArrivalProcess::kUniform;
  EXPECT_EQ(roundTrip(u, &text).process, models::ArrivalProcess::kUniform);
  EXPECT_EQ(text, "traffic:\n  arrivals: uniform");
}

}  // namespace
}  // namespace lbsim::scenarios
