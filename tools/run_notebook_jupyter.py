#!/usr/bin/env python3
"""Run a C++ notebook through Jupyter itself: nbclient drives the xcpp17 kernel cell by cell.

This is what `jupyter lab` does when a user runs all cells, minus the browser: a kernel is started
from its kernelspec (genlab's xcpp17 kernel, kernel/, from JUPYTER_PATH or the user's Jupyter
path), every code cell is sent as an execute_request over ZeroMQ (Jupyter messaging protocol 5.3)
and its stream, display_data and error messages are collected as the cell's outputs.

  * a cell that fails (compile error, uncaught exception) stops the run: "FAILED at cell N" with
    the kernel's error message, as tools/run_notebook.py reports it;
  * a cell that crashes the kernel (SIGSEGV, ...) stops it too, with the signal named: the kernel
    dies, nbclient notices, nothing waits for the timeout;
  * a cell that runs longer than --timeout seconds fails the run (the kernel is then shut down);
  * with --scratch, the kernel runs in a scratch mirror of the notebook's folder (everything
    linked, figures/ copied), so what cells write does not touch the checkout: two runners can
    run the same notebook at once (ctest -j runs this one beside tools/run_notebook.py);
  * with --check, cells tagged "check" must print what the notebook stores (tools/notebook_check.py,
    the comparison tools/run_notebook.py uses); with --write OUT, the executed notebook (outputs
    from the kernel, images included) is written to OUT.

Cells are numbered as tools/run_notebook.py numbers them: non-empty code cells from 1.
Exit status 0 when every cell ran (and matched, with --check), 1 otherwise.
Usage: tools/run_notebook_jupyter.py NOTEBOOK.ipynb [--check] [--write OUT] [--timeout S] [--kernel NAME]
                                     [--scratch]
"""
import argparse
import copy
import os
import shutil
import signal
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from notebook_check import code_cells, is_check_cell, mismatch, read_notebook, printed_text


def first_line(outputs):
    text = printed_text(outputs).strip()
    return text.split("\n")[0][:60] if text else ""


def kernel_exit(client):
    """'SIGSEGV', 'exit code 3', or None while the kernel process still runs."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    if process is None:
        return None
    try:
        rc = process.wait(timeout=5)
    except Exception:
        return None
    if rc < 0:
        try:
            return signal.Signals(-rc).name
        except ValueError:
            return f"signal {-rc}"
    return f"exit code {rc}"


def scratch_mirror(nbdir):
    """A temporary twin of nbdir whose relative paths (data/, ../include) resolve as in the checkout."""
    root, name = os.path.split(nbdir)
    tmp = tempfile.mkdtemp(prefix="genlab_nb_scratch_")
    for e in os.listdir(root):
        if e != name:
            os.symlink(os.path.join(root, e), os.path.join(tmp, e))
    mirror = os.path.join(tmp, name)
    os.mkdir(mirror)
    for e in os.listdir(nbdir):
        src = os.path.join(nbdir, e)
        if e == "figures" and os.path.isdir(src):
            shutil.copytree(src, os.path.join(mirror, e))  # cells write here
        else:
            os.symlink(src, os.path.join(mirror, e))
    return tmp, mirror


def run(path, check=False, write=None, timeout=900, kernel="xcpp17", scratch=False):
    try:
        nb = read_notebook(path)
    except ValueError as e:
        print(e)
        return 1
    nbdir = os.path.dirname(os.path.abspath(path))
    scratch_root = None
    if scratch:
        scratch_root, nbdir = scratch_mirror(nbdir)
    cells = code_cells(nb)
    stored = {n: copy.deepcopy(c.get("outputs", [])) for n, (_, c) in enumerate(cells, 1)}
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, startup_timeout=120,
                            resources={"metadata": {"path": nbdir}})
    failed, failure, mismatches, done = None, [], [], 0
    t0 = time.time()
    with client.setup_kernel():
        startup = time.time() - t0
        print(f"[kernel] {kernel} started in {startup:.2f}s")
        for n, (index, cell) in enumerate(cells, 1):
            t = time.time()
            status = "ok"
            try:
                client.execute_cell(cell, index)
            except CellExecutionError:
                # nbclient's message repeats the source; the cell's error output says it all.
                status, failed = "FAIL", n
                for o in cell.outputs:
                    if o.get("output_type") == "error":
                        failure = [f"{o.ename}: {o.evalue}"] + list(o.traceback)
            except CellTimeoutError:
                status, failed = "FAIL", n
                failure = [f"the cell ran longer than the {timeout:g} s timeout"]
            except DeadKernelError:
                status, failed = "FAIL", n
                how = kernel_exit(client) or "an unknown cause"
                failure = [f"the kernel died with {how} while running cell {n} (output of that cell is lost)"]
            if failed is None:
                done += 1
                if check and is_check_cell(cell):
                    report = mismatch(printed_text(stored[n]), printed_text(cell.outputs))
                    if report:
                        status = "DIFF"
                        mismatches.append((n, report))
            print(f"[cell {n:3d}] {status:5s} {time.time() - t:7.2f}s  {first_line(cell.outputs)!r}")
            if failed is not None:
                break
    wall = time.time() - t0
    if scratch_root:
        shutil.rmtree(scratch_root, ignore_errors=True)
    if failed is not None:
        print(f"{path}: FAILED at cell {failed}")
        for line in failure[:25]:
            print("  " + line)
    for n, report in mismatches:
        print(f"{path}: cell {n} output differs from the stored output\n{report}")
    ok = failed is None and not mismatches
    print(f"{os.path.basename(path)}: kernel={kernel} cells={len(cells)} done={done} startup={startup:.1f}s "
          f"wall={wall:.1f}s -> {'PASS' if ok else 'FAIL'}")
    if write:
        nbformat.validate(nb)
        tmp = write + ".tmp"
        nbformat.write(nb, tmp)
        os.replace(tmp, write)
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("--check", action="store_true", help="compare outputs of cells tagged 'check'")
    ap.add_argument("--write", metavar="OUT", help="write the executed notebook to OUT")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per cell (default 900)")
    ap.add_argument("--kernel", default="xcpp17", help="kernelspec name (default xcpp17)")
    ap.add_argument("--scratch", action="store_true", help="run in a scratch mirror of the notebook's folder")
    a = ap.parse_args()
    sys.exit(run(a.notebook, a.check, a.write, a.timeout, a.kernel, a.scratch))


if __name__ == "__main__":
    main()
