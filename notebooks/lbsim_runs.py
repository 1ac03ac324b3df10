"""What the notebooks share: running `lbsim run` (one run, or a sweep of runs in parallel with
Dask) and reading its results folder into pandas.

The results folder is the one `lbsim run` writes (docs/outputs.md): summary.json, with every
figure's mean and 95% confidence interval over the replications, and timeseries.csv, tidy
(time, metric, node, class, value). Nothing here simulates: each run is the `lbsim` program,
the same as on the command line, so a figure in a notebook is the figure of that command.

The program is $LBSIM when set, else the release build's (build/release/cli/lbsim), else
`lbsim` on the PATH.
"""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def lbsim_program():
    """The lbsim program the notebooks run."""
    if os.environ.get('LBSIM'):
        return os.environ['LBSIM']
    built = ROOT / 'build' / 'release' / 'cli' / 'lbsim'
    if built.exists():
        return str(built)
    found = shutil.which('lbsim')
    if found:
        return found
    raise FileNotFoundError('no lbsim program: build it (cmake --preset release && cmake '
                            '--build --preset release) or set LBSIM to its path')


def options_argv(replicas=None, policy=None, rate=None, duration=None, replications=None,
                 seed=None, jobs=None):
    """`lbsim run`'s options for these values (the CLI's own options, by name): a dict of
    tier to value for --replicas and --policy, a single value for the others."""
    argv = []
    for tier, n in (replicas or {}).items():
        argv += ['--replicas', f'{tier}={n}']
    for tier, name in (policy or {}).items():
        argv += ['--policy', f'{tier}={name}']
    for option, value in (('--rate', rate), ('--duration', duration),
                          ('--replications', replications), ('--seed', seed), ('--jobs', jobs)):
        if value is not None:
            argv += [option, str(value)]
    return argv


def command(scenario, out, **options):
    """The `lbsim run` command line for these options (see `options_argv`)."""
    return [lbsim_program(), 'run', str(scenario), '--out', str(out), '--quiet',
            *options_argv(**options)]


def run(scenario, out=None, **options):
    """Runs `lbsim run SCENARIO` with `options` (see `command`) into the folder `out` (a new
    temporary one when None) and returns the folder. lbsim's own error message (a located
    scenario error, a refused option) is raised as a RuntimeError; an interrupted lbsim
    (Ctrl-C) as KeyboardInterrupt."""
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix='lbsim-'))
    done = subprocess.run(command(scenario, out, **options), capture_output=True, text=True)
    if done.returncode == 130:  # lbsim was interrupted (Ctrl-C reaches it too)
        raise KeyboardInterrupt(done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f'lbsim exited with {done.returncode}')
    return out


class PointFailed(RuntimeError):
    """lbsim refused one point of a sweep: `index` (from 0) and its `options`; the message is
    lbsim's."""

    def __init__(self, index, options, message):
        super().__init__(message)
        self.index = index
        self.options = options


def sweep(scenario, points, jobs=2, **common):
    """Runs the scenario once per point, up to `jobs` runs at a time (Dask, on threads: each
    run is a process of its own). `points` is a list of option dicts (see `command`), each
    added to `common`. Returns the results folders in the order of `points`.

    A point that lbsim refuses raises PointFailed, once every run under way has ended: the
    first such point in the list's order (the points after a refused one are not started;
    the ones before it all run, so which is reported does not depend on timing)."""
    import threading

    import dask

    lock = threading.Lock()
    first_failed = [len(points)]

    def one(index, options):
        with lock:
            if index > first_failed[0]:
                return None  # after a refused point: not run
        try:
            return run(scenario, **options)
        except RuntimeError as e:
            with lock:
                first_failed[0] = min(first_failed[0], index)
            return PointFailed(index, options, str(e))

    tasks = [dask.delayed(one)(i, {**common, **point}) for i, point in enumerate(points)]
    results = dask.compute(*tasks, scheduler='threads', num_workers=jobs)
    for result in results:
        if isinstance(result, PointFailed):
            raise result
    return list(results)


def summary(folder):
    """summary.json of a results folder, as a dict."""
    with open(Path(folder) / 'summary.json') as f:
        return json.load(f)


def figure(result, path):
    """One figure of a summary (a dict, or a results folder) by its path, such as
    'end_to_end/all/latency_s/p99': a dict with mean, low and high (the 95% interval; None
    with one replication)."""
    node = (result if isinstance(result, dict) else summary(result))['figures']
    for key in path.split('/'):
        node = node[key]
    low, high = node['ci95'] if node['ci95'] is not None else (None, None)
    return {'mean': node['mean'], 'low': low, 'high': high}


def figures(folders, paths, labels=None):
    """A table of figures: one row per results folder (labelled by `labels`), and for each
    path its mean and the two ends of its 95% interval (columns PATH, PATH low, PATH high)."""
    rows = []
    for i, folder in enumerate(folders):
        s = summary(folder)
        row = {} if labels is None else {'label': labels[i]}
        for path in paths:
            f = figure(s, path)
            row[path] = f['mean']
            row[path + ' low'] = f['low']
            row[path + ' high'] = f['high']
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.set_index('label') if labels is not None else table


def timeseries(folder):
    """timeseries.csv of a results folder (the mean over replications of each sample)."""
    return pd.read_csv(Path(folder) / 'timeseries.csv')
