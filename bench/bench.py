#!/usr/bin/env python3
"""env-doctor benchmarks against its peers (`make bench`; benchmarks, not tests).

Measures, for the same inputs in one run:
  * one small file, one invocation: env-doctor against dockerfilelint,
    dockerfile-utils (bench/peers/dockerfile-utils-lint.js) and dclint, beside
    env-doctor linked dynamically and an empty C program (bench/empty.c), the
    cost of starting any process;
  * a generated corpus (bench/gen.c) in one invocation: env-doctor scan with
    --jobs 1 and --jobs N, env-doctor lint FILE..., the peers over their
    files in one process each, and the I/O floor (cat of the same files);
  * large files at 1x, 2x, 5x and 10x: time and peak memory against size.

Wall times are hyperfine medians (with warm-up runs); CPU time is hyperfine's
mean user + system time; peak memory is the maximum resident set size of one
more run (bench/peak). Ratios are measured side by side in the same run; nothing
here is a pass/fail threshold. Python 3 standard library only.
"""
import argparse
import json
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Large-file kinds: (label, gen kind, 1x size, unit, what, extra env-doctor
# arguments). The compose kind is scaled from 0.8 MB (10x is 8 MB); the 20 MB
# file is measured on its own. Its second row leaves out ED411, which once
# listed every other GPU service in each finding (quadratic); it shows what
# ED411 costs now.
LARGE = [
    ("dockerfile", "dockerfile", 100_000, "lines",
     "Dockerfile of 100,000 lines (stages of ~60 lines)", []),
    ("run", "run", 50_000, "lines", "one RUN with 50,000 continuation lines", []),
    ("line", "line", 1_000_000, "bytes", "one RUN on a single 1 MB line", []),
    ("compose", "compose", 800_000, "bytes", "Compose file of 0.8 MB", []),
    ("compose --ignore ED411", "compose", 800_000, "bytes",
     "Compose file of 0.8 MB, --ignore ED411", ["--ignore", "ED411"]),
    ("chain", "chain", 10_000, "stages", "FROM chain of 10,000 stages", []),
    ("post", "post", 5_000, "commands", "Apptainer %post with 5,000 commands", []),
]
SCALES = [1, 2, 5, 10]
BIG_COMPOSE = 20_000_000
# The large files are over env-doctor's default input limits (8 MiB, lines of
# 1 MiB, 100,000 instructions), which would report ED001 and stop: the point
# here is the cost of linting them, so the limits are raised.
LARGE_LIMITS = ["--max-file-size", "1G", "--max-line-length", "1G",
                "--max-instructions", "100000000"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


# ---- Tools ------------------------------------------------------------------


def apt_install(packages):
    """apt-get install when root (or passwordless sudo); False otherwise."""
    if not shutil.which("apt-get"):
        return False
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        return False
    log(f"bench: installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    ok = subprocess.run(sudo + ["apt-get", "install", "-y", "--no-install-recommends"] + packages,
                        env=env).returncode == 0
    if not ok:
        subprocess.run(sudo + ["apt-get", "update"], env=env)
        ok = subprocess.run(sudo + ["apt-get", "install", "-y", "--no-install-recommends"]
                            + packages, env=env).returncode == 0
    return ok


def ensure_hyperfine():
    if not shutil.which("hyperfine"):
        apt_install(["hyperfine"])
    if not shutil.which("hyperfine"):
        sys.exit("bench: hyperfine is missing (Debian package hyperfine)")


def ensure_peers():
    """bench/node_modules from bench/package-lock.json; False when Node is unusable."""
    if not shutil.which("node") or not shutil.which("npm"):
        apt_install(["nodejs", "npm"])
    if not shutil.which("node") or not shutil.which("npm"):
        log("bench: no Node.js/npm: the peers are skipped")
        return False
    stamp = os.path.join(HERE, "node_modules", ".package-lock.json")
    lock = os.path.join(HERE, "package-lock.json")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(lock):
        log("bench: installing the peers (npm ci in bench/)")
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE)
        if r.returncode != 0:
            log("bench: npm ci failed: the peers are skipped")
            return False
    return True


def node_version():
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return None


def peer_versions():
    out = {}
    for name in ("dockerfilelint", "dockerfile-utils", "dclint"):
        try:
            with open(os.path.join(HERE, "node_modules", name, "package.json")) as f:
                out[name] = json.load(f)["version"]
        except OSError:
            out[name] = None
    return out


# ---- Measuring ----------------------------------------------------------------


def peak_run(peak, argv, cwd, timeout, mem_mb=None):
    """One run through bench/peak: (wall s, user+sys s, peak RSS KiB, exit status), or
    None after a timeout. mem_mb caps the command's address space."""
    cap = ["-m", str(mem_mb)] if mem_mb else []
    try:
        r = subprocess.run([peak] + cap + argv, cwd=cwd, capture_output=True, text=True,
                           timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        return None
    wall, cpu, rss, status = r.stdout.split()
    return float(wall), float(cpu), int(rss), int(status)


class Runner:
    def __init__(self, peak, work, runs, warmup, verbose):
        self.peak = peak
        self.work = work
        self.runs = runs
        self.warmup = warmup
        self.verbose = verbose
        self.n = 0

    def measure(self, name, argv, cwd, runs=None, warmup=None, timeout=600, ok=(0, 1),
                mem_mb=None):
        """{'name', 'median', 'mean', 'cpu', 'rss', 'status', 'runs', 'load'} (seconds, KiB).
        ok: the exit statuses of a successful run (None: any; dockerfilelint exits with
        its issue count)."""
        runs = runs or self.runs
        warmup = self.warmup if warmup is None else warmup
        log(f"bench: {name}  [load {load()}]")
        probe = peak_run(self.peak, argv, cwd, timeout, mem_mb)
        if probe is None:
            log(f"bench:   timed out after {timeout} s")
            return {"name": name, "timeout": timeout, "load": load()}
        wall, cpu, rss, status = probe
        res = {"name": name, "argv": argv, "median": wall, "mean": wall, "cpu": cpu, "rss": rss,
               "status": status, "runs": 1, "load": load()}
        if ok is not None and status not in ok:
            log(f"bench:   exit status {status}: {shlex.join(argv[:4])} ...")
            res["failed"] = status
            return res
        # Long runs: fewer repetitions; a run over a minute is measured once.
        if wall > 60:
            return res
        if wall > 5:
            runs, warmup = min(runs, 3), 0
        self.n += 1
        out = os.path.join(self.work, f"hyperfine-{self.n:03d}.json")
        cmd = ["hyperfine", "-N", "-i", "--style", "none", "--warmup", str(warmup), "--runs",
               str(runs), "--export-json", out, "--command-name", name, "--", shlex.join(argv)]
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL if not self.verbose else None)
        if r.returncode != 0:
            log(f"bench:   hyperfine failed ({r.returncode}); keeping the single run")
            return res
        with open(out) as f:
            h = json.load(f)["results"][0]
        res.update(median=h["median"], mean=h["mean"], cpu=h["user"] + h["system"],
                   runs=len(h["times"]), min=h["min"], max=h["max"], stddev=h.get("stddev"),
                   load=load())
        return res


# ---- Inputs ---------------------------------------------------------------------


def generate(gen, work, files, seed, quick):
    inputs = os.path.join(work, "inputs")
    stamp = os.path.join(inputs, "stamp")
    want = f"{files} {seed} {quick} {os.path.getmtime(gen)}"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return inputs
    shutil.rmtree(inputs, ignore_errors=True)
    os.makedirs(os.path.join(inputs, "large"))
    log(f"bench: generating the corpus ({files} files, seed {seed}) and the large files")
    subprocess.run([gen, "corpus", os.path.join(inputs, "corpus"), str(files), str(seed)],
                   check=True)
    for kind, base in sorted({(k[1], k[2]) for k in LARGE}):
        for s in scales(quick):
            with open(large_path(inputs, kind, s), "wb") as f:
                subprocess.run([gen, kind, str(int(base * s)), str(seed)], stdout=f, check=True)
    with open(os.path.join(inputs, "large", "compose-20MB.yaml"), "wb") as f:
        subprocess.run([gen, "compose", str(BIG_COMPOSE), str(seed)], stdout=f, check=True)
    with open(stamp, "w") as f:
        f.write(want)
    return inputs


def scales(quick):
    return [0.1, 0.2, 0.5, 1] if quick else SCALES


def large_path(inputs, kind, scale):
    name = {"compose": f"compose-{scale}x.yaml", "post": f"post-{scale}x.def"}.get(
        kind, f"{kind}-{scale}x.Dockerfile")
    return os.path.join(inputs, "large", name)


def corpus_files(corpus):
    out = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for f in sorted(filenames):
            out.append(os.path.relpath(os.path.join(dirpath, f), corpus))
    return out


def is_compose(path):
    b = os.path.basename(path)
    return b.startswith(("compose", "docker-compose")) and b.endswith((".yaml", ".yml"))


def is_dockerfile(path):
    b = os.path.basename(path)
    return b.startswith("Dockerfile") or b.endswith(".Dockerfile")


def total_bytes(base, files):
    return sum(os.path.getsize(os.path.join(base, f)) for f in files)


# ---- Formatting --------------------------------------------------------------------


def ms(s):
    if s is None:
        return "-"
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.2f} s"


