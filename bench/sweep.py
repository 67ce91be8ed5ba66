#!/usr/bin/env python3
"""A scaling sweep (`make bench-sweep`; a benchmark, not a test).

For each kind of line or block a Dockerfile, a Compose file or an Apptainer
definition can repeat, lints a file of N copies and one of 4N copies and
compares env-doctor's CPU time (user + system, the lower of two runs) and
peak memory (RSS). A linear path costs about 4x; anything over --limit
(default 6x), in time or in memory, is reported as superlinear and makes
the exit status 1. This is how the quadratic paths of docs/performance.md,
changes 20 to 24, were found. The last column, peak RSS per byte of the 4N
file, shows which kinds of line cost the most memory. Python 3 standard
library only; nothing touches the network.
"""
import argparse
import os
import subprocess
import sys
import tempfile

CUDA = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"

# name: the repeated text ({i}: the copy's number), or (before, repeated,
# after) for lines inside one instruction.
DOCKERFILE = {
    "pip install torch": "RUN pip install torch\n",
    "pip with a CUDA index": "RUN pip install torch --index-url https://download.pytorch.org/whl/cu124\n",
    "pip -r (file missing)": "RUN pip install -r requirements.txt\n",
    "uv pip install": "RUN uv pip install torch\n",
    "conda install": "RUN conda install -y pytorch pytorch-cuda=12.1 -c pytorch -c nvidia\n",
    "export then pip": "RUN export PIP_INDEX_URL=x && pip install torch\n",
    "apt driver": "RUN apt-get install -y nvidia-driver-535\n",
    "apt toolkit": "RUN apt-get update && apt-get install -y cuda-toolkit-12-4\n",
    "flash-attn build": "RUN pip install flash-attn --no-build-isolation\n",
    "jax local CUDA": 'RUN pip install "jax[cuda12_local]"\n',
    "jax plain": "RUN pip install jax jaxlib\n",
    "tensorflow": "RUN pip install tensorflow==2.15.0\n",
    "tensorflow-gpu": "RUN pip install tensorflow-gpu\n",
    "torch +cu label": "RUN pip install torch==2.5.1+cu124 -f https://download.pytorch.org/whl/torch_stable.html\n",
    "pip.conf then pip": "COPY pip.conf /etc/pip.conf\nRUN pip install torch\n",
    "cache mount": "RUN --mount=type=cache,target=/root/.cache pip install torch\n",
    "heredoc body lines": ("RUN <<EOF\n", "pip install torch\n", "EOF\n"),
    "continuation lines": ("RUN pip install \\\n", "    pkg{i} \\\n", "    torch\n"),
    "nvcc": "RUN nvcc -o x x.cu\n",
    "runfile": "RUN sh cuda_12.4.1_550.54.15_linux.run --silent --toolkit\n",
    "ONBUILD": "ONBUILD RUN pip install torch\n",
    "ENV NVIDIA_": "ENV NVIDIA_VISIBLE_DEVICES=all\n",
    "ENV CUDA": "ENV CUDA_HOME=/usr/local/cuda TORCH_CUDA_ARCH_LIST=8.0\n",
    "ARG": "ARG X{i}=1\n",
    "COPY": "COPY a{i} b\n",
    "COPY --from image": "COPY --from=nvidia/cuda:12.4.1-devel-ubuntu22.04 /usr/local/cuda /usr/local/cuda\n",
    "pragma": "# env-doctor ignore=ED201\nRUN pip install torch\n",
    "WORKDIR": "WORKDIR /x\n",
    "LABEL": "LABEL a=b\n",
    "HEALTHCHECK": "HEALTHCHECK CMD nvidia-smi\n",
    "stages": "FROM python:3.11 AS s{i}\nRUN pip install torch\n",
    "stage chain": "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS c{i}\nCOPY --from=c{i} /a /a\n",
}

