#!/usr/bin/python3
"""Mutation testing of lbsim's scenario input: takes the scenarios shipped in scenarios/,
breaks them, and checks that lbsim answers every broken file with a located error (exit 2)
or a run, never with a crash, a hang, an uncaught exception or an error that names no file.

Three modes:
  text    edits of the file's text (a line deleted, doubled or indented, a value replaced
          by a bad one, the file cut short), each checked with `lbsim check`;
  struct  edits of the parsed YAML (a key deleted, a number made negative, huge or NaN, a
          list cut or doubled, a value of the wrong shape), each checked and, when lbsim
          accepts it, run for 20 simulated seconds (`lbsim run`, one replication);
  files   the same text edits, plus a field of a CSV or log line replaced, in a file that a
          scenario or a command names: the autoscaler manifests and rules, the metric traces
          and the access log. Each broken file is read by the commands that read it:
          `lbsim check` of the scenario that names it (and, for the access log, a 20 s run),
          and `lbsim explain autoscaler` with the manifests and traces.

What it reports, once per distinct kind: a signal or an exit code from 128 up, a timeout,
output with a sanitizer's report, an assertion or a C++ exception's text, and a failure whose
message names neither the file nor lbsim. Each such file is kept in the work folder.

Usage (with the release or the asan build):
    /usr/bin/python3 scripts/fuzz-scenarios.py build/asan/cli/lbsim text 500 --seed 1
    /usr/bin/python3 scripts/fuzz-scenarios.py build/release/cli/lbsim struct 300 --seed 2
    /usr/bin/python3 scripts/fuzz-scenarios.py build/release/cli/lbsim files 500 --seed 3

Deterministic for a seed (Python's random.Random); needs python3-yaml (Debian).
"""
import argparse
import copy
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Values that are wrong somewhere: negative, zero, huge, not numbers, the wrong shape.
BAD = ['-1', '0', '-0.5', '1e300', 'nan', '.inf', '-.inf', 'abc', '""', '~', '[]', '{}',
       '[1, 2]', '99999999999999999999', '0s', '-5s', '1e-300', 'unknown_policy', '1/0s',
       '0/s', '-3/s', '100%', '1000%', '-10%', 'true', '1h2', '5 ms', '0ms', '4294967297',
       '2147483648']
