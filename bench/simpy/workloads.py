#!/usr/bin/python3
"""SimPy 3's entry of bench/compare.sh: the workloads of bench/workload_params.h in SimPy.

Run it with Debian's interpreter and python3-simpy3 (bench/install-bench-deps.sh):

    /usr/bin/python3 bench/simpy/workloads.py --workload mm1 --customers 200000

The network, the options and the result line (bench/workload_params.h) are the same as the C++ engines': Poisson
arrivals at --rate; --tiers tiers in series; each tier has --replicas replicas picked in
round robin (0, 1, ..., R-1, 0, ...) when a customer enters the tier; each replica is a
simpy.Resource of --servers capacity (FIFO) with exponential service of mean
--mean-service. The run covers [0, customers / rate] of simulated time from an empty
network; customers counted are those that left the last tier by then.

It is written the way SimPy is meant to be used: one process per customer that requests
each replica in turn and holds it for a timeout. kernel_events is -1: SimPy does not count
the events it processes. wall_s is the time of env.run alone.
"""

import argparse
import platform
import random
import sys
import time

try:
    import simpy
except ImportError:
    sys.exit("workloads.py: SimPy is not installed for this interpreter "
             "(bench/install-bench-deps.sh installs Debian's python3-simpy3)")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="custom")
    parser.add_argument("--tiers", type=int, default=1)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.9)
    parser.add_argument("--mean-service", type=float, default=1.0)
    parser.add_argument("--customers", type=float, default=1e5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if min(args.tiers, args.replicas, args.servers) < 1 or min(
            args.rate, args.mean_service, args.customers) <= 0:
        parser.error("tiers, replicas, servers, rate, mean-service, customers must be > 0")
    return args


class Network:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.rng = random.Random(args.seed)
        self.stations = [[simpy.Resource(env, capacity=args.servers)
                          for _ in range(args.replicas)] for _ in range(args.tiers)]
        self.next_replica = [0] * args.tiers
        self.completed = 0
        self.sojourn_sum = 0.0

    def source(self):
        env, rng, rate = self.env, self.rng, self.args.rate
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(self.customer())

    def customer(self):
        env, rng = self.env, self.rng
        service_rate = 1.0 / self.args.mean_service
        replicas = self.args.replicas
        created = env.now
        for tier, replicas_of_tier in enumerate(self.stations):
            r = self.next_replica[tier]
            self.next_replica[tier] = r + 1 if r + 1 < replicas else 0
            with replicas_of_tier[r].request() as request:
                yield request
                yield env.timeout(rng.expovariate(service_rate))
        self.completed += 1
        self.sojourn_sum += env.now - created


def main(argv):
    args = parse_args(argv)
    env = simpy.Environment()
    network = Network(env, args)
    env.process(network.source())
    start = time.perf_counter()
    env.run(until=args.customers / args.rate)
    wall = time.perf_counter() - start
    mean = network.sojourn_sum / network.completed if network.completed else float("nan")
    print(f"engine=simpy workload={args.workload} customers={network.completed} "
          f"kernel_events=-1 wall_s={wall:.6f} mean_sojourn={mean:.6f} "
          f"version=SimPy {simpy.__version__}, Python {platform.python_version()}")


if __name__ == "__main__":
    main(sys.argv[1:])