def mb(kib):
    return "-" if kib is None else f"{kib / 1024:.1f} MB"


def ratio(a, b):
    if not a or not b:
        return None
    return a / b


def fx(r, digits=1):
    return "-" if r is None else f"{r:.{digits}f}×"


def row(cells):
    return "| " + " | ".join(cells) + " |"


def table(head, rows):
    lines = [row(head), row(["---"] * len(head))]
    lines += [row(r) for r in rows]
    return "\n".join(lines)


def wall(res):
    return None if res is None or "timeout" in res or "failed" in res else res["median"]


# ---- Sections ------------------------------------------------------------------------


def bench_small(runner, edoc, dynamic, floor, peers, report):
    """One small file, one invocation, side by side, with the floor: an empty C program."""
    df = os.path.join(ROOT, "examples", "gpu-training.Dockerfile")
    cf = os.path.join(ROOT, "examples", "compose", "legacy", "docker-compose.yml")
    if not os.path.exists(cf):
        cf = os.path.join(ROOT, "examples", "compose", "gpu-app", "compose.yaml")
    nm = os.path.join(HERE, "node_modules", ".bin")
    drv = os.path.join(HERE, "peers", "dockerfile-utils-lint.js")
    fast = dict(runs=runner.runs * 4, warmup=max(runner.warmup, 10))
    # The cost of starting any process here: what no program can go under.
    empty = runner.measure("empty C program", [floor], ROOT, **fast) if floor else None
    rows, results = [], {"empty": empty}
    for label, path, edargs, peer_cmds in [
        ("Dockerfile", df, ["lint", df], [
            ("dockerfilelint", [os.path.join(nm, "dockerfilelint"), df]),
            ("dockerfile-utils", ["node", drv, df]),
        ]),
        ("Compose file", cf, ["lint", cf], [
            ("dclint", [os.path.join(nm, "dclint"), cf]),
        ]),
    ]:
        e = runner.measure(f"env-doctor lint ({label})", [edoc] + edargs, ROOT, **fast)
        dy = (runner.measure(f"env-doctor, dynamic ({label})", [dynamic] + edargs, ROOT, **fast)
              if dynamic else None)
        ps = ([(n, runner.measure(f"{n} ({label})", c, ROOT, ok=None)) for n, c in peer_cmds]
              if peers else [])
        results[label] = {"file": os.path.relpath(path, ROOT), "bytes": os.path.getsize(path),
                          "env-doctor": e, "dynamic": dy, "peers": dict(ps)}
        rows.append([f"{label}: `{os.path.relpath(path, ROOT)}` ({os.path.getsize(path)} B)",
                     "env-doctor", ms(wall(e)), ms(e.get("cpu")), mb(e.get("rss")), "1.0×"])
        if dy:
            rows.append(["", "env-doctor linked dynamically (`STATIC=0`)", ms(wall(dy)),
                         ms(dy.get("cpu")), mb(dy.get("rss")), fx(ratio(wall(dy), wall(e)), 2)])
        if empty:
            rows.append(["", "an empty C program (the floor)", ms(wall(empty)),
                         ms(empty.get("cpu")), mb(empty.get("rss")),
                         fx(ratio(wall(empty), wall(e)), 2)])
        for n, p in ps:
            rows.append(["", n, ms(wall(p)), ms(p.get("cpu")), mb(p.get("rss")),
                         fx(ratio(wall(p), wall(e)), 0)])
    report.append("## One small file, one invocation\n")
    report.append(table(["input", "tool", "median wall", "CPU (user+sys)", "peak RSS",
                         "÷ env-doctor"], rows))
    return results


