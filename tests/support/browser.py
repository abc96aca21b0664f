"""Real headless Chromium for page tests (Debian's `chromium` package, installed on demand)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def ensure_chromium() -> Path:
    """The chromium binary; installs Debian's package when it is missing (as root, from the Debian
    registry). Raises with a clear message when that is impossible: page tests never skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return Path(found)
    attempts = (
        ["apt-get", "install", "-y", "chromium"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium"],
    )
    log = []
    for command in attempts:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        log.append(f"$ {' '.join(command)} -> {proc.returncode}\n{proc.stderr[-800:]}")
        found = shutil.which("chromium")
        if found:
            return Path(found)
    raise RuntimeError(
        "Chromium is needed for the briefing page tests and could not be installed:\n" + "\n".join(log)
    )


def run_chromium(
    binary: Path, profile: Path, *args: str, timeout: int = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- layout and accessibility checks inside the page -----------------------------------------------------
#
# No browser-driver dependency: the check copies the page, injects an inline script that measures it
# (and runs axe-core when given), lets Chromium run it under --virtual-time-budget, and reads the JSON
# the script wrote into <pre id="layout-result"> from --dump-dom. One Chromium launch per page.

RESULT_ID = "layout-result"

# Measures every <text> of every <svg>: pairs whose boxes intersect (grown by GAP user units left and
# right, so labels that touch count too) and texts that leave their SVG's box, in SVG user units. Then
# the elements wider than the window (a 390 px phone scrolls sideways otherwise), then axe-core.
LAYOUT_JS = """
(async () => { try {
  const GAP = 1, TOL = 0.5;
  // the frame as tall as the page: all of it in the frame's viewport, where axe-core can tell the
  // colours behind text (it reads them with elementsFromPoint)
  window.frameElement.style.height = document.documentElement.scrollHeight + 'px';
  window.frameElement.getBoundingClientRect();  // lays the frame out again now
  const clip = (s) => s.replace(/\\s+/g, ' ').trim().slice(0, 80);
  const out = {window: innerWidth, scroll_width: document.documentElement.scrollWidth,
               svgs: 0, texts: 0, overlaps: [], clipped: [], too_wide: [], axe: null};
  document.querySelectorAll('svg').forEach((svg, n) => {
    const box = svg.getBoundingClientRect();
    if (!box.width || !box.height) return;
    const vb = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : null;
    const k = vb ? vb.width / box.width : 1;  // CSS px -> user units
    const title = clip(svg.querySelector('title')?.textContent || svg.getAttribute('aria-label') || `svg ${n + 1}`);
    const section = svg.closest('section')?.id || '';
    out.svgs += 1;
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim()).map((t) => {
      const r = t.getBoundingClientRect();
      return {text: clip(t.textContent), x0: (r.left - box.left) * k, x1: (r.right - box.left) * k,
              y0: (r.top - box.top) * k, y1: (r.bottom - box.top) * k};
    }).filter((t) => t.x1 > t.x0 && t.y1 > t.y0);
    out.texts += texts.length;
    const w = box.width * k, h = box.height * k;
    for (const t of texts) {
      if (t.x0 < -TOL || t.y0 < -TOL || t.x1 > w + TOL || t.y1 > h + TOL) {
        out.clipped.push({section, chart: title, text: t.text,
                          box: [t.x0, t.y0, t.x1, t.y1].map((v) => Math.round(v * 10) / 10),
                          svg: [Math.round(w), Math.round(h)]});
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i], b = texts[j];
        const dx = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 2 * GAP;
        const dy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (dx > TOL && dy > TOL) {
          out.overlaps.push({section, chart: title, texts: [a.text, b.text],
                             by: [Math.round(dx * 10) / 10, Math.round(dy * 10) / 10]});
        }
      }
    }
  });
  // elements reaching past the window's right edge, unless a box that scrolls or clips holds them
  // (a wide table in an overflow-x: auto wrapper scrolls on its own; the page does not)
  const held = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *:not(svg *)')) {  // an SVG clips its content
    const r = el.getBoundingClientRect();
    if (r.width && r.right > innerWidth + 1 && !held(el)) {
      const parentWide = el.parentElement && el.parentElement.getBoundingClientRect().right > innerWidth + 1;
      if (!parentWide) out.too_wide.push({element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''),
        right: Math.round(r.right), text: clip(el.textContent || '').slice(0, 60)});
    }
  }
  if (window.axe) {
    const result = await window.axe.run(document, {});
    out.axe_passes = result.passes.length;
    out.axe_incomplete = result.incomplete.map((v) => v.id);
    out.axe = result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((node) => ({target: node.target.join(' '), html: node.html.slice(0, 160),
                                     summary: (node.failureSummary || '').slice(0, 300)}))}));
  }
  // the page runs in a frame of the phone's width (headless windows are at least 500 px wide): the
  // result goes into the wrapper's <pre>, which --dump-dom prints
  window.parent.document.getElementById('RESULT_ID').textContent = JSON.stringify(out);
} catch (error) {
  window.parent.document.getElementById('RESULT_ID').textContent = JSON.stringify({error: String(error.stack || error)});
} })();
""".replace("RESULT_ID", RESULT_ID)


def axe_script(root: Path) -> Path:
    """axe-core's browser build from node_modules (package-lock.json; ./run setup installs it)."""
    path = root / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise RuntimeError(
            f"{path} is missing: the accessibility checks inject axe-core from node_modules. "
            "Run ./run setup (it runs npm ci --no-audit --no-fund from package-lock.json)."
        )
    return path


def check_page(
    binary: Path,
    profile: Path,
    page: Path,
    work: Path,
    *,
    axe: Path | None = None,
    width: int = 390,
    budget_ms: int = 20_000,
) -> dict:
    """Lay ``page`` (a file of a built site) out in Chromium at ``width`` CSS px and measure it.

    A copy with the measuring script injected is written to ``work`` (the page is left alone; a
    <base> keeps its relative links, e.g. the stylesheet, pointing at the site) and shown in a frame
    ``width`` px wide, as a phone would (a headless window cannot be narrower than 500 px). Returns the script's
    JSON: ``overlaps`` and ``clipped`` texts in SVGs (with their section and chart title),
    ``too_wide`` elements, and ``axe`` violations when ``axe`` (axe.min.js) is given."""
    html = page.read_text(encoding="utf-8")
    base = f'<base href="{page.parent.resolve().as_uri()}/">'
    html = re.sub(r"<head>", lambda m: m.group(0) + base, html, count=1)
    scripts = ""
    if axe is not None:
        scripts += f"<script>{axe.read_text(encoding='utf-8')}</script>"
    scripts += f"<script>{LAYOUT_JS}</script>"
    if "</body>" not in html:
        raise ValueError(f"{page}: no </body> to inject the layout check before")
    at = html.rindex("</body>")
    html = html[:at] + scripts + html[at:]
    work.mkdir(parents=True, exist_ok=True)
    copy = work / f"{page.stem}.checked.html"
    copy.write_text(html, encoding="utf-8")
    wrapper = work / f"{page.stem}.frame.html"
    wrapper.write_text(
        f'<!doctype html><html><body style="margin:0"><iframe src="{copy.name}" title="page" '
        f'style="width:{width}px;height:2000px;border:0"></iframe><pre id="{RESULT_ID}"></pre></body></html>',
        encoding="utf-8",
    )
    proc = run_chromium(
        binary,
        profile,
        "--window-size=800,2100",
        f"--virtual-time-budget={budget_ms}",
        "--allow-file-access-from-files",  # the framed copy writes its result into the wrapper
        "--dump-dom",
        wrapper.as_uri(),
        timeout=180,
    )
    found = re.search(rf'<pre id="{RESULT_ID}">(.*?)</pre>', proc.stdout, re.S)
    if proc.returncode != 0 or not found or not found.group(1).strip():
        raise RuntimeError(
            f"Chromium did not finish the layout check of {page} (exit {proc.returncode}): "
            f"{proc.stderr[-1500:]}"
        )
    result = json.loads(unescape(found.group(1)))
    if "error" in result:
        raise RuntimeError(f"the layout check failed in {page}: {result['error']}")
    return result
