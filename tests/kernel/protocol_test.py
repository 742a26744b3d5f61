#!/usr/bin/env python3
"""genlab's xcpp17 kernel (kernel/) speaks the Jupyter messaging protocol (5.3) as a client sees it.

Drives the kernel with jupyter_client (the library JupyterLab's server uses) and checks each
request the kernel implements:
  kernel_info      protocol 5.3, language c++;
  execute          stdout and stderr arrive as stream messages, declarations persist across cells;
                   a compile error is an error reply naming "In [n]:line:col" and the message;
                   an uncaught exception is an error naming what(); the kernel survives both;
  display          genlab/notebook.hpp's show_image (PNG, SVG) and show_table / matrix_table
                   (Eigen), array_table (xtensor) become display_data with image/png, image/svg+xml, text/html + text/plain,
                   in order with the text printed around them;
  silent           a silent request runs and publishes nothing;
  interrupt        SIGINT abandons a running cell (KeyboardInterrupt) and the next cell runs;
  complete         names from earlier cells complete;
  is_complete      an open brace is incomplete;
  restart          a new kernel process with a fresh session.
Exit status 0 when all hold; otherwise the failed check is printed. Needs JUPYTER_PATH to find
the kernelspec (ctest points it at build-kernel/share/jupyter).
"""
import os
import sys
import tempfile
import threading
import time

