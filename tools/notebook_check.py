"""What "a notebook's pinned outputs still hold" means, shared by both notebook runners.

tools/run_notebook.py (cells in one clang-repl-19 session) and tools/run_notebook_jupyter.py (cells
through Jupyter and the xcpp17 kernel) number cells, pick the pinned ones and compare them the same
way, from here:

  * cells are the non-empty code cells, numbered from 1 in notebook order;
  * a cell tagged "check" pins its printed text: stdout, plus the plain-text form of each table
    genlab/notebook.hpp's show_table displays (under a Jupyter kernel a table is a display_data
    with text/html and text/plain; under clang-repl the same text is printed on stdout). The fresh
    text must equal the stored one up to trailing newlines. Images, stderr (compiler warnings,
    progress) and timings are not pinned.
"""
import nbformat


def code_cells(nb):
    """(index in nb.cells, cell) of each non-empty code cell; cell n of the runners is entry n - 1."""
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]


def is_check_cell(cell):
    return "check" in cell.metadata.get("tags", [])


def printed_text(outputs):
    """A cell's printed text from its nbformat outputs (see above), trailing newlines dropped."""
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream" and o.get("name") == "stdout":
            parts.append(o.get("text", ""))
        elif o.get("output_type") in ("display_data", "execute_result") and "text/html" in o.get("data", {}):
            parts.append(o["data"].get("text/plain", ""))
    return "".join(parts).rstrip("\n")


def mismatch(stored, fresh):
    """None when a pinned cell's stdout holds, else a report of both versions."""
    stored, fresh = stored.rstrip("\n"), fresh.rstrip("\n")
    if stored == fresh:
        return None
    return f"--- stored\n{stored}\n--- fresh\n{fresh}"


def read_notebook(path, kernel="xcpp17"):
    """The validated notebook, or raises ValueError naming what is wrong with it."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    name = nb.metadata.get("kernelspec", {}).get("name")
    if name != kernel:
        raise ValueError(f"{path}: kernelspec is {name!r}; expected {kernel!r}")
    return nb