COMPOSE = {
    "services": "  s{i}:\n    image: python:3.12\n",
    "GPU reservations": "  s{i}:\n    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                        "    deploy:\n      resources:\n        reservations:\n"
                        "          devices:\n            - driver: nvidia\n"
                        "              count: all\n              capabilities: [gpu]\n",
    "runtime: nvidia": "  s{i}:\n    image: python:3.12\n    runtime: nvidia\n",
    "gpus: all": "  s{i}:\n    image: python:3.12\n    gpus: all\n",
    "environment": "  s{i}:\n    image: python:3.12\n    environment:\n"
                   "      NVIDIA_VISIBLE_DEVICES: all\n      CUDA_VISIBLE_DEVICES: \"0\"\n",
    "anchors": "  s{i}: &a{i}\n    image: python:3.12\n    <<: *base\n",
    "depends_on": "  s{i}:\n    image: python:3.12\n    depends_on: [s0]\n",
    "interpolation": "  s{i}:\n    image: nvidia/cuda:${{CUDA:-12.4.1}}-runtime-ubuntu22.04\n",
    "pragma": "  # env-doctor ignore=ED401\n  s{i}:\n    image: python:3.12\n    runtime: nvidia\n",
}

APPTAINER_POST = {
    "%post pip": "    pip install torch\n",
    "%post apt driver": "    apt-get install -y nvidia-driver-535\n",
    "%post export": "    export PIP_INDEX_URL=x{i}\n",
}


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def run(peak, binary, args):
    """CPU seconds (user + system) and peak RSS in KiB of one run, taken by
    bench/peak (a process forked from Python would count the interpreter's
    memory in its peak RSS)."""
    out = subprocess.run([peak, binary] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, timeout=600, check=True).stdout.split()
    return float(out[1]), int(out[2])


def cases(work):
    for name, each in DOCKERFILE.items():
        pre, each, post = each if isinstance(each, tuple) else ("", each, "")
        yield ("Dockerfile", name, os.path.join(work, "Dockerfile"),
               lambda n, pre=pre, each=each, post=post:
               CUDA + pre + "".join(each.format(i=i) for i in range(n)) + post)
    base = "x-base: &base\n  restart: always\nservices:\n"
    for name, each in COMPOSE.items():
        yield ("Compose", name, os.path.join(work, "compose.yaml"),
               lambda n, each=each: base + "".join(each.format(i=i) for i in range(n)))
    head = "Bootstrap: docker\nFrom: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n%post\n"
    for name, each in APPTAINER_POST.items():
        yield ("Apptainer", name, os.path.join(work, "sweep.def"),
               lambda n, each=each: head + "".join(each.format(i=i) for i in range(n)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", required=True, help="the env-doctor binary")
    ap.add_argument("--peak", required=True, help="bench/peak, built (make $(BUILD)/bench/peak)")
    ap.add_argument("--copies", type=int, default=10000,
                    help="N (default 10000; Compose: N/4); also 4N")
    ap.add_argument("--limit", type=float, default=6.0, help="the 4N/N ratio reported (default 6)")
    ap.add_argument("--only", help="cases whose name contains this text")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    peak = os.path.abspath(a.peak)
    slow = []
    print("| file | repeated | copies | CPU | CPU, 4× the copies | ratio | RSS ratio | RSS / byte |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="env-doctor-sweep-") as work:
        for kind, name, path, make in cases(work):
            if a.only and a.only not in name:
                continue
            # Compose files over 8 MiB are not parsed: fewer services
            base_n = a.copies // 4 if kind == "Compose" else a.copies
            times, rss = [], []
            for n in (base_n, 4 * base_n):
                write(path, make(n))
                runs = [run(peak, binary, ["lint", "--no-fail", path]) for _ in range(2)]
                times.append(min(t for t, _ in runs))
                rss.append(min(m for _, m in runs))
            size = os.path.getsize(path)
            ratio = times[1] / max(times[0], 1e-3)
            # RSS includes a fixed part (the program, about 1.5 MB): the
            # ratio is of what grows, over a 1 MB floor, so small files do not
            # hide a memory blowup nor fake one
            rss_ratio = max(rss[1] - 1024, 1) / max(rss[0] - 1024, 1)
            flag = " (superlinear)" if ratio > a.limit else ""
            mflag = " (superlinear)" if rss_ratio > a.limit else ""
            print(f"| {kind} | {name} | {base_n:,} | {times[0]:.3f} s | {times[1]:.3f} s | "
                  f"{ratio:.1f}×{flag} | {rss_ratio:.1f}×{mflag} | {rss[1] * 1024 / size:.0f} |",
                  flush=True)
            if flag or mflag:
                slow.append(f"{kind}: {name}")
    if slow:
        print("superlinear: " + "; ".join(slow), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
