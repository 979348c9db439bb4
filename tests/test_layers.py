"""The layers run one way: files -> store -> codebook -> coding/agreement -> audit/precode -> interop -> demo -> cli.

Read from the source with :mod:`ast`, so a lazy import inside a function counts as much as one at the top.
Three rules: no stage imports a stage of a higher layer; the agreement engine and the codebook never import the
store; no stage imports another stage's private (``_``) modules. The imports that broke these rules when the
test was written are listed in ``KNOWN``, so that no new one can creep in while they are removed; the list must
shrink as they go (a listed import that is gone fails the test until it is struck off).
"""
import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "duocode"

LAYER = {"errors": 0, "_util": 0, "files": 0, "decode": 0, "csvio": 0, "xlsx": 0,
         "store": 1,
         "codebook": 2, "ingest": 2,
         "coding": 3, "agreement": 3,
         "audit": 4, "precode": 4,
         "interop": 5,
         "project": 6, "demo": 6,
         "cli": 7, "__main__": 7}
NEVER_THE_STORE = {"agreement", "codebook"}

KNOWN = {
    ("agreement/project", "duocode.store"),
    ("agreement/project", "duocode.store.proposals"),
    ("agreement/project", "duocode.store.precode"),
    ("store/project", "duocode.codebook"),
}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("duocode.") \
                and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("duocode."))


def violations() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("").as_posix()
        stage = rel.split("/")[0]
        if stage == "__init__":
            continue
        for module in _imports(path):
            parts = module.split(".")
            target = parts[1]
            if target == stage:
                continue
            assert target in LAYER, f"{rel}: {module} is in no layer; add its package to LAYER"
            private = any(p.startswith("_") for p in parts[2:])
            if LAYER[target] > LAYER[stage] or (stage in NEVER_THE_STORE and target == "store") or private:
                found.add((rel, module))
    return found


def test_every_package_has_a_layer():
    packages = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
                if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())) and p.stem != "__init__"}
    assert packages <= set(LAYER), sorted(packages - set(LAYER))


def test_no_new_import_runs_against_the_layers():
    new = violations() - KNOWN
    assert not new, "imports against the layers: " + ", ".join(f"{a} imports {b}" for a, b in sorted(new))


def test_the_known_breaks_are_struck_off_as_they_are_fixed():
    gone = KNOWN - violations()
    assert not gone, "no longer imported, strike off KNOWN: " + ", ".join(f"{a} -> {b}" for a, b in sorted(gone))


def test_the_rules_catch_an_upward_import(tmp_path, monkeypatch):
    fake = tmp_path / "duocode"
    (fake / "store").mkdir(parents=True)
    (fake / "store" / "x.py").write_text("def f():\n    from duocode.audit.report import build_audit\n")
    (fake / "agreement").mkdir()
    (fake / "agreement" / "y.py").write_text("import duocode.store.cases\nfrom duocode.coding._private import z\n")
    monkeypatch.setattr(__import__(__name__), "SRC", fake)
    assert violations() == {("store/x", "duocode.audit.report"), ("agreement/y", "duocode.store.cases"),
                            ("agreement/y", "duocode.coding._private")}
