"""The site's pages: each executed notebook made ready to publish, the landing page and the claims page.

Every page is MyST Markdown or a notebook that Sphinx (myst-nb) renders as it is; nothing here executes code.
"""

from __future__ import annotations

import re

import nbformat

from .. import comparisons
from ..runtime import REPOSITORY
from ..widgets import PANEL_CLASS

GITHUB = f"https://github.com/{REPOSITORY}/blob/main"
COLAB = f"https://colab.research.google.com/github/{REPOSITORY}/blob/main"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
INJECTED = "course-site-injected"  # the tag of the cells the build adds before executing, removed after
WIDGET_NOTE = ('<p class="course-widget-note"><em>An interactive panel stands here in Jupyter and Colab. '
               "On this page it cannot move; the static views below show it at chosen settings.</em></p>")


def links_cell(stem: str) -> nbformat.NotebookNode:
    """A first cell with the links a reader of the page needs: Colab (master and student edition), the source."""
    return nbformat.v4.new_markdown_cell(
        f"[Open in Colab]({COLAB}/notebooks/{stem}.ipynb) · "
        f"[the student edition in Colab]({COLAB}/student/{stem}.ipynb) · "
        f"[the notebook on GitHub]({GITHUB}/notebooks/{stem}.ipynb)\n\n"
        "*Executed with the weights of the project's full-profile run (`pretrained=True`).*")


def publishable(notebook: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """The executed notebook as its page shows it: the build's own cells gone, each live widget replaced by a
    line that points to the static views (a page cannot run a kernel, and widget state would make myst-nb load
    the widget manager from a CDN), the links cell first. Errors are refused: a page must not publish one."""
    nb = nbformat.from_dict(notebook)
    nb.cells = [c for c in nb.cells if INJECTED not in c.metadata.get("tags", [])]
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise ValueError(f"{stem}: cell {i} ended in {output.get('ename')}: {output.get('evalue')}")
            if output.get("output_type") == "display_data" and not output.get("data"):
                continue  # a finished progress bar (course_utils.progress empties its output)
            if WIDGET_VIEW in output.get("data", {}):
                if not _maybe_panel(output["data"][WIDGET_VIEW], state):
                    continue  # a progress bar of training that ran while the page was made: nothing to show
                output = nbformat.v4.new_output("display_data", data={"text/html": WIDGET_NOTE})
            outputs.append(output)
        cell.outputs = outputs
    nb.cells.insert(0, links_cell(stem))
    return nb


def _maybe_panel(view: dict, state: dict) -> bool:
    """Whether a widget output may be one of the course's panels (widgets.panel marks its box `course-panel`);
    a widget whose saved state says otherwise is not, and one without saved state is given the benefit."""
    model = state.get(view.get("model_id"))
    return model is None or PANEL_CLASS in model.get("state", {}).get("_dom_classes", ())


def title(notebook: nbformat.NotebookNode, stem: str) -> str:
    """The notebook's first heading, as its page and the table call it."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def readme_section(readme: str, heading: str) -> str:
    """The body of README's `## heading` section, its links made to work from the site."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, flags=re.M | re.S)
    if not match:
        raise ValueError(f"README.md has no '## {heading}' section")
    return site_links(match.group(1).strip())


def site_links(markdown: str) -> str:
    """README Markdown for the site: badge images (fetched from the web) become text, and links to the
    repository's files become GitHub links (the site holds the executed notebooks, not the repository)."""
    text = re.sub(r"\[!\[([^\]]*)\]\([^)]*\)\]\(([^)]*)\)", r"[\1](\2)", markdown)

    def absolute(match: re.Match) -> str:
        bang, label, target = match.groups()
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        return f"{bang}[{label}]({target})" if bang else f"[{label}]({GITHUB}/{target})"

    return re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", absolute, text)


def series_rows(readme: str) -> dict[str, dict]:
    """README's notebooks table, by notebook number: what it teaches, quick and full seconds."""
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"\d\d", cells[0]):
            rows[cells[0]] = {"teaches": cells[2], "quick": cells[3], "full": cells[4]}
    return rows


