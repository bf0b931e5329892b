"""The README's quickstart is examples/quickstart.py, verbatim (it is run as written)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_quickstart_is_the_example_verbatim() -> None:
    quickstart = (ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```python\n{quickstart}```\n" in readme
