"""Build the course website in both languages from the committed, executed notebooks.

    .venv/bin/python tools/build_site.py            # build/site/en, build/site/zh (make site)

Each edition is a Sphinx + MyST-NB site (``site/conf.py``): the chapters (``notebooks/``,
or ``zh/notebooks/`` where the Chinese edition has the chapter), the student exercise
notebooks (``exercises/``, or ``zh/exercises/``), the course map, the glossary
(``crmlab/glossary.csv``) and the data cards. Notebooks are rendered as committed (never
re-run). Every chapter page starts with a link to its exercise notebook; a chapter the
Chinese edition does not have yet is shown in English with a line that says so. Sphinx
runs with warnings as errors, so a broken reference fails the build.
``build/site/index.html`` sends a visitor to the edition of the browser's language.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "site"
STAGE = ROOT / "build" / "site-src"

WORDS = {
    "en": {
        "title": "crmlab — customer relationship management analytics",
        "intro": ("A Jupyter course and workbook for customer relationship management (CRM) "
                  "analytics, following chapter 3 of the Chinese textbook 《客户关系管理》 "
                  "(customer discovery and acquisition) and the topics around it. Every page "
                  "is a notebook as committed in the repository, with its outputs; to work on "
                  "it, clone the repository and run `make lab`."),
        "chapters": "Chapters", "exercises": "Exercise notebooks", "more": "Reference",
        "exercise_link": "**Exercises for this chapter:** [{name}](../exercises/{name}.ipynb) "
                         "(download it with the button at the top to work on it).",
        "untranslated": "",
        "map": "Course map (课程地图)", "glossary": "Glossary (术语表)",
        "data": "Data cards (数据说明)",
    },
    "zh": {
        "title": "crmlab — 客户关系管理分析",
        "intro": ("一门关于客户关系管理（CRM）分析的 Jupyter 课程与练习册，依照教材《客户关系管理》"
                  "第 3 章（客户的发现与获取）及其相关主题编写。"
                  "每一页都是仓库中提交的笔记本及其输出；"
                  "要动手练习，请克隆仓库并运行 `make lab`。"),
        "chapters": "章节", "exercises": "练习笔记本", "more": "参考",
        "exercise_link": "**本章练习：**[{name}](../exercises/{name}.ipynb)"
                         "（用页面顶部的下载按钮下载后练习）。",
        "untranslated": ("> 本页尚未译成中文，以下为英文原文。"
                         "中文版的进度见仓库的 `translations/zh/`。"),
        "map": "课程地图 (Course map)", "glossary": "术语表 (Glossary)",
        "data": "数据说明 (Data cards)",
    },
}


def _readme_section(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    body = text[text.index("\n", start) + 1:]
    ends = [i for i in (body.find("\n## "), body.find("\n### ")) if i >= 0]
    return body[:min(ends)] if ends else body


def _static_widgets(nb) -> None:
    """Show each ipywidgets explorer as the figure it last drew (stored in the widget state).

    A static page has no kernel to move a slider, and the widget JavaScript would come
    from a CDN; the committed widget state holds the explorer's last output, which is what
    the reader sees, with a line saying it is interactive in JupyterLab.
    """
    state = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})

    def outputs_of(model_id, seen):
        if model_id in seen or model_id not in state:
            return []
        seen.add(model_id)
        model = state[model_id].get("state", {})
        found = list(model.get("outputs", [])) if state[model_id].get(
            "model_name") == "OutputModel" else []
        for child in model.get("children", []):
            found += outputs_of(str(child).removeprefix("IPY_MODEL_"), seen)
        return found

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view is None:
                new.append(output)
                continue
            drawn = [nbformat.from_dict(o) for o in outputs_of(view["model_id"], set())]
            new += [o for o in drawn if o.get("output_type") != "stream"] or [
                nbformat.v4.new_output("stream", name="stdout",
                                       text="(an interactive explorer: run it in JupyterLab)\n")]
        cell.outputs = new
    nb.metadata.pop("widgets", None)


def _notebook(source: Path, target: Path, first: str | None) -> None:
    nb = nbformat.read(source, as_version=4)
    _static_widgets(nb)
    if first:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(first, id="crmlab-site-note"))
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def _glossary_page(language: str) -> str:
    from crmlab import glossary

    table = glossary.table().reset_index()
    lines = [f"# {WORDS[language]['glossary']}", ""]
    lines += ["| English | 中文 | chapter | definition |", "|---|---|---|---|"]
    for _, row in table.iterrows():
        definition = str(row["definition"]).replace("|", "\\|")
        lines.append(f"| {row['english']} | {row['chinese']} | {row['chapter']} | {definition} |")
    return "\n".join(lines) + "\n"


def _favicon(path: Path) -> None:
    """A 32-pixel icon (the browser asks for one on every site)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (32, 32), "#4c72b0")
    ImageDraw.Draw(image).rectangle((8, 8, 23, 23), fill="white")
    image.save(path)


