#!/usr/bin/python3
"""Run a C++ notebook (kernel xcpp17) headless, cell by cell, in one clang-repl-19 session.

clang-repl is the incremental engine xeus-cpp runs on, so this is what a user's kernel does:
cells execute in order in one interpreter, declarations persist across cells. The runner

  * validates the notebook (nbformat) and refuses kernel magics (%, %%, !, ?) it cannot honour;
  * turns `#pragma cling add_include_path("dir")` into -I (relative to the notebook) and
    `#pragma cling load("lib")` into LD_PRELOAD, as xeus-cling would load them;
  * writes each cell to cellNNN.cpp and sends `#include "cellNNN.cpp"` followed by a marker
    call, so a cell that fails to compile never prints its marker: status, output and time of
    every cell come from stdout;
  * stops at the first failing cell (later cells would only fail in cascade) and reports the
    cell number with the compiler's message;
  * with --check, compares each checked cell's output (cells tagged "check") with the output
    stored in the notebook; with --write OUT, stores the fresh outputs (and images announced by
    genlab/notebook.hpp) in OUT.

With --engine cling the same cells run in Cling itself (the interpreter inside xeus-cling), taken
from PyPI's cppyy: each cell goes to gInterpreter.ProcessLine as xeus-cling's kernel sends it, and
Cling honours the #pragma cling lines itself. Needs a Python with cppyy (--cling-python, default
.venv-cling/bin/python: `python3 -m venv .venv-cling && .venv-cling/bin/pip install cppyy`).

Exit status 0 when every cell ran (and matched, with --check), 1 otherwise.
Usage: tools/run_notebook.py NOTEBOOK.ipynb [--check] [--write OUT.ipynb] [--timeout S]
                             [--engine clang-repl|cling] [--cling-python PY] [-v]
"""
import argparse
import base64
import os
import re
import subprocess
import sys
import tempfile
import time

import nbformat

from notebook_check import code_cells, is_check_cell, mismatch, read_notebook, printed_text

REPL = os.environ.get("GENLAB_CLANG_REPL", "clang-repl-19")
MARK = "@@genlab-cell@@"
IMAGE = re.compile(r"^\[genlab:image/(png|svg\+xml)\] (.+)$")
PRAGMA_INCLUDE = re.compile(r'^\s*#\s*pragma\s+cling\s+add_include_path\s*\(\s*"([^"]+)"\s*\)', re.M)
PRAGMA_LOAD = re.compile(r'^\s*#\s*pragma\s+cling\s+load\s*\(\s*"([^"]+)"\s*\)', re.M)
OMP_INCLUDE = "/usr/lib/llvm-14/lib/clang/14.0.6/include"
LIB_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib", "/usr/local/lib"]


def find_library(name):
    base = name if name.startswith("lib") else "lib" + name
    for d in LIB_DIRS:
        for cand in (base, base + ".so"):
            p = os.path.join(d, cand)
            if os.path.exists(p):
                return p
        if os.path.isdir(d):
            for f in sorted(os.listdir(d)):
                if f.startswith(base + ".so"):
                    return os.path.join(d, f)
    return None


CLING_DRIVER = r"""
import ctypes, sys
import cppyy
cells = sys.argv[2:]
def process(code):
    err = ctypes.c_int(0)
    cppyy.gbl.gInterpreter.ProcessLine(code, ctypes.cast(ctypes.pointer(err), ctypes.POINTER(ctypes.c_int)))
    return err.value == 0
if not process(open(sys.argv[1]).read()) or not process("genlab_nb_mark__(0);"):
    sys.exit(3)
for n, cell in enumerate(cells, 1):
    if not process(open(cell).read()):
        sys.stdout.flush(); print(f"error: cell {n} failed in Cling", file=sys.stderr); break
    process(f"genlab_nb_mark__({n});")
sys.stdout.flush()
process("std::fflush(nullptr); std::_Exit(0);")
"""