def bench_corpus(runner, edoc, peers, inputs, jobs, report):
    corpus = os.path.join(inputs, "corpus")
    files = corpus_files(corpus)
    dfs = [f for f in files if is_dockerfile(f)]
    cfs = [f for f in files if is_compose(f)]
    nm = os.path.join(HERE, "node_modules", ".bin")
    drv = os.path.join(HERE, "peers", "dockerfile-utils-lint.js")
    def m(name, argv, ok=(0, 1)):
        return runner.measure(name, argv, corpus, ok=ok)

    res = {"files": len(files), "bytes": total_bytes(corpus, files), "dockerfiles": len(dfs),
           "dockerfile_bytes": total_bytes(corpus, dfs), "compose": len(cfs),
           "compose_bytes": total_bytes(corpus, cfs)}
    cat_all = m("cat (all files)", ["cat"] + files)
    scan1 = m("env-doctor scan --jobs 1", [edoc, "scan", "--jobs", "1", "."])
    scann = m(f"env-doctor scan --jobs {jobs}", [edoc, "scan", "--jobs", str(jobs), "."])
    lint_all = m("env-doctor lint (all files)", [edoc, "lint"] + files)
    cat_df = m("cat (Dockerfiles)", ["cat"] + dfs)
    lint_df = m("env-doctor lint (Dockerfiles)", [edoc, "lint"] + dfs)
    cat_cf = m("cat (Compose files)", ["cat"] + cfs)
    lint_cf = m("env-doctor lint (Compose files)", [edoc, "lint"] + cfs)
    pdf, pcf = [], []
    if peers:
        pdf = [("dockerfilelint", m("dockerfilelint (Dockerfiles)",
                                    [os.path.join(nm, "dockerfilelint")] + dfs, None)),
               ("dockerfile-utils", m("dockerfile-utils (Dockerfiles, one process)",
                                      ["node", drv] + dfs, None))]
        pcf = [("dclint", m("dclint (Compose files)", [os.path.join(nm, "dclint")] + cfs, None))]
    res.update({"cat": cat_all, "scan1": scan1, "scann": scann, "lint": lint_all,
                "cat_df": cat_df, "lint_df": lint_df, "cat_cf": cat_cf, "lint_cf": lint_cf,
                "peers_df": dict(pdf), "peers_cf": dict(pcf), "jobs": jobs})

    def line(label, r, floor, ref=None):
        return [label, ms(wall(r)), ms(r.get("cpu")), mb(r.get("rss")),
                fx(ratio(wall(r), wall(floor))), fx(ratio(wall(r), wall(ref))) if ref else ""]

    rows = [
        [f"**all {len(files)} files** ({res['bytes'] / 1e6:.2f} MB)", "", "", "", "", ""],
        line("cat (the floor)", cat_all, cat_all),
        line("env-doctor scan --jobs 1", scan1, cat_all),
        line(f"env-doctor scan --jobs {jobs}", scann, cat_all),
        line("env-doctor lint FILE...", lint_all, cat_all),
        [f"**{len(dfs)} Dockerfiles** ({res['dockerfile_bytes'] / 1e6:.2f} MB)", "", "", "", "", ""],
        line("cat (the floor)", cat_df, cat_df),
        line("env-doctor lint FILE...", lint_df, cat_df, lint_df),
    ] + [line(n, p, cat_df, lint_df) for n, p in pdf] + [
        [f"**{len(cfs)} Compose files** ({res['compose_bytes'] / 1e6:.2f} MB)", "", "", "", "", ""],
        line("cat (the floor)", cat_cf, cat_cf),
        line("env-doctor lint FILE...", lint_cf, cat_cf, lint_cf),
    ] + [line(n, p, cat_cf, lint_cf) for n, p in pcf]
    report.append(f"\n## A corpus of {len(files)} files, one invocation\n")
    report.append("env-doctor lint of a Compose file also lints the Dockerfiles its services "
                  "build; the peers lint only the files named.\n")
    report.append(table(["command", "median wall", "CPU (user+sys)", "peak RSS", "÷ cat",
                         "÷ env-doctor lint"], rows))
    return res