def landing_page(readme: str, pages: list[dict]) -> str:
    """index.md: what the course teaches, the notebooks with their measured times, how to run it, the toctree.
    `pages`: one dict per built notebook with stem, title and seconds (this build's execution)."""
    intro = readme.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    rows = series_rows(readme)
    table = ["| # | notebook | what it teaches | this page's run (s) | quick profile (s) | full profile (s) | Colab |",
             "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    for page in pages:
        number, stem = page["stem"][:2], page["stem"]
        row = rows.get(number, {"teaches": "", "quick": "", "full": ""})
        colab = f"[master]({COLAB}/notebooks/{stem}.ipynb) · [student]({COLAB}/student/{stem}.ipynb)"
        table.append(f"| {number} | [{page['title']}]({stem}.ipynb) | {row['teaches']} | "
                     f"{page['seconds']:.0f} | {row['quick']} | {row['full']} | {colab} |")
    toctree = "\n".join(p["stem"] for p in pages)
    return f"""# GAN course companion

{site_links(intro)}

## The notebooks

Each page is the notebook executed with the weights of the project's own full-profile run, so its figures and
tables are the full profile's. "This page's run" is how long that execution took on the machine that built
this site; the quick and full profile columns are the README's wall-clock times of the whole notebook on two
CPU cores, training included. Every number the notebooks check is listed, with its measured value, on
[the claims page](claims.md).

{chr(10).join(table)}

## Run it on your machine

{readme_section(readme, "Set-up: two commands")}

## On Colab

Every page starts with an "Open in Colab" link to its notebook, and one to the student edition (the questions
without their answers). The notebook's first cell installs the course package there; a GPU runtime is used
when the notebook finds one.

## For instructors

{readme_section(readme, "Questions, the student edition and grading")}

```{{toctree}}
:hidden:
:maxdepth: 1

{toctree}
claims
```
"""


def measured_text(measured: dict[str, list[float]]) -> str:
    """The values an assert saw: bare when one operand was measured, named when several were."""
    values = {name: ", ".join(comparisons.format_value(v) for v in vs) for name, vs in measured.items()}
    if len(values) == 1:
        return next(iter(values.values()))
    return "; ".join(f"`{name}` = {text}" for name, text in values.items())


def claims_page(per_notebook: list[dict]) -> str:
    """claims.md: per notebook and section, every asserted comparison with the numbers it measured in this
    build. `per_notebook`: dicts with stem, title and claims (claims.claims rows)."""
    total = sum(len(page["claims"]) for page in per_notebook)
    parts = ["# What the notebooks check\n",
             "Each notebook checks its own results as it runs: an `assert` stops it when a number misses its bar. "
             "Below is every such comparison that the build's execution of the notebooks checked, with the value "
             "it measured (a check inside a loop gives its values in the order checked, up to ten). The checks of "
             "the graded questions test a student's answer, not the run, and are not listed.\n",
             f"{total} checks over {len(per_notebook)} notebooks.\n"]
    for page in per_notebook:
        parts.append(f"## [{page['title']}]({page['stem']}.ipynb)\n")
        if not page["claims"]:
            parts.append("This notebook asserts no measured number.\n")
        section = None
        for row in page["claims"]:
            if row["section"] != section:
                section = row["section"]
                parts.append(f"\n**{section or 'Before the first section'}**\n\n"
                             "| claim | measured | why |\n| --- | --- | --- |")
            held = "" if row["held"] else " (**failed**)"
            claim, measured, why = (text.replace("|", "\\|") for text in
                                    (row["claim"], measured_text(row["measured"]), row["why"]))
            parts.append(f"| `{claim}`{held} | {measured} | {why} |")
        parts.append("")
    return "\n".join(parts)
