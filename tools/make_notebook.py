#!/usr/bin/python3
"""Build a .ipynb (kernel xcpp17) from a percent-format C++ source, as jupytext does:

    // %% [markdown]
    // # Title
    // Prose, one comment line per line.
    // %% tags=check
    std::cout << 1 + 1 << "\\n";

Cells start at `// %%` lines; `[markdown]` cells drop the leading `// `; `tags=a,b` sets cell
tags (the runner compares the output of cells tagged `check`). Outputs are added by running
`tools/run_notebook.py NB --write NB`. Usage: tools/make_notebook.py SRC.cpp OUT.ipynb
"""
import re
import sys

import nbformat


def build(src):
    cells, kind, tags, lines = [], None, [], []

    def flush():
        if kind is None:
            return
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(re.sub(r"^// ?", "", l) for l in text.split("\n"))
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif text.strip():
            c = nbformat.v4.new_code_cell(text)
            if tags:
                c.metadata["tags"] = tags
            cells.append(c)

    for line in open(src).read().split("\n"):
        m = re.match(r"^// %%(.*)$", line)
        if m:
            flush()
            rest = m.group(1)
            kind = "markdown" if "[markdown]" in rest else "code"
            t = re.search(r"tags=([\w,-]+)", rest)
            tags = t.group(1).split(",") if t else []
            lines = []
        else:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "xcpp17", "display_name": "C++17", "language": "C++17"}
    nb.metadata["language_info"] = {"name": "c++", "version": "17", "codemirror_mode": "text/x-c++src",
                                    "file_extension": ".cpp", "mimetype": "text/x-c++src"}
    nbformat.validate(nb)
    return nb


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    nbformat.write(build(sys.argv[1]), sys.argv[2])
