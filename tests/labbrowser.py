"""Drive JupyterLab in a headless Chromium: the helpers behind tests/test_browser.py.

A headless JupyterLab serves a folder on a loopback port; selenium opens a notebook in Debian's chromium
(through Debian's chromedriver, so nothing is downloaded), runs all its cells, then moves every control of
every `course_utils.widgets.panel` and checks that the panel's image changed, and that the judge's reading
under the controls changed or stayed put as the panel promises (`changes=` and `keeps=`). Every function
takes the folder or server it works on, so the helpers can be tried on a throwaway notebook folder as well.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PANEL_CALL = "widgets.panel("

# Lab settings that keep the page quiet and the notebook files untouched: no news or update pop-up over the
# page, no autosave (the test must never write outputs into a committed notebook), and every cell kept in
# the page (the default windowing leaves cells out of view unrendered, with no prompt to read).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


# Appended to a notebook that builds panels: every panel's render function at every control's extremes
# (course_utils.widgets.check_extremes), with a line that the tests read.
EXTREMES_CELL = """from course_utils import widgets as _widgets
_renders = [len(_widgets.check_extremes(p)) for p in _widgets.built_panels()]
print(f"widget extremes: {len(_renders)} panel(s), {sum(_renders)} render(s)")"""


def panel_calls(path: Path) -> int:
    """How many panels a notebook's code builds (its `widgets.panel(` calls)."""
    return sum(c.source.count(PANEL_CALL) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def notebooks_with_panels(folder: Path) -> list[Path]:
    """Every notebook in `folder` whose code calls `widgets.panel(`, in name order."""
    found = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        if any(c.cell_type == "code" and PANEL_CALL in c.source for c in cells):
            found.append(path)
    return found


def pretrained_copies(notebooks: list[Path], folder: Path) -> list[Path]:
    """Copies of `notebooks` in `folder`, each of those that train set to load the shipped weights
    (`pretrained: bool = True` in its parameters cell), with EXTREMES_CELL appended: the panels then show what a
    trained model draws, Run All does not train (the benchmark tests, or nbval, execute the training code), and
    the same Run All checks the notebook's judged promises on the shipped run and its panels' extremes."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = re.sub(r"^pretrained: bool = False", "pretrained: bool = True", cell.source, flags=re.M)
        nb.cells.append(nbformat.v4.new_code_cell(EXTREMES_CELL))
        nbformat.write(nb, folder / path.name)
        copies.append(folder / path.name)
    return copies


def require_browser(environ=os.environ) -> None:
    """Skip (pytest.skip) when the browser bits are missing, with what is missing and how to get it; under CI
    (the variable CI set) fail instead, so that CI cannot pass by skipping the browser test."""
    import pytest

    missing = missing_browser_bits()
    if missing:
        message = "the browser test needs " + "; ".join(missing)
        if environ.get("CI"):
            pytest.fail(message + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(message)


def missing_browser_bits() -> list[str]:
    """What this machine lacks for the browser test (empty when everything is there)."""
    missing = [f"the Python package {name} (pip install {pip})"
               for name, pip in (("selenium", "'selenium>=4.15'"), ("jupyterlab", "'jupyterlab>=4.0'"))
               if importlib.util.find_spec(name) is None]
    missing += [f"{path} (apt-get install {pkg}, or: bash setup.sh test)"
                for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver"))
                if not os.access(path, os.X_OK)]
    return missing


# ---------------------------------------------------------------------------------------------- the server

@dataclass
class Lab:
    """A running JupyterLab: where it serves, its token, its process and its log."""

    root: Path
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def saved(self, path: Path) -> bool:
        """Whether the server has written `path` (it logs each save; autosave is off, so it should not)."""
        relative = Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        return f"Saving file at /{relative}" in self.log.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(root: Path, workdir: Path, env: dict[str, str] | None = None, timeout: float = 120.0) -> Lab:
    """JupyterLab serving `root` on a free loopback port, with its settings, config, data, IPython and
    matplotlib folders (and the checkpoints Lab makes of opened files) under `workdir`; `env` is added to
    the environment that it and its kernels get. Returns once GET /api/status answers 200."""
    workdir = Path(workdir)
    dirs = {name: workdir / sub for name, sub in (
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
        ("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib"))}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    for name, settings in LAB_SETTINGS.items():
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))
    full_env = {**os.environ, **{k: str(v) for k, v in dirs.items()}, **(env or {})}
    full_env.pop("JUPYTER_PATH", None)
    token = secrets.token_hex(16)
    log = workdir / "jupyterlab.log"
    for _attempt in range(3):  # a free port can be taken between asking and binding: try another
        port = _free_port()
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.token={token}",
                   f"--ServerApp.root_dir={root}", f"--FileCheckpoints.checkpoint_dir={workdir / 'checkpoints'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with open(log, "ab") as out:
            process = subprocess.Popen(command, cwd=root, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        lab = Lab(Path(root), f"http://127.0.0.1:{port}", token, process, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
                lab.api("GET", "/api/status")
                return lab
            time.sleep(0.5)
        if process.poll() is None:
            stop_lab(lab)
            raise RuntimeError(f"JupyterLab did not answer /api/status within {timeout:.0f} s:\n{lab.log_tail()}")
    raise RuntimeError(f"JupyterLab exited at start (exit code {process.returncode}):\n{lab.log_tail()}")


def stop_lab(lab: Lab, timeout: float = 20.0) -> None:
    """Stop the server by the pid that start_lab started (SIGTERM also shuts its kernels down)."""
    if lab.process.poll() is None:
        os.kill(lab.process.pid, signal.SIGTERM)
        try:
            lab.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(lab.process.pid, signal.SIGKILL)
            lab.process.wait(timeout)


def shutdown_kernels(lab: Lab) -> None:
    """End every session and kernel of the server (one notebook's kernel must not hold memory for the next)."""
    for session in lab.api("GET", "/api/sessions") or []:
        with contextlib.suppress(urllib.error.URLError):
            lab.api("DELETE", f"/api/sessions/{session['id']}")
    for kernel in lab.api("GET", "/api/kernels") or []:
        with contextlib.suppress(urllib.error.URLError):
            lab.api("DELETE", f"/api/kernels/{kernel['id']}")


# --------------------------------------------------------------------------------------------- the browser

def new_driver(width: int = 1400, height: int = 1600):
    """Headless Chromium driven through Debian's chromedriver (selenium never fetches a driver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}", "--disable-extensions", "--no-first-run"):
        options.add_argument(flag)
    options.set_capability("unhandledPromptBehavior", "accept")  # a "leave page?" prompt never blocks
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


def wait_for(condition: Callable[[], object], timeout: float, what: str, poll: float = 0.25):
    """Poll `condition` until it returns something truthy; stale elements just mean "look again"."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(StaleElementReferenceException, NoSuchElementException):
            value = condition()
            if value:
                return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(poll)


def status_bar(driver) -> str:
    return driver.execute_script("const s = document.querySelector('#jp-main-statusbar');"
                                 "return s ? s.textContent : '';")


def open_notebook(driver, lab: Lab, path: Path, timeout: float = 120.0) -> None:
    """Open a notebook (a path under lab.root) and wait until its kernel says Idle in the status bar (the
    toolbar says idle before the kernel has started, and Run All then silently does nothing)."""
    relative = Path(path).resolve().relative_to(lab.root.resolve()).as_posix()
    driver.get(f"{lab.url}/lab/tree/{relative}?token={lab.token}&reset")
    wait_for(lambda: driver.execute_script("return document.querySelectorAll('.jp-Notebook .jp-Cell').length"),
             timeout, f"the cells of {relative} to appear")
    wait_for(lambda: "| Idle" in status_bar(driver), timeout, f"the kernel of {relative} to be idle")


# Input prompts of every code cell, and the text of any traceback shown.
_PROMPTS_JS = """
const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
    .map(p => p.textContent.trim());
const errors = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .map(o => o.textContent).filter(t => /Traceback|Error:/.test(t) && /\\n/.test(t));
return [prompts, errors];
"""


def run_all(driver, timeout: float = 300.0) -> float:
    """Run > Run All Cells, then wait until every code cell has an execution count; returns the seconds.
    Fails early, with the traceback, when a cell raises (Run All then stops, leaving cells unnumbered)."""
    from selenium.webdriver.common.by import By

    started = time.monotonic()
    menu = wait_for(lambda: [m for m in driver.find_elements(By.CSS_SELECTOR, "#jp-MainMenu .lm-MenuBar-item")
                             if m.text.strip() == "Run"], 30, "the Run menu")[0]
    menu.click()
    wait_for(lambda: driver.find_element(By.CSS_SELECTOR, '[data-command="runmenu:run-all"]'), 10,
             "the Run All item").click()
    executed = re.compile(r"^\[\d+\]:$")
    stopped_since = None
    while True:
        prompts, errors = driver.execute_script(_PROMPTS_JS)
        if prompts and all(executed.match(p) for p in prompts):
            return time.monotonic() - started
        idle = "| Idle" in status_bar(driver) and not any(p == "[*]:" for p in prompts)
        if idle and errors:
            stopped_since = stopped_since or time.monotonic()
            if time.monotonic() - stopped_since > 3:  # still stopped after a few seconds: a cell raised
                raise AssertionError("a cell raised during Run All:\n" + "\n---\n".join(errors)[-4000:])
        else:
            stopped_since = None
        if time.monotonic() - started > timeout:
            waiting = [i for i, p in enumerate(prompts) if not executed.match(p)]
            raise TimeoutError(f"Run All did not finish within {timeout:.0f} s; code cells {waiting} have "
                               f"prompts {[prompts[i] for i in waiting]}")
        time.sleep(0.5)


# ------------------------------------------------------------------------------------ a student's answer

def code_cells(driver) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")


def cell_text(cell) -> str:
    from selenium.webdriver.common.by import By

    return "\n".join(line.text for line in cell.find_elements(By.CSS_SELECTOR, ".cm-line"))


def run_cell(driver, index: int, timeout: float = 60.0) -> str:
    """Select code cell `index` by a click on its prompt, press Shift+Enter, wait for its execution count;
    returns the text of its output."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    cell = code_cells(driver)[index]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
    before = cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-prompt").text.strip()
    cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-prompt").click()
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()

    def done():
        prompt = code_cells(driver)[index].find_element(By.CSS_SELECTOR, ".jp-InputArea-prompt").text.strip()
        return prompt if re.match(r"^\[\d+\]:$", prompt) and prompt != before else None

    wait_for(done, timeout, f"code cell {index} to run")
    return "\n".join(o.text for o in code_cells(driver)[index].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"))


def replace_placeholder(driver, index: int, line: int, text: str) -> None:
    """Type `text` over the `...` that ends line `line` of code cell `index`, as a student would: click the
    line, End, three Backspaces, then the keys of `text`."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    target = code_cells(driver)[index].find_elements(By.CSS_SELECTOR, ".cm-line")[line]
    if not target.text.endswith("..."):
        raise AssertionError(f"line {line} of code cell {index} does not end in '...': {target.text!r}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", target)
    target.click()
    ActionChains(driver).send_keys(Keys.END, Keys.BACKSPACE, Keys.BACKSPACE, Keys.BACKSPACE, text).perform()
    wait_for(lambda: cell_text(code_cells(driver)[index]).split("\n")[line].endswith(text), 10, "the answer to appear")


# ---------------------------------------------------------------------------------------------- the panels

_PANELS_JS = """
const generic = /^(jupyter-|widget-|lm-|p-|jp-)/;
return [...document.querySelectorAll('.course-panel')].map(panel => {
  const img = panel.querySelector('img.widget-image');
  const prefixes = [...panel.classList].filter(c => !generic.test(c)).map(c => c + '-');
  const controls = [];
  for (const el of panel.querySelectorAll('*')) {
    const promised = kind => [...el.classList].filter(c => c.startsWith(`course-${kind}-`))
                                              .map(c => c.slice(kind.length + 8));
    for (const c of el.classList) {
      const p = prefixes.find(p => c.startsWith(p));
      if (p) controls.push({name: c.slice(p.length), cls: c, changes: promised('changes'), keeps: promised('keeps')});
    }
  }
  return {src: img ? img.src : null, controls: controls};
});
"""


def panels(driver) -> list[dict]:
    """Each `.course-panel` on the page: its image's src and its controls ({name, cls, changes, keeps}: the
    reading parts that moving the control must change, and those it must leave as they are)."""
    return driver.execute_script(_PANELS_JS)


_READINGS_JS = """
const panel = document.querySelectorAll('.course-panel')[arguments[0]];
const reading = {};
for (const el of panel.querySelectorAll('.course-readings [class*="course-reading-"]')) {
  const c = [...el.classList].find(c => c.startsWith('course-reading-'));
  reading[c.slice('course-reading-'.length)] = el.textContent.trim();
}
return reading;
"""


def readings(driver, index: int) -> dict[str, str]:
    """The reading shown in panel `index`: {part (as in its CSS class): the text shown, 'part: text'}."""
    return driver.execute_script(_READINGS_JS, index)


_OVERFLOW_JS = """
return [...document.querySelectorAll('.course-panel')].map(panel => {
  const row = panel.querySelector('.course-controls');
  const wide = el => el && el.scrollWidth > el.clientWidth + 1 ? [el.scrollWidth, el.clientWidth] : null;
  return {controls: wide(row), panel: wide(panel), output: wide(panel.closest('.jp-OutputArea-output'))};
});
"""


def overflowing(driver) -> list[str]:
    """Each panel part (its control row, the panel, its output area) that is wider than the room it has, i.e.
    would show a horizontal scroll bar, as 'panel i controls: 1180 px in 930 px'."""
    found = []
    for index, parts in enumerate(driver.execute_script(_OVERFLOW_JS)):
        found += [f"panel {index} {part}: {size[0]} px in {size[1]} px" for part, size in parts.items() if size]
    return found


def panel_element(driver, index: int):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, ".course-panel")[index]


def image_src(driver, index: int) -> str | None:
    return driver.execute_script("const i = document.querySelectorAll('.course-panel')[arguments[0]]"
                                 ".querySelector('img.widget-image'); return i ? i.src : null;", index)


def wait_for_panels(driver, timeout: float = 60.0) -> list[dict]:
    """The panels once each shows an image and the count has stayed the same for two seconds."""
    def settled():
        first = panels(driver)
        if not first or not all(p["src"] for p in first):
            return None
        time.sleep(2)
        second = panels(driver)
        return second if len(second) == len(first) and all(p["src"] for p in second) else None

    return wait_for(settled, timeout, "every course-panel to show its image")


def move(driver, panel_index: int, control_class: str) -> str:
    """Move one control to another value the way a student would; returns what was done.

    Sliders: focus the handle and press an arrow key (left when it is at its maximum). Dropdowns and
    selects: choose another option. Toggle buttons, radio buttons: click another option; a checkbox or a
    single toggle button: click it. Number and text boxes: arrow up (or type) and Enter."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    control = panel_element(driver, panel_index).find_element(By.CSS_SELECTOR, f".{control_class}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", control)

    def inside(selector):
        return control.find_elements(By.CSS_SELECTOR, selector)

    if handles := inside(".noUi-handle"):
        handle = handles[0]
        now, top = (handle.get_attribute(a) for a in ("aria-valuenow", "aria-valuemax"))
        key, word = (Keys.ARROW_LEFT, "left") if now is not None and top is not None and \
            float(now) >= float(top) else (Keys.ARROW_RIGHT, "right")
        driver.execute_script("arguments[0].focus();", handle)
        handle.send_keys(key)
        return f"slider: arrow {word} from {now}"
    if selects := inside("select"):
        select = Select(selects[0])
        options = select.options
        if len(options) < 2:
            raise AssertionError(f"control {control_class} has fewer than two options")
        current = options.index(select.all_selected_options[0]) if select.all_selected_options else -1
        choice = (current + 1) % len(options)
        if select.is_multiple:
            select.deselect_all()
        select.select_by_index(choice)
        return f"select: option {current} -> {choice} ({options[choice].text})"
    if "widget-toggle-button" in (control.get_attribute("class") or "").split():
        control.click()  # a single ToggleButton
        return "toggle button: clicked"
    if buttons := inside(".widget-toggle-button"):
        other = [b for b in buttons if "mod-active" not in (b.get_attribute("class") or "").split()]
        if not other:
            raise AssertionError(f"control {control_class} has no other option to click")
        other[0].click()
        return f"toggle buttons: clicked {other[0].text!r}"
    if radios := inside("input[type=radio]"):
        other = [r for r in radios if not r.is_selected()]
        other[0].click()
        return "radio buttons: clicked another option"
    if boxes := inside("input[type=checkbox]"):
        boxes[0].click()
        return "checkbox: clicked"
    if fields := inside("input[type=number]"):
        field = fields[0]
        at_top = field.get_attribute("max") and field.get_attribute("value") == field.get_attribute("max")
        field.send_keys(Keys.ARROW_DOWN if at_top else Keys.ARROW_UP, Keys.ENTER)
        return "number box: arrow and Enter"
    if fields := inside("input[type=text], textarea"):
        fields[0].send_keys("x", Keys.ENTER)
        return "text box: typed x and Enter"
    raise AssertionError(f"don't know how to move control {control_class} "
                         f"(classes {control.get_attribute('class')!r}); teach tests/labbrowser.py.move")


@dataclass
class Report:
    """What check_notebook did to one notebook."""

    notebook: str
    open_s: float
    run_all_s: float
    panels: int
    moves: list[str]
    screenshots: Path
    total_s: float
    outputs: str  # the text of every cell output after Run All
    promises: list[tuple[int, str, str, str]]  # each (panel, "changes" or "keeps", control, reading part) checked

    def __str__(self):
        kept = "; ".join(f"panel {i} {control} {kind} {part}" for i, kind, control, part in self.promises)
        return (f"{self.notebook}: {self.total_s:.0f} s in all (open {self.open_s:.0f} s, "
                f"Run All {self.run_all_s:.0f} s), "
                f"{self.panels} panel(s), moved {len(self.moves)} control(s): {'; '.join(self.moves)}; "
                f"reading promises held: {kept or 'none'}; screenshots in {self.screenshots}")


# The narrow laptop screen the panels must fit: their control rows wrap rather than scroll sideways.
WINDOW_WIDTH = 1000


def check_promises(driver, index: int, control: dict, before: dict[str, str], timeout: float = 10.0) -> list[tuple]:
    """After `control` of panel `index` has moved and the image has changed: each reading part the control
    promises to change must differ from `before`, each it promises to keep must be as it was. Returns the
    promises checked as (panel, kind, control, part)."""
    for part in control["changes"]:
        try:
            wait_for(lambda part=part: readings(driver, index).get(part) not in (before.get(part), None), timeout,
                     f"the reading {part} to change")
        except TimeoutError:
            raise AssertionError(f"panel {index}: moving {control['name']!r} left the reading {before.get(part)!r} "
                                 f"as it was, but the panel promises it changes") from None
    after = readings(driver, index)
    for part in control["keeps"]:
        if after.get(part) != before.get(part):
            raise AssertionError(f"panel {index}: moving {control['name']!r} changed the reading {before.get(part)!r} "
                                 f"to {after.get(part)!r}, but the panel promises it stays put")
    return [(index, kind, control["name"], part) for kind in ("changes", "keeps") for part in control[kind]]


def check_notebook(lab: Lab, notebook: Path, screenshots: Path, change_timeout: float = 60.0) -> Report:
    """Open `notebook` in a fresh headless Chromium WINDOW_WIDTH pixels wide, Run All, check that no panel is
    wider than its output area, then move every control of every course-panel and assert that the panel's
    image changed and that its reading kept the panel's promises (check_promises). Screenshots: <stem>.png
    (the page at the first panel after Run All), <stem>-panel<i>-before.png, then
    <stem>-panel<i>-after-<control>.png after each move (the moves add up). The notebook's kernel is shut down
    at the end."""
    stem = Path(notebook).stem
    driver = new_driver(width=WINDOW_WIDTH)
    try:
        started = time.monotonic()
        open_notebook(driver, lab, notebook)
        opened = time.monotonic() - started
        ran = run_all(driver)
        outputs = driver.execute_script("return [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]"
                                        ".map(o => o.textContent).join('\\n');")
        found = wait_for_panels(driver)
        driver.execute_script("document.querySelectorAll('.course-panel')[0].scrollIntoView({block: 'start'});")
        driver.save_screenshot(str(screenshots / f"{stem}.png"))
        if too_wide := overflowing(driver):
            raise AssertionError(f"{stem}: at {WINDOW_WIDTH} px, {'; '.join(too_wide)} (a sideways scroll bar); "
                                 f"see {screenshots / f'{stem}.png'}")
        moves, promises = [], []
        for index, panel in enumerate(found):
            if not panel["controls"]:
                raise AssertionError(f"{stem}: course-panel {index} has no control with a <panel-class>-<name> class")
            panel_element(driver, index).screenshot(str(screenshots / f"{stem}-panel{index}-before.png"))
            for control in panel["controls"]:
                src, before = image_src(driver, index), readings(driver, index)
                how = move(driver, index, control["cls"])
                try:
                    wait_for(lambda i=index, s=src: image_src(driver, i) not in (s, None), change_timeout,
                             "the image to change")
                except TimeoutError:
                    driver.save_screenshot(str(screenshots / f"{stem}-panel{index}-{control['name']}-FAILED.png"))
                    raise AssertionError(f"{stem}: panel {index}'s image did not change within {change_timeout:.0f} s "
                                         f"of moving {control['name']!r} ({how})") from None
                panel_element(driver, index).screenshot(
                    str(screenshots / f"{stem}-panel{index}-after-{control['name']}.png"))
                promises += check_promises(driver, index, control, before)
                moves.append(f"panel {index} {control['name']} ({how})")
        return Report(stem, opened, ran, len(found), moves, screenshots, time.monotonic() - started, outputs,
                      promises)
    finally:
        driver.quit()
        shutdown_kernels(lab)


def screenshots_folder(default: Path) -> Path:
    """$BROWSER_SCREENSHOTS when set, otherwise `default`; created."""
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