# Output that means lbsim did not handle the input: a crash, a sanitizer, an exception's text.
BAD_SIGNS = ['terminate called', 'Assertion', 'AddressSanitizer', 'runtime error:',
             'Segmentation', 'std::', 'basic_string', 'what():', 'bad_variant',
             'bad_optional', 'vector::', 'internal error']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('lbsim', help='the lbsim binary')
    ap.add_argument('mode', choices=['text', 'struct', 'files'])
    ap.add_argument('count', type=int, help='how many mutants')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--work', default=None, help='work folder (default /tmp/lbsim-fuzz-MODE-SEED)')
    args = ap.parse_args()
    rng = random.Random(args.seed)
    binary = os.path.abspath(args.lbsim)
    work = args.work or f'/tmp/lbsim-fuzz-{args.mode}-{args.seed}'
    shutil.rmtree(work, ignore_errors=True)
    # The scenarios with the files they name (autoscalers, logs), so relative paths resolve.
    shutil.copytree(os.path.join(ROOT, 'scenarios'), os.path.join(work, 'scenarios'),
                    ignore=shutil.ignore_patterns('*.cc', '*.h', 'CMakeLists.txt'))
    base = os.path.join(work, 'scenarios')
    sources = sorted(p for p in os.listdir(base) if p.endswith('.yaml'))
    sources.append('examples/shop.yaml')

    def run(argv, timeout):
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=base)
            return p.returncode, p.stdout + p.stderr
        except subprocess.TimeoutExpired:
            return 'timeout', ''

    def verdict(rc, out, name):
        if rc == 'timeout':
            return 'timeout'
        if rc < 0 or rc >= 128:
            return f'signal or exit {rc}'
        for sign in BAD_SIGNS:
            if sign in out:
                return f'output has "{sign}"'
        if rc != 0 and name not in out and 'lbsim:' not in out:
            return 'an error that names no file'
        return None

    def text_mutant(text):
        lines = text.split('\n')
        kind = rng.randrange(7)
        candidates = [i for i, l in enumerate(lines) if l.strip() and not l.strip().startswith('#')]
        i = rng.choice(candidates)
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[i])
        elif kind == 2:
            return text[:rng.randrange(len(text))]
        elif kind == 3:
            lines[i] = '  ' + lines[i]
        else:
            values = list(re.finditer(r'(?<=[:\[,{] )[^,\]\}#\n]+', lines[i]))
            if not values:
                lines[i] += ' ' + rng.choice(BAD)
            else:
                v = rng.choice(values)
                lines[i] = lines[i][:v.start()] + rng.choice(BAD) + lines[i][v.end():]
        return '\n'.join(lines)

    def field_mutant(text):
        # A CSV or log line with one of its fields (split on commas or spaces) replaced.
        lines = text.split('\n')
        candidates = [i for i, l in enumerate(lines) if l.strip() and not l.startswith('#')]
        i = rng.choice(candidates)
        sep = ',' if lines[i].count(',') >= 2 else ' '
        fields = lines[i].split(sep)
        j = rng.randrange(len(fields))
        kind = rng.randrange(4)
        if kind == 0:
            fields[j] = rng.choice(BAD + ['', '"', '[', '-', '1e309', '0x10', ' ', '\t'])
        elif kind == 1:
            del fields[j]
        elif kind == 2:
            fields.insert(j, fields[j])
        else:
            fields[j] = fields[j][:rng.randrange(len(fields[j]) + 1)]
        lines[i] = sep.join(fields)
        return '\n'.join(lines)

    # files mode: each data file with the commands that read it (paths relative to base).
    def explain(flag, rules, metrics='autoscaling/spike-10x.csv', *extra):
        return ['explain', 'autoscaler', flag, rules, '--metrics', metrics, *extra]

    readers = {
        'autoscaling/user-service-hpa.yaml': [
            ['check', 'spike-10x-hpa.yaml'], explain('--hpa', 'autoscaling/user-service-hpa.yaml')],
        'autoscaling/enrollment-service-hpa.yaml': [
            explain('--hpa', 'autoscaling/enrollment-service-hpa.yaml')],
        'autoscaling/user-service-asg.yaml': [
            ['check', 'spike-10x-asg.yaml'], explain('--asg', 'autoscaling/user-service-asg.yaml')],
        'autoscaling/user-service-asg-step.yaml': [
            explain('--asg', 'autoscaling/user-service-asg-step.yaml')],
        'autoscaling/auto-scale-script.yaml': [
            ['check', 'spike-10x-script.yaml'],
            explain('--script', 'autoscaling/auto-scale-script.yaml')],
        'autoscaling/spike-10x.csv': [explain('--hpa', 'autoscaling/user-service-hpa.yaml')],
        'autoscaling/per-pod-sample.csv': [
            explain('--hpa', 'autoscaling/user-service-hpa.yaml', 'autoscaling/per-pod-sample.csv',
                    '--requests', 'cpu=500m,memory=512Mi')],
        'logs/sample-access.log': [
            ['check', 'cerebrum-replay.yaml'],
            ['run', 'cerebrum-replay.yaml', '--quiet', '--replications', '1', '--duration',
             '20s', '--out', os.path.join(work, 'out')]],
    }

    def nodes(node, path=()):
        out = [(path, node)]
        if isinstance(node, dict):
            for k, v in node.items():
                out += nodes(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out += nodes(v, path + (i,))
        return out

    def put(doc, path, value, delete=False):
        for p in path[:-1]:
            doc = doc[p]
        if delete:
            del doc[path[-1]]
        else:
            doc[path[-1]] = value

    def struct_mutant(doc):
        doc = copy.deepcopy(doc)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            path, node = rng.choice([n for n in nodes(doc) if n[0]])
            kind = rng.randrange(6)
            if kind == 0:
                put(doc, path, None, delete=True)
            elif kind == 1 and isinstance(node, (int, float)) and not isinstance(node, bool):
                put(doc, path, rng.choice([-1, 0, 1e300, float('nan'), 1e-300, 2**40, -2**31, 0.5]))
            elif kind == 2 and isinstance(node, str):
                m = re.match(r'^([\d.]+)(.*)$', node)
                put(doc, path, rng.choice(['0', '-1', '1e12', '0.000001', '1e400']) + m.group(2)
                    if m else rng.choice(['', 'zzz', node + 'x', node.upper()]))
            elif kind == 3 and isinstance(node, list) and node:
                put(doc, path, node[:rng.randrange(len(node))] if rng.random() < 0.7 else node + node)
            elif kind == 4:
                put(doc, path, rng.choice([None, [], {}, 'x', 0, -1, [1], {'a': 1}]))
            else:
                put(doc, path, yaml.safe_load(rng.choice(BAD)))
        if isinstance(doc, dict):  # short runs
            doc['duration'] = '20s'
            if 'warmup' in doc:
                doc['warmup'] = '2s'
            doc['replications'] = 1
        return doc

    seen = {}
    tally = {}

    def report(n, source, stage, rc, out, problem, path):
        tally[f'{stage} exit {rc}'] = tally.get(f'{stage} exit {rc}', 0) + 1
        if problem:
            last = out.strip().split('\n')[-1][:160] if out.strip() else ''
            key = hashlib.md5((problem + last).encode()).hexdigest()[:8]
            if key not in seen:
                kept = os.path.join(work, f'finding-{n}-{key}-{os.path.basename(source)}')
                shutil.copy(path, kept)
                seen[key] = kept
                print(f'mutant {n} of {source} ({stage}): {problem}\n  {out.strip()[-400:]}\n'
                      f'  kept as {kept}', flush=True)

    if args.mode == 'files':
        for n in range(args.count):
            source = rng.choice(sorted(readers))
            path = os.path.join(base, source)
            original = open(path).read()
            mutated = field_mutant(original) if (source.endswith(('.csv', '.log')) and
                                                 rng.random() < 0.6) else text_mutant(original)
            with open(path, 'w') as f:
                f.write(mutated)
            for argv in readers[source]:
                stage = argv[0]
                rc, out = run([binary] + argv, 300 if stage == 'run' else 60)
                # The error must name the broken file (or the scenario that names it).
                problem = verdict(rc, out, os.path.basename(source))
                report(n, source, stage, rc, out, problem, path)
                if problem:
                    break
            with open(path, 'w') as f:
                f.write(original)

    for n in range(args.count if args.mode != 'files' else 0):
        source = rng.choice(sources)
        text = open(os.path.join(base, source)).read()
        name = os.path.join(os.path.dirname(source), f'mutant-{n}.yaml')
        if args.mode == 'text':
            mutated = text_mutant(text)
        else:
            doc = yaml.safe_load(text)
            mutated = yaml.safe_dump(struct_mutant(doc), sort_keys=False)
        with open(os.path.join(base, name), 'w') as f:
            f.write(mutated)
        stage = 'check'
        rc, out = run([binary, 'check', name], 60)
        problem = verdict(rc, out, name)
        if args.mode == 'struct' and problem is None and rc == 0:
            stage = 'run'
            rc, out = run([binary, 'run', name, '--quiet', '--out', os.path.join(work, 'out')], 300)
            problem = verdict(rc, out, name)
        report(n, source, stage, rc, out, problem, os.path.join(base, name))
        os.remove(os.path.join(base, name))
    print(f'{args.count} mutants, {len(seen)} distinct findings; ' +
          ', '.join(f'{k}: {v}' for k, v in sorted(tally.items())))
    return 1 if seen else 0


if __name__ == '__main__':
    sys.exit(main())
