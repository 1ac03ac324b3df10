#!/usr/bin/python3
"""A parameter sweep: `lbsim run` over every combination of the values given, up to --jobs
runs at a time (Dask), and one tidy CSV of the figures of every run.

    /usr/bin/python3 scripts/sweep.py scenarios/examples/shop.yaml \\
        --replicas app=2,3,4 --policy app=round_robin,least_conn --jobs 2 --out sweep.csv

Each point of the grid is the command `lbsim run SCENARIO --replicas app=3 --policy
app=least_conn ...`, so each row is what that command reports; --duration, --replications
and --seed (a single value each) apply to every point. A list given to --seed sweeps the
seed as well. The CSV has one row per point and figure:

    point,replicas:app,policy:app,figure,mean,low,high

(`low` and `high`: the 95% confidence interval over the replications; empty with one). The
rows come in grid order whatever --jobs is, so the file is the same bytes for any --jobs.
--keep DIR keeps each point's results folder (DIR/point-1, ...); otherwise they are removed.

Exit status: 0; 2 when a value is malformed or lbsim refuses a point (its message, with
the point's options, is printed); 130 when interrupted (Ctrl-C), with no CSV written. Needs Debian's python3-dask and python3-pandas
(scripts/install-deps.sh); runs the release build's lbsim, or $LBSIM.
"""
import argparse
import csv
import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'notebooks'))
import lbsim_runs as lb  # noqa: E402 (the notebooks' helpers: run, sweep, summary)

DEFAULT_FIGURES = ['end_to_end/all/latency_s/p50', 'end_to_end/all/latency_s/p95',
                   'end_to_end/all/latency_s/p99', 'end_to_end/all/throughput_rps',
                   'end_to_end/all/error_ratio']


def tier_values(option, texts):
    """--replicas/--policy TIER=V1,V2 (repeatable) as {tier: [V1, V2]}."""
    out = {}
    for text in texts or []:
        tier, sep, values = text.partition('=')
        items = [v for v in values.split(',') if v]
        if not sep or not tier or not items:
            raise ValueError(f"{option} '{text}' must be TIER=VALUE[,VALUE...]")
        if tier in out:
            raise ValueError(f'{option}: tier {tier} is given twice')
        out[tier] = items
    return out


def grid(args):
    """The axes (name, option key, tier or None, values) and the points in grid order."""
    axes = []
    for tier, values in tier_values('--replicas', args.replicas).items():
        axes.append((f'replicas:{tier}', 'replicas', tier, values))
    for tier, values in tier_values('--policy', args.policy).items():
        axes.append((f'policy:{tier}', 'policy', tier, values))
    for name in ('rate', 'seed'):
        text = getattr(args, name)
        if text:
            values = [v for v in text.split(',') if v]
            if not values:
                raise ValueError(f"--{name} '{text}' has no value")
            axes.append((name, name, None, values))
    points = []
    for combination in itertools.product(*[axis[3] for axis in axes]):
        options = {}
        for (_, key, tier, _), value in zip(axes, combination):
            if tier is None:
                options[key] = value
            else:
                options.setdefault(key, {})[tier] = value
        points.append((combination, options))
    return axes, points


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('scenario')
    ap.add_argument('--replicas', action='append', metavar='TIER=N[,N...]')
    ap.add_argument('--policy', action='append', metavar='TIER=NAME[,NAME...]')
    ap.add_argument('--rate', metavar='R[,R...]', help='constant arrival rates, e.g. 100/s,200/s')
    ap.add_argument('--seed', metavar='N[,N...]')
    ap.add_argument('--duration')
    ap.add_argument('--replications', type=int)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1,
                    help='runs at a time (default: the number of cores)')
    ap.add_argument('--figures', default=','.join(DEFAULT_FIGURES),
                    help='figure paths of summary.json, comma-separated (docs/outputs.md)')
    ap.add_argument('--out', default='sweep.csv', help='the CSV to write (default sweep.csv)')
    ap.add_argument('--keep', metavar='DIR', help="keep each point's results folder in DIR")
    args = ap.parse_args()
    try:
        if args.jobs < 1:
            raise ValueError('--jobs must be 1 or more')
        if args.replications is not None and args.replications < 1:
            raise ValueError('--replications must be 1 or more')
        if not Path(args.scenario).is_file():
            raise ValueError(f'{args.scenario}: no such file')
        axes, points = grid(args)
        figures = [f for f in args.figures.split(',') if f]
        if not figures:
            raise ValueError('--figures names no figure')
    except ValueError as e:
        print(f'sweep: {e}', file=sys.stderr)
        return 2

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix='lbsim-sweep-'))
    work.mkdir(parents=True, exist_ok=True)
    common = {'duration': args.duration, 'replications': args.replications}
    runs = [{**common, **options, 'out': work / f'point-{i + 1}'}
            for i, (_, options) in enumerate(points)]
    try:
        try:
            folders = lb.sweep(args.scenario, runs, jobs=args.jobs)
        except lb.PointFailed as e:
            options = ' '.join(lb.options_argv(**points[e.index][1]))
            print(f'sweep: lbsim refused point {e.index + 1} ({options}):'
                  f'\n{e}', file=sys.stderr)
            return 2
        rows = []
        for i, ((combination, _), folder) in enumerate(zip(points, folders)):
            s = lb.summary(folder)
            for path in figures:
                try:
                    f = lb.figure(s, path)
                except KeyError:
                    print(f"sweep: no figure '{path}' in {args.scenario}'s results; the paths "
                          'are those of summary.json (docs/outputs.md)', file=sys.stderr)
                    return 2
                rows.append([i + 1, *combination, path, *(
                    '' if v is None else repr(float(v)) for v in (f['mean'], f['low'], f['high']))])
        # Written beside and moved in place: an interrupted sweep leaves no complete-looking file.
        out = Path(args.out)
        partial = out.with_name(out.name + '.partial')
        with open(partial, 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['point', *[axis[0] for axis in axes], 'figure', 'mean', 'low', 'high'])
            w.writerows(rows)
        os.replace(partial, out)
        print(f'sweep: {len(points)} points x {len(figures)} figures in {out}')
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # Ctrl-C reaches the lbsim runs too (they write nothing); the CSV is not written.
        print('sweep: interrupted; no CSV written', file=sys.stderr)
        sys.exit(130)