def stage(language: str, stage_root: Path = STAGE) -> Path:
    words = WORDS[language]
    src = stage_root / language
    shutil.rmtree(src, ignore_errors=True)
    (src / "_static").mkdir(parents=True)
    shutil.copy(ROOT / "site" / "conf.py", src / "conf.py")
    for item in (ROOT / "site" / "_static").iterdir():
        shutil.copy(item, src / "_static" / item.name)
    shutil.copy(ROOT / "crmlab" / "_fontdata" / "crmlab-cjk.otf", src / "_static")
    shutil.copy(ROOT / "crmlab" / "_fontdata" / "OFL.txt", src / "_static" / "OFL-crmlab-cjk.txt")
    _favicon(src / "_static" / "favicon.png")
    import jupyter_server_mathjax  # MathJax served with the site: no CDN, works offline

    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static",
                    src / "_static" / "mathjax")
    exercises = {p.stem for p in (ROOT / "exercises").glob("*.ipynb")}
    chapters = []
    for source in sorted((ROOT / "notebooks").glob("*.ipynb")):
        zh = ROOT / "zh" / "notebooks" / source.name
        use = zh if language == "zh" and zh.exists() else source
        notes = []
        if language == "zh" and use is source:
            notes.append(words["untranslated"])
        if source.stem in exercises:
            notes.append(words["exercise_link"].format(name=source.stem))
        _notebook(use, src / "chapters" / source.name, "\n\n".join(notes) or None)
        chapters.append(f"chapters/{source.stem}")
    for name in sorted(exercises):
        chinese = ROOT / "zh" / "exercises" / f"{name}.ipynb"
        english = ROOT / "exercises" / f"{name}.ipynb"
        use = chinese if language == "zh" and chinese.exists() else english
        note = words["untranslated"] if language == "zh" and not chinese.exists() else None
        _notebook(use, src / "exercises" / f"{name}.ipynb", note)
    (src / "glossary.md").write_text(_glossary_page(language), encoding="utf-8")
    data = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    (src / "data.md").write_text(data, encoding="utf-8")
    for licence in sorted((ROOT / "datasets").rglob("LICENSE*")):  # the data cards link them
        target = src / licence.relative_to(ROOT / "datasets")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(licence, target)
    course_map = _readme_section("### Course map (课程地图)")
    index = [f"# {words['title']}", "", words["intro"], "",
             f"## {words['map']}", "", course_map.strip(), "",
             "```{toctree}", f":caption: {words['chapters']}", ":maxdepth: 1", "",
             *chapters, "```", "",
             "```{toctree}", f":caption: {words['exercises']}", ":maxdepth: 1", "",
             *[f"exercises/{name}" for name in sorted(exercises)], "```", "",
             "```{toctree}", f":caption: {words['more']}", ":maxdepth: 1", "",
             "glossary", "data", "```", ""]
    (src / "index.md").write_text("\n".join(index), encoding="utf-8")
    return src


REDIRECT = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>crmlab</title>
<script>
var zh = (navigator.language || "").toLowerCase().startsWith("zh");
window.location.replace(zh ? "zh/index.html" : "en/index.html");
</script></head>
<body><a href="en/index.html">English</a> · <a href="zh/index.html">中文版</a></body></html>
"""


def build(languages=("en", "zh"), out: Path = OUT) -> Path:
    """Stage and build each edition into ``out/<language>``; return ``out``."""
    for language in languages:
        src = stage(language, out.parent / f"{out.name}-src")
        env = dict(os.environ, CRMLAB_SITE_LANGUAGE=language, PYTHONWARNINGS="ignore")
        subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W",
                        "--keep-going", "-j", "2", str(src), str(out / language)],
                       check=True, env=env)
    (out / "index.html").write_text(REDIRECT, encoding="utf-8")
    return out


if __name__ == "__main__":
    print(build())
