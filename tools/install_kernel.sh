#!/usr/bin/env bash
# One command from a Debian 12 checkout to JupyterLab with genlab's C++17 kernel:
#   1. the library's Debian packages (tools/deps.sh) and the kernel's (xeus, clang 19's interpreter);
#   2. JupyterLab, nbclient and nbconvert from PyPI in a virtual environment (the library itself
#      stays Debian-only);
#   3. the kernel (kernel/) built with CMake into its own build folder;
#   4. its kernelspec `xcpp17` ("C++17 (genlab, clang 19)") installed into a Jupyter path.
# Then: .venv-jupyter/bin/jupyter lab notebooks/
#
# Usage: tools/install_kernel.sh [--user | --sys-prefix | --prefix DIR] [--venv DIR] [--build DIR]
#                                [--no-apt] [--browser]
#   --user        kernelspec into the user's Jupyter path (~/.local/share/jupyter; the default)
#   --sys-prefix  kernelspec into the virtual environment only
#   --prefix DIR  kernelspec into DIR/share/jupyter/kernels (a conda env, /usr/local, ...)
#   --venv DIR    where the virtual environment lives (default .venv-jupyter in the checkout)
#   --build DIR   the kernel's build folder (default build-kernel in the checkout)
#   --no-apt      install no Debian packages (fail instead if some are missing)
#   --browser     also install Debian's chromium (the headless-browser test renders a notebook)
# The kernelspec is named xcpp17, as the notebooks ask: it replaces a user-level xeus-cling or
# xeus-cpp xcpp17 kernel (the script says so); --sys-prefix keeps it inside the venv instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
where=(--user)
venv="$root/.venv-jupyter"
build="$root/build-kernel"
apt=1
browser=0
while [ $# -gt 0 ]; do
  case "$1" in
    --user) where=(--user) ;;
    --sys-prefix) where=(--sys-prefix) ;;
    --prefix) where=(--prefix "$(realpath -m "$2")"); shift ;;
    --venv) venv=$(realpath -m "$2"); shift ;;
    --build) build=$(realpath -m "$2"); shift ;;
    --no-apt) apt=0 ;;
    --browser) browser=1 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install_kernel.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# 1. Debian packages. xeus-dev 2.4 includes the ZeroMQ server (xeus/xserver_zmq.hpp) and pulls in
# cppzmq, libzmq, nlohmann-json, OpenSSL and uuid; clang's interpreter is libclang-cpp19 (headers in
# libclang-19-dev, CMake files in llvm-19-dev); omp.h comes from libomp-14-dev (clang 19 ships none).
packages=(cmake g++ make xeus-dev libclang-cpp19-dev libclang-19-dev llvm-19-dev libomp-14-dev python3-venv)
[ "$browser" = 1 ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
done
if [ "$apt" = 1 ]; then
  "$root/tools/deps.sh"  # the library's own packages (Eigen, Boost.Math, xtensor, gnuplot, ...)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "install_kernel.sh: installing Debian packages: ${missing[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || { echo "install_kernel.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
      sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
elif [ ${#missing[@]} -gt 0 ]; then
  echo "install_kernel.sh: --no-apt, but these Debian packages are missing: ${missing[*]}" >&2
  exit 1
fi

# 2. Jupyter from PyPI, in its own venv (Debian's python3 stays untouched).
if [ ! -x "$venv/bin/python" ]; then
  echo "install_kernel.sh: creating $venv" >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >&2
"$venv/bin/python" -m pip install -q "jupyterlab>=4,<5" "nbclient>=0.10" "nbconvert>=7" >&2

# 3. The kernel: a standalone CMake project, one compile job (it links against all of LLVM).
cmake -S "$root/kernel" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"${GENLAB_JOBS:-1}"

# 4. The kernelspec. kernel.json names the binary and header folders inside this checkout and
# build folder: move either and run this script again.
spec="$build/share/jupyter/kernels/xcpp17"
existing=$("$venv/bin/jupyter" kernelspec list --json 2>/dev/null |
           "$venv/bin/python" -c 'import json,sys; d=json.load(sys.stdin)["kernelspecs"].get("xcpp17"); print(d["spec"]["display_name"] if d else "")')
if [ -n "$existing" ] && [[ "$existing" != *genlab* ]]; then
  echo "install_kernel.sh: note: Jupyter already has an xcpp17 kernel ('$existing'); genlab's is installed" \
       "with ${where[*]} and takes its place wherever that location comes first" >&2
fi
"$venv/bin/jupyter" kernelspec install "$spec" --name xcpp17 --replace "${where[@]}" >&2
echo "install_kernel.sh: done. Open the notebooks with:  $venv/bin/jupyter lab $root/notebooks/" >&2