def loglog_slope(points):
    xs = [math.log(x) for x, y in points if x > 0 and y > 0]
    ys = [math.log(y) for x, y in points if x > 0 and y > 0]
    if len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None


def outcome(r, timeout, mem_mb):
    if "timeout" in r:
        return f"> {timeout} s"
    if r.get("failed") == 3 and mem_mb:
        return f"out of memory ({mem_mb} MB cap)"
    if "failed" in r:
        return f"failed ({r['failed']})"
    return ms(wall(r))


def rejected_by_limit(argv, cwd, timeout):
    """Does env-doctor refuse the file (ED001 over a limit) instead of linting it?"""
    try:
        out = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return False  # the timed run reports it
    return b"not linted" in out


def bench_large(runner, edoc, peers, inputs, quick, timeout, mem_mb, report):
    rows, summary, res = [], [], {}
    for kind, genkind, base, unit, what, extra in LARGE:
        pts = []
        given_up = None
        for s in scales(quick):
            path = large_path(inputs, genkind, s)
            size = os.path.getsize(path)
            argv = [edoc, "lint"] + LARGE_LIMITS + extra + [os.path.basename(path)]
            limit = 3 * size / 1024 + 8 * 1024
            if not given_up and rejected_by_limit(argv, os.path.dirname(path), timeout):
                given_up = f"{s}× over a limit"
            if given_up:
                rows.append([kind, f"{s}×", f"{int(base * s):,} {unit}", f"{size / 1e6:.2f} MB",
                             f"not run ({given_up})", "-", mb(limit), "-"])
                continue
            r = runner.measure(f"env-doctor lint {' '.join(extra + [os.path.basename(path)])}", argv,
                               os.path.dirname(path), runs=max(3, runner.runs // 2), warmup=1,
                               timeout=timeout, mem_mb=mem_mb)
            if "timeout" in r or "failed" in r:
                given_up = f"{s}× failed"
            elif wall(r) and wall(r) * 2.5 > timeout:
                given_up = f"{s}× took {ms(wall(r))}"
            pts.append((s, size, r))
            rows.append([kind, f"{s}×", f"{int(base * s):,} {unit}", f"{size / 1e6:.2f} MB",
                         outcome(r, timeout, mem_mb), mb(r.get("rss")), mb(limit),
                         "yes" if r.get("rss") and wall(r) and r["rss"] <= limit else "no"])
        t = [(size, wall(r)) for _, size, r in pts if wall(r)]
        slope = loglog_slope(t)
        first, last = pts[0], pts[-1]
        tr = ratio(wall(last[2]), wall(first[2])) if len(pts) == len(scales(quick)) else None
        mem_ok = len(pts) == len(scales(quick)) and all(
            r.get("rss") and wall(r) and r["rss"] <= 3 * size / 1024 + 8 * 1024
            for _, size, r in pts)
        res[kind] = {"what": what, "points": [{"scale": s, "bytes": size, **r} for s, size, r in pts],
                     "slope": slope, "ratio_10x": tr, "memory_ok": mem_ok}
        summary.append([what, "-" if slope is None else f"{slope:.2f}",
                        fx(tr) if tr else "-", "yes" if tr and tr <= 12 else "no",
                        "yes" if mem_ok else "no"])
    big = os.path.join(inputs, "large", "compose-20MB.yaml")
    r20 = runner.measure("env-doctor lint compose-20MB.yaml",
                         [edoc, "lint"] + LARGE_LIMITS + ["compose-20MB.yaml"],
                         os.path.dirname(big), runs=3, warmup=1, timeout=timeout, mem_mb=mem_mb)
    res["compose-20MB"] = r20
    sc = scales(quick)
    report.append(f"\n## Large files ({'×, '.join(str(s) for s in sc)}×)\n")
    report.append(table(["kind", "scale", "size", "bytes", "median wall", "peak RSS",
                         "3×input+8 MB", "within"], rows))
    report.append(f"\nThe 20 MB Compose file ({os.path.getsize(big) / 1e6:.1f} MB): "
                  f"{ms(wall(r20))}, peak {mb(r20.get('rss'))}.\n")
    report.append(f"\n### Scaling (time ∝ size^slope; {sc[-1]}×/{sc[0]}× time ratio, target ≤ 12×)\n")
    report.append(table(["kind", "slope", f"time {sc[-1]}× / {sc[0]}×", "≤ 12×",
                         "peak RSS ≤ 3×input+8 MB"], summary))
    if peers:
        res["peers"] = bench_large_peers(runner, inputs, timeout, report)
    return res


def bench_large_peers(runner, inputs, timeout, report):
    """The peers on the 1x large files, for scale (one run each, with a timeout)."""
    nm = os.path.join(HERE, "node_modules", ".bin")
    drv = os.path.join(HERE, "peers", "dockerfile-utils-lint.js")
    rows, res = [], {}
    for kind, genkind, *_, extra in LARGE:
        if extra:
            continue
        path = large_path(inputs, genkind, 1)
        name = os.path.basename(path)
        if kind == "compose":
            cmds = [("dclint", [os.path.join(nm, "dclint"), name])]
        elif kind == "post":
            continue
        else:
            cmds = [("dockerfilelint", [os.path.join(nm, "dockerfilelint"), name]),
                    ("dockerfile-utils", ["node", drv, name])]
        for n, argv in cmds:
            r = runner.measure(f"{n} {name}", argv, os.path.dirname(path), runs=1, warmup=0,
                               timeout=timeout, ok=None)
            res[f"{n} {kind}"] = r
            rows.append([name, n, ms(wall(r)) if "timeout" not in r else f"> {timeout} s",
                         mb(r.get("rss"))])
    report.append("\n### The peers on the 1× large files (one run each)\n")
    report.append(table(["file", "peer", "wall", "peak RSS"], rows))
    return res


def targets(small, corpus, large, report):
    rows = []

    def add(what, value, target, ok):
        rows.append([what, value, target, "holds" if ok else ("miss" if ok is False else "-")])

    for label, peer_names in (("Dockerfile", ("dockerfilelint", "dockerfile-utils")),
                              ("Compose file", ("dclint",))):
        s = small.get(label) if small else None
        if not s or not s["peers"]:
            continue
        fastest = min((wall(s["peers"][n]) for n in peer_names if wall(s["peers"].get(n))),
                      default=None)
        r = ratio(fastest, wall(s["env-doctor"]))
        add(f"one {label}, one invocation: fastest peer / env-doctor", fx(r, 0), "≥ 100×",
            r is not None and r >= 100)
        if small and small.get("empty"):
            r = ratio(fastest, wall(small["empty"]))
            add(f"one {label}, one invocation: fastest peer / an empty C program (the ceiling)",
                fx(r, 0), "≥ 100×", r is not None and r >= 100)
    if corpus:
        c = corpus
        r = ratio(wall(c["scann"]), wall(c["cat"]))
        add(f"corpus, all cores (scan --jobs {c['jobs']}) / cat", fx(r), "≤ 2×", r is not None and r <= 2)
        r = ratio(wall(c["scan1"]), wall(c["cat"]))
        add("corpus, one core (scan --jobs 1) / cat", fx(r), "≤ 4×", r is not None and r <= 4)
        for key, ref, label in (("peers_df", "lint_df", "Dockerfiles"),
                                ("peers_cf", "lint_cf", "Compose files")):
            fastest = min((wall(p) for p in c[key].values() if wall(p)), default=None)
            r = ratio(fastest, wall(c[ref]))
            if fastest:
                add(f"corpus {label}: fastest peer (one process) / env-doctor", fx(r), "≥ 4×",
                    r >= 4)
        if wall(c.get("lint")):
            pass
    if small and small.get("Dockerfile"):
        rss = small["Dockerfile"]["env-doctor"].get("rss")
        add("peak memory, one typical Dockerfile", mb(rss), "≤ 8 MB", rss is not None and rss <= 8192)
    if large:
        for kind, *_ in LARGE:
            k = large.get(kind)
            if not k:
                continue
            tr = k["ratio_10x"]
            add(f"{k['what']}: time 10× / 1×", fx(tr), "≤ 12×", tr is not None and tr <= 12)
            add(f"{k['what']}: peak memory", "within" if k["memory_ok"] else "over", "≤ 3×input+8 MB",
                k["memory_ok"])
    report.append("\n## Targets\n")
    report.append(table(["target", "measured", "goal", ""], rows))


def machine():
    def cmd(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    cpu = ""
    for ln in cmd(["lscpu"]).splitlines():
        if ln.startswith(("Model name:", "CPU(s):", "Thread(s) per core:")):
            cpu += ln.split(":", 1)[0] + ": " + ln.split(":", 1)[1].strip() + "; "
    mem = ""
    for ln in open("/proc/meminfo"):
        if ln.startswith("MemTotal"):
            mem = f"{int(ln.split()[1]) / 1024 / 1024:.1f} GiB"
    osr = ""
    if os.path.exists("/etc/os-release"):
        for ln in open("/etc/os-release"):
            if ln.startswith("PRETTY_NAME="):
                osr = ln.split("=", 1)[1].strip().strip('"')
    return {"cpu": cpu.rstrip("; "), "memory": mem, "os": osr, "kernel": platform.release(),
            "node": node_version(), "hyperfine": cmd(["hyperfine", "--version"]),
            "peers": peer_versions(), "nproc": os.cpu_count()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", required=True, help="the env-doctor binary")
    ap.add_argument("--gen", required=True, help="the bench/gen binary")
    ap.add_argument("--peak", required=True, help="the bench/peak binary")
    ap.add_argument("--dynamic-bin", help="env-doctor linked dynamically (measured beside --bin)")
    ap.add_argument("--floor-bin", help="an empty C program, linked statically: the process floor")
    ap.add_argument("--work", required=True, help="folder for inputs and results")
    ap.add_argument("--files", type=int, default=2400, help="corpus size (default 2400)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs N for the scan")
    ap.add_argument("--runs", type=int, default=10, help="hyperfine runs per command")
    ap.add_argument("--warmup", type=int, default=3, help="hyperfine warm-up runs")
    ap.add_argument("--timeout", type=int, default=300, help="seconds before a large run is given up")
    ap.add_argument("--mem-limit", type=int, default=4096,
                    help="address-space cap in MB for env-doctor on the large files (0: none)")
    ap.add_argument("--quick", action="store_true", help="large files at 0.1x..1x, fewer runs")
    ap.add_argument("--no-peers", action="store_true", help="env-doctor and the floor only")
    ap.add_argument("--only", choices=["small", "corpus", "large"], action="append",
                    help="run only these sections (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show hyperfine's output")
    a = ap.parse_args()

    ensure_hyperfine()
    peers = not a.no_peers and ensure_peers()
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    edoc = os.path.abspath(a.bin)
    if a.quick:
        a.runs, a.warmup = max(3, a.runs // 3), 1
    inputs = generate(os.path.abspath(a.gen), work, a.files, a.seed, a.quick)
    runner = Runner(os.path.abspath(a.peak), work, a.runs, a.warmup, a.verbose)
    only = set(a.only or ["small", "corpus", "large"])
    m = machine()
    report = ["# env-doctor benchmark results\n",
              f"Machine: {m['cpu']}; {m['memory']} RAM; {m['os']}, Linux {m['kernel']}. "
              f"{m['hyperfine']}; Node {m['node']}; peers "
              + ", ".join(f"{k} {v}" for k, v in m["peers"].items()) + ".",
              f"Load average at the start: {load()} ({time.strftime('%Y-%m-%d %H:%M')}).\n"]
    started = time.time()
    def optional(path):
        return os.path.abspath(path) if path and os.path.exists(path) else None
    small = (bench_small(runner, edoc, optional(a.dynamic_bin), optional(a.floor_bin), peers, report)
             if "small" in only else None)
    corpus = bench_corpus(runner, edoc, peers, inputs, a.jobs, report) if "corpus" in only else None
    large = (bench_large(runner, edoc, peers, inputs, a.quick, a.timeout, a.mem_limit, report)
             if "large" in only else None)
    targets(small, corpus, large, report)
    report.append(f"\nLoad average at the end: {load()}; {time.time() - started:.0f} s in all.\n")
    text = "\n".join(report)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump({"machine": m, "small": small, "corpus": corpus, "large": large}, f, indent=1,
                  default=str)
    print(text)
    log(f"bench: results in {os.path.relpath(work)}/results.md and results.json")


if __name__ == "__main__":
    main()
