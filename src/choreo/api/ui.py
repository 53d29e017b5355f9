"""The web UI: the single-page app built from `ui/` into `ui_dist/`, served at /ui/.

Files are looked up under the build directory after canonicalization (nothing outside it is ever read); any other
path under /ui/ is a route of the app and gets its index page. Hashed assets are cached for good, the index never,
so a new build shows at once."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

DIST = Path(__file__).resolve().parent / "ui_dist"

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Choreo</title></head><body
style="font:15px system-ui,sans-serif;max-width:40rem;margin:4rem auto">
<h1>The web UI is not built</h1><p>Build it once with <code>bin/build-ui</code> (it runs <code>npm ci</code> and
<code>npm run build</code> in <code>ui/</code>), then reload. The API is served as usual under
<a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>"""


def resolve(path: str, root: Path) -> Path | None:
    """The built file `path` names, or None when it names none (or anything outside the build)."""
    if not path or "\x00" in path or "\\" in path:
        return None
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
        return None
    return candidate


def install(app: FastAPI, root: Path | None = None) -> None:
    """Serve the build at `root` (the packaged one by default)."""
    root = root or DIST

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/ui/")

    @app.get("/ui", include_in_schema=False)
    def ui_root() -> Response:
        return RedirectResponse("/ui/")

    @app.get("/ui/{path:path}", include_in_schema=False)
    def ui(path: str) -> Response:
        found = resolve(path, root)
        if found is not None:
            immutable = found.parent.name == "assets"  # content-hashed names: a change is a new name
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(found, headers={"Cache-Control": cache})
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        if path.startswith("assets/"):  # a missing asset is a 404, not the app's page
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