import jupyter_client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def expect(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def run(kc, code, timeout=120):
    """(reply content, [(msg_type, content)] of the cell's iopub outputs)."""
    outputs = []

    def hook(msg):
        if msg["msg_type"] in ("stream", "display_data", "execute_result", "error"):
            outputs.append((msg["msg_type"], msg["content"]))

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return reply["content"], outputs


def stdout_of(outputs):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")


def main():
    work = tempfile.mkdtemp(prefix="genlab_kernel_test_")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="xcpp17", startup_timeout=120, cwd=work)
    try:
        kc.kernel_info()
        info = kc.get_shell_msg(timeout=30)["content"]
        expect(info.get("protocol_version") == "5.3" and info["language_info"]["name"] == "c++",
               f"kernel_info: protocol {info.get('protocol_version')}, language {info['language_info'].get('name')}")

        r, out = run(kc, '#include <cstdio>\n#include <iostream>\nint kept = 41;\n'
                         'std::cout << "to stdout" << std::endl;\nstd::fprintf(stderr, "to stderr\\n");')
        expect(r["status"] == "ok", "execute: a cell with output runs")
        expect(("stream", {"name": "stdout", "text": "to stdout\n"}) in out, "execute: std::cout is a stdout stream")
        expect(any(t == "stream" and c["name"] == "stderr" and "to stderr" in c["text"] for t, c in out),
               "execute: fprintf(stderr) is a stderr stream")
        r, out = run(kc, 'std::printf("%d\\n", kept + 1);')
        expect(stdout_of(out) == "42\n", "execute: declarations persist across cells (printf too)")

        r, out = run(kc, 'int ok_line = 1;\nint broken = not_declared_anywhere;')
        n = r.get("execution_count")
        errors = [c for t, c in out if t == "error"]
        expect(r["status"] == "error" and errors and f"In [{n}]:2:14" in errors[0]["evalue"]
               and "not_declared_anywhere" in errors[0]["evalue"],
               f"compile error: error reply naming the cell and line ({errors[0]['evalue'] if errors else r})")
        r, out = run(kc, '#include <stdexcept>\nthrow std::runtime_error("thrown on purpose");')
        expect(r["status"] == "error" and "thrown on purpose" in r.get("evalue", ""),
               f"uncaught exception: error naming what() ({r.get('evalue')})")
        r, out = run(kc, 'std::cout << kept << std::endl;')
        expect(stdout_of(out) == "41\n", "the kernel survives errors with its state")

        inc = os.path.join(ROOT, "include")
        r, out = run(kc, f'#pragma cling add_include_path("{inc}")\n#include <genlab/notebook.hpp>\n#include <Eigen/Core>\n#include <fstream>')
        expect(r["status"] == "ok", f"#pragma cling add_include_path and genlab/notebook.hpp ({r.get('evalue')})")
        png = os.path.join(ROOT, "notebooks", "figures", "grokking_loss.png")
        svg = os.path.join(ROOT, "notebooks", "figures", "grokking_loss.svg")
        r, out = run(kc, f'std::cout << "engine " << genlab::notebook::engine() << std::endl;\n'
                         f'genlab::notebook::show_image("{png}");\n'
                         f'std::cout << "between" << std::endl;\n'
                         f'genlab::notebook::show_image("{svg}");\n'
                         'Eigen::Matrix2d m;\nm << 1, 2.5, -3, 4;\n'
                         'genlab::notebook::show_table(genlab::notebook::matrix_table(m));')
        kinds = [(t, sorted(c["data"]) if t == "display_data" else c["text"]) for t, c in out]
        expect(kinds == [("stream", "engine xeus\n"), ("display_data", ["image/png"]), ("stream", "between\n"),
                         ("display_data", ["image/svg+xml"]), ("display_data", ["text/html", "text/plain"])],
               f"display: PNG, SVG and an Eigen table in order with the text ({kinds})")
        tables = [c["data"] for t, c in out if t == "display_data" and "text/html" in c["data"]]
        expect(bool(tables) and "<table>" in tables[0]["text/html"] and "<td>2.5</td>" in tables[0]["text/html"]
               and "-3" in tables[0]["text/plain"], "display: the matrix as an HTML table with its text form")
        pngs = [c["data"]["image/png"] for t, c in out if t == "display_data" and "image/png" in c["data"]]
        expect(bool(pngs) and pngs[0].startswith("iVBORw0KGgo"), "display: the PNG is base64 of a PNG file")
        r, out = run(kc, '#include <xtensor/xtensor.hpp>\nxt::xtensor<double, 2> xa = {{1, 2}, {3, 0.25}};\n'
                         'genlab::notebook::show_table(genlab::notebook::array_table(xa));')
        html = [c["data"].get("text/html", "") for t, c in out if t == "display_data"]
        expect(r["status"] == "ok" and len(html) == 1 and "<td>0.25</td>" in html[0],
               f"display: an xtensor array as an HTML table ({r.get('evalue')})")

        outputs = []
        reply = kc.execute_interactive('std::cout << "not shown" << std::endl; ++kept;', silent=True, timeout=60,
                                       output_hook=lambda m: outputs.append(m["msg_type"]))
        r, out = run(kc, 'std::cout << kept << std::endl;')
        expect(reply["content"]["status"] == "ok" and "stream" not in outputs and stdout_of(out) == "42\n",
               f"silent: the code runs and publishes nothing ({outputs})")
        r, out = run(kc, '--kept;')

        r, out = run(kc, 'volatile long spins = 0;')
        timer = threading.Timer(2.0, km.interrupt_kernel)
        timer.start()
        t0 = time.time()
        r, out = run(kc, 'for (;;) ++spins;', timeout=60)
        expect(r["status"] == "error" and r.get("ename") == "KeyboardInterrupt" and time.time() - t0 < 30,
               f"interrupt: an endless loop is abandoned ({r.get('ename')}, {time.time() - t0:.1f}s)")
        r, out = run(kc, 'std::cout << (spins > 0) << " " << kept << std::endl;')
        expect(stdout_of(out) == "1 41\n", "interrupt: the next cell runs with the state kept")

        kc.complete("int x = kep", 11)
        matches = kc.get_shell_msg(timeout=30)["content"].get("matches", [])
        expect("kept" in matches, f"complete: 'kep' -> {matches}")
        kc.is_complete("void f() {")
        expect(kc.get_shell_msg(timeout=30)["content"].get("status") == "incomplete", "is_complete: an open brace")

        pid = km.provisioner.process.pid
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=120)
        r, out = run(kc, 'kept;')
        r2, out2 = run(kc, '#include <iostream>\nstd::cout << "fresh" << std::endl;')
        expect(km.provisioner.process.pid != pid and r["status"] == "error" and stdout_of(out2) == "fresh\n",
               "restart: a new kernel process, earlier declarations gone, new cells run")
    finally:
        km.shutdown_kernel(now=False)
    print(f"kernel protocol: {len(failures)} failure(s) -> {'FAIL' if failures else 'PASS'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
