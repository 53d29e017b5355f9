"""io.kestra.plugin.fs.local.Trigger"""

from __future__ import annotations

import asyncio
import enum
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from choreo.model.trigger import Trigger as BaseTrigger
from choreo.model.types import Duration, Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent

#: Directories the trigger may watch (`os.pathsep`-separated). Nothing is allowed until it is set, as in Kestra
#: (`allowed-paths`): a flow must not read the server's whole disk.
ALLOWED_PATHS_VARIABLE = "CHOREO_FS_ALLOWED_PATHS"


class Action(enum.StrEnum):
    MOVE = "MOVE"
    DELETE = "DELETE"
    NONE = "NONE"


class Trigger(BaseTrigger):
    """Start the flow when files appear (or change) in a local directory: one execution per poll with the new
    files in `trigger.files` (`path`, `name`, `size`, `lastModifiedTime`, `uri`: a copy in internal storage).

    The directory must be under one of the paths of `CHOREO_FS_ALLOWED_PATHS`. Once the execution is stored, the
    files are moved to `moveDirectory` (MOVE), deleted (DELETE), or remembered so that only new or changed files
    start the flow again (NONE).

    ```yaml
    triggers:
      - id: watch
        type: io.kestra.plugin.fs.local.Trigger
        from: /data/incoming
        regExp: ".*\\\\.csv"
        action: MOVE
        moveDirectory: /data/archive
        interval: PT10S
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.fs.local.Trigger"
    trigger_kind: ClassVar[str] = "polling"

    from_: Dynamic[str] = Field(alias="from", description="The directory to watch.", examples=["/data/incoming"])
    reg_exp: Dynamic[str] | None = Field(
        default=None, description="Only files whose full path matches this regular expression.", examples=[".*\\.csv"]
    )
    recursive: bool = Field(default=False, description="Watch sub-directories too.")
    action: Action = Field(default=Action.NONE, description="What to do with the files once the flow started.")
    move_directory: Dynamic[str] | None = Field(default=None, description="Where MOVE puts the files.")
    max_files: int = Field(default=25, ge=1, description="At most this many files per execution.")
    interval: Duration = Field(default=timedelta(seconds=60), description="Time between two looks at the directory.")

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        directory = _allowed(Path(str(ctx.render(self.from_))))
        pattern = re.compile(str(ctx.render(self.reg_exp))) if self.reg_exp else None
        seen: dict[str, str] = ctx.state.setdefault("seen", {})
        found = await asyncio.to_thread(self._new_files, directory, pattern, seen)
        if not found:
            return []
        files = []
        for path, stamp in found:
            uri = await asyncio.to_thread(ctx.put_file, path.name, path.read_bytes())
            files.append(
                {
                    "path": str(path),
                    "name": path.name,
                    "size": path.stat().st_size,
                    "lastModifiedTime": datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(),
                    "uri": uri,
                }
            )
            if self.action == Action.NONE:
                seen[str(path)] = stamp
        target = (
            Path(str(ctx.render(self.move_directory))) if self.action == Action.MOVE and self.move_directory else None
        )
        if target is not None:
            target = _allowed(target)

        async def ack() -> None:
            for path, _ in found:
                if self.action == Action.DELETE:
                    await asyncio.to_thread(path.unlink, True)
                elif target is not None:
                    target.mkdir(parents=True, exist_ok=True)
                    await asyncio.to_thread(shutil.move, str(path), str(target / path.name))

        return [TriggerEvent({"files": files}, ack)]

    def _new_files(
        self, directory: Path, pattern: re.Pattern[str] | None, seen: dict[str, str]
    ) -> list[tuple[Path, str]]:
        paths = directory.rglob("*") if self.recursive else directory.glob("*")
        found = []
        for path in sorted(paths):
            if path.is_symlink() or not path.is_file():
                continue  # a symlink could lead out of the allowed directory
            if pattern is not None and not pattern.fullmatch(str(path)):
                continue
            stat = path.stat()
            stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
            if seen.get(str(path)) == stamp:
                continue
            found.append((path, stamp))
            if len(found) >= self.max_files:
                break
        return found


def _allowed(path: Path) -> Path:
    """The canonical path, when it is under an allowed path; a clear error otherwise."""
    real = path.expanduser().resolve()
    allowed = [Path(p).resolve() for p in os.environ.get(ALLOWED_PATHS_VARIABLE, "").split(os.pathsep) if p]
    if not any(real == root or real.is_relative_to(root) for root in allowed):
        raise PermissionError(f"'{real}' is not under an allowed path: list it in {ALLOWED_PATHS_VARIABLE}")
    return real


__all__ = ["Action", "Trigger"]
