#!/usr/bin/python3
"""Runs every notebook in notebooks/ from its first cell to its last, as Jupyter would
(nbclient, the python3 kernel of ipykernel), with the lbsim program given; fails on the
first cell that raises, an assert of the notebook's own included. The notebooks are left as
they are: their outputs are not written back.

    /usr/bin/python3 tests/notebooks/run_notebooks.py build/release/cli/lbsim [NOTEBOOK...]

Needs Debian's python3-nbclient, python3-ipykernel, python3-pandas, python3-matplotlib
and python3-dask (scripts/install-deps.sh installs them).
"""
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    try:
        import nbclient
        import nbformat
    except ImportError as e:
        sys.exit(f'run_notebooks: {e}; install python3-nbclient and python3-ipykernel '
                 '(scripts/install-deps.sh)')
    os.environ['LBSIM'] = str(Path(sys.argv[1]).resolve())
    os.environ['MPLBACKEND'] = 'Agg'  # no display: figures are drawn, not shown
    os.environ['PYDEVD_DISABLE_FILE_VALIDATION'] = '1'  # the kernel's debugger's warning
    folder = ROOT / 'notebooks'
    names = sys.argv[2:] or sorted(p.name for p in folder.glob('*.ipynb'))
    if not names:
        sys.exit('run_notebooks: no notebooks in ' + str(folder))
    failed = 0
    for name in names:
        path = folder / name
        nb = nbformat.read(path, as_version=4)
        started = time.monotonic()
        try:
            nbclient.NotebookClient(nb, timeout=600, kernel_name='python3',
                                    resources={'metadata': {'path': str(folder)}}).execute()
            print(f'ok   {name} ({time.monotonic() - started:.1f} s)')
        except Exception as e:  # the cell's error, with its traceback as Jupyter shows it
            failed += 1
            print(f'FAIL {name}\n' + re.sub(r'\x1b\[[0-9;]*m', '', str(e)))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
