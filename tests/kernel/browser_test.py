#!/usr/bin/env python3
"""A real browser shows a notebook the xcpp17 kernel executed: its plot and its result table.

  1. runs notebooks/grokking.ipynb through Jupyter and the kernel (tools/run_notebook_jupyter.py);
  2. converts the executed notebook to HTML with nbconvert (what "File > Save and Export As HTML"
     writes in JupyterLab);
  3. loads the page in headless Chromium (Debian's chromium) and checks the DOM Chromium built
     after parsing it: the kernel's plot is an <img> with inline PNG data and the kernel's result
     table (show_table's text/html) is a <table> with the progress table's header cells.
With --screenshot OUT.png, Chromium also renders section 3 of the page to OUT.png (the README's
screenshot). Exit status 0 when the page shows both; otherwise what is missing is printed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import nbformat  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

import run_notebook_jupyter  # noqa: E402

NOTEBOOK = os.path.join(ROOT, "notebooks", "grokking.ipynb")
TABLE_HEADER = ["update", "train acc", "test acc", "train loss", "test loss", "excluded", "restricted",
                "weight norm", "keys"]


def chromium(args, timeout=120):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("browser test: chromium not found (Debian: apt install chromium)")
    # --no-sandbox: the sandbox needs user namespaces, which containers (and root) often lack.
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--hide-scrollbars", "--user-data-dir=" + tempfile.mkdtemp(prefix="genlab_chromium_")]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--screenshot", metavar="OUT.png")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="genlab_browser_")
    executed = os.path.join(work, "grokking.ipynb")
    if run_notebook_jupyter.run(NOTEBOOK, check=False, write=executed, timeout=600, scratch=True) != 0:
        print("browser test: the notebook did not run through the kernel -> FAIL")
        return 1
    body, _ = HTMLExporter().from_notebook_node(nbformat.read(executed, as_version=4))
    page = os.path.join(work, "grokking.html")
    with open(page, "w") as f:
        f.write(body)
    dom = chromium(["--dump-dom", "file://" + page])
    if dom.returncode != 0 or "<html" not in dom.stdout:
        print(f"browser test: chromium failed (rc={dom.returncode})\n{dom.stderr[-2000:]}")
        return 1
    html = dom.stdout
    images = re.findall(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/]{100,}', html)
    tables = re.findall(r"<table>.*?</table>", html, re.S)
    result_tables = [t for t in tables if all(f"<th>{h}</th>" in t for h in TABLE_HEADER)]
    rows = len(re.findall(r"<tr>", result_tables[0])) - 1 if result_tables else 0
    print(f"browser test: chromium's DOM has {len(images)} inline PNG image(s), {len(tables)} table(s), "
          f"the result table with {rows} row(s)")
    ok = len(images) >= 1 and rows == 9
    if not images:
        print("  missing: an <img> with inline PNG data (the kernel's display_data image/png)")
    if rows != 9:
        print("  missing: the progress table (show_table's text/html) with its 9 rows")
    if a.screenshot:
        # Section 3 alone (its prose, plots and table, code hidden), so that one window shows both.
        nb = nbformat.read(executed, as_version=4)
        first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## 3."))
        last = next(i for i, c in enumerate(nb.cells) if i > first and c.cell_type == "markdown"
                    and c.source.startswith("## "))
        nb.cells = nb.cells[first:last]
        section, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                  exclude_output_prompt=True).from_notebook_node(nb)
        section_page = os.path.join(work, "grokking_section3.html")
        with open(section_page, "w") as f:
            f.write(section)
        shot = chromium(["--window-size=900,1500", "--screenshot=" + os.path.abspath(a.screenshot),
                         "file://" + section_page])
        print(f"browser test: screenshot {a.screenshot}: rc={shot.returncode}")
        ok = ok and shot.returncode == 0 and os.path.exists(a.screenshot)
    print(f"browser test -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