def run(path, check=False, write=None, timeout=900, verbose=False, engine="clang-repl", cling_python=None):
    try:
        nb = read_notebook(path)
    except ValueError as e:
        print(e)
        return 1
    nbdir = os.path.dirname(os.path.abspath(path))
    cells = code_cells(nb)
    includes, preload = [], []
    for n, (_, c) in enumerate(cells, 1):
        for line in c.source.splitlines():
            if re.match(r"^\s*(%|!|\?)", line):
                print(f"{path}: cell {n}: kernel magic {line.strip()!r} is not supported by the runner")
                return 1
        for d in PRAGMA_INCLUDE.findall(c.source):
            includes.append(os.path.normpath(os.path.join(nbdir, d)))
        for lib in PRAGMA_LOAD.findall(c.source):
            p = find_library(lib)
            if p is None:
                print(f"{path}: cell {n}: #pragma cling load({lib!r}): library not found")
                return 1
            preload.append(p)
    preload.append(find_library("omp.so.5") or "")  # OpenMP runtime for -fopenmp cells
    work = tempfile.mkdtemp(prefix="genlab_nb_")
    # omp.h alone (clang-14's other resource headers would shadow clang-19's own).
    omp_dir = os.path.join(work, "omp")
    os.makedirs(omp_dir)
    if os.path.exists(os.path.join(OMP_INCLUDE, "omp.h")):
        os.symlink(os.path.join(OMP_INCLUDE, "omp.h"), os.path.join(omp_dir, "omp.h"))
    prelude = os.path.join(work, "prelude.cpp")
    with open(prelude, "w") as f:
        f.write('#include <chrono>\n#include <cstdio>\n#include <cstdlib>\n'
                # clang-19 ends each dynamically scheduled OpenMP loop with __kmpc_dispatch_deinit
                # (new in LLVM 19's runtime); Debian's libomp 14 has no such entry and needs none.
                '#if defined(__CLANG_REPL__) && defined(_OPENMP)\n'
                'extern "C" void __kmpc_dispatch_deinit(void*, int) {}\n#endif\n'
                'inline void genlab_nb_mark__(int n) {\n'
                '  std::fflush(nullptr);\n'
                '  const auto t = std::chrono::steady_clock::now().time_since_epoch();\n'
                f'  std::printf("\\n{MARK} %d %.6f\\n", n, std::chrono::duration<double>(t).count());\n'
                '  std::fflush(nullptr);\n}\n')
    inputs = [f'#include "{prelude}"\ngenlab_nb_mark__(0);']
    for n, (_, c) in enumerate(cells, 1):
        cf = os.path.join(work, f"cell{n:03d}.cpp")
        with open(cf, "w") as f:
            f.write(c.source + "\n")
        inputs.append(f'#include "{cf}"\ngenlab_nb_mark__({n});')
    inputs.append("std::fflush(nullptr); std::_Exit(0);")  # skip static destructors (clang-repl exit crash)
    cmd = [REPL, "-Xcc", "-std=c++17", "-Xcc", "-I/usr/include/eigen3",
           "-Xcc", "-fno-relaxed-template-template-args", "-Xcc", "-Wno-deprecated-declarations",
           "-Xcc", "-fopenmp", "-Xcc", f"-isystem{omp_dir}", "-Xcc", f"-DGENLAB_NOTEBOOK_DIR=\"{nbdir}\""]
    for d in includes:
        cmd += ["-Xcc", f"-I{d}"]
    env = dict(os.environ)
    env["LD_PRELOAD"] = ":".join(p for p in preload if p)
    env.setdefault("OMP_NUM_THREADS", "2")
    if engine == "cling":
        # Cling reads the pragmas itself; only Eigen's path is a kernel flag (-I in kernel.json).
        driver = os.path.join(work, "cling_driver.py")
        with open(driver, "w") as f:
            f.write(CLING_DRIVER)
        env["EXTRA_CLING_ARGS"] = "-O0 -I/usr/include/eigen3 -Wno-deprecated-declarations"
        env["LD_PRELOAD"] = ""
        cmd = [cling_python, driver, prelude] + [os.path.join(work, f"cell{n:03d}.cpp") for n in range(1, len(cells) + 1)]
        inputs = []
    t0 = time.time()
    try:
        proc = subprocess.run(cmd + inputs, cwd=nbdir, env=env, capture_output=True, text=True, timeout=timeout)
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err, rc = f"timed out after {timeout} s", 124
    wall = time.time() - t0

    # Split stdout at the markers: text before marker n is cell n's output.
    outputs, times, done = {}, {}, set()
    last_t, buf = None, []
    for line in out.split("\n"):
        if line.startswith(MARK):
            _, n, t = line.split()
            n, t = int(n), float(t)
            if n > 0:
                text = "\n".join(buf)
                outputs[n] = text[:-1] if text.endswith("\n") else text
                times[n] = t - last_t if last_t is not None else 0.0
                done.add(n)
            last_t, buf = t, []
        else:
            buf.append(line)
    errors = [l for l in err.splitlines() if "error:" in l]
    failed_cell = None
    for n in range(1, len(cells) + 1):
        if n not in done:
            failed_cell = n
            break
    mismatches = []
    for n, (_, c) in enumerate(cells, 1):
        if failed_cell is not None and n > failed_cell:
            status = "skip"  # after a failure, later cells only fail in cascade or run on bad state
        else:
            status = "ok" if n in done else "FAIL"
        if n in done and check and is_check_cell(c):
            # Image announcements are display outputs in the stored notebook, not stdout.
            fresh = "\n".join(l for l in outputs[n].split("\n") if not IMAGE.match(l))
            report = mismatch(printed_text(c.get("outputs", [])), fresh)
            if report:
                status = "DIFF"
                mismatches.append((n, report))
        t = f"{times[n]:7.2f}s" if n in times else "       -"
        first = (outputs.get(n, "").strip().split("\n") or [""])[0][:60]
        print(f"[cell {n:3d}] {status:5s} {t}  {first!r}")
    ok = rc == 0 and failed_cell is None and not errors and not mismatches
    if failed_cell is not None or errors or rc != 0:
        where = f"cell {failed_cell}" if failed_cell else "after the last cell"
        print(f"{path}: FAILED at {where} (rc={rc})")
        if rc < 0:
            import signal
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                name = f"signal {-rc}"
            print(f"  the interpreter died with {name} while running {where} (output of that cell is lost)")
        shown = [l for l in err.splitlines() if l.strip()][:25]
        for l in shown:
            print("  " + l.replace(work + "/", ""))
    for n, report in mismatches:
        print(f"{path}: cell {n} output differs from the stored output\n{report}")
    print(f"{os.path.basename(path)}: rc={rc} cells={len(cells)} done={len(done)} wall={wall:.1f}s -> "
          f"{'PASS' if ok else 'FAIL'}")
    if write and failed_cell is None:
        for n, (_, c) in enumerate(cells, 1):
            c.outputs = []
            text_lines = []
            for line in outputs.get(n, "").split("\n"):
                m = IMAGE.match(line)
                if m:
                    kind, img = m.group(1), os.path.join(nbdir, m.group(2))
                    if text_lines:
                        c.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="\n".join(text_lines) + "\n"))
                        text_lines = []
                    if kind == "png":
                        data = base64.b64encode(open(img, "rb").read()).decode()
                        c.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": data}))
                    else:
                        c.outputs.append(nbformat.v4.new_output("display_data", data={"image/svg+xml": open(img).read()}))
                else:
                    text_lines.append(line)
            if any(l for l in text_lines):
                c.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="\n".join(text_lines) + "\n"))
            c.execution_count = n
        nbformat.validate(nb)
        tmp = write + ".tmp"
        nbformat.write(nb, tmp)
        os.replace(tmp, write)
    if verbose:
        print(err)
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("--check", action="store_true", help="compare outputs of cells tagged 'check'")
    ap.add_argument("--write", metavar="OUT", help="write the notebook with fresh outputs to OUT")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--engine", choices=["clang-repl", "cling"], default="clang-repl")
    ap.add_argument("--cling-python", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                           ".venv-cling", "bin", "python"))
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    sys.exit(run(a.notebook, a.check, a.write, a.timeout, a.verbose, a.engine, a.cling_python))


if __name__ == "__main__":
    main()
