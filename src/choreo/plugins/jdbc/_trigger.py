"""The SQL polling trigger, one class per database (Kestra's `io.kestra.plugin.jdbc.<db>.Trigger`)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from choreo.model.trigger import Trigger
from choreo.model.types import Duration, Dynamic
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.jdbc._query import FetchType, as_jsonl, run_query, sqlalchemy_url


class SqlTrigger(Trigger):
    """Run `sql` every `interval`; when it returns rows, start the flow with them: `trigger.rows` (FETCH),
    `trigger.row` (FETCH_ONE) or `trigger.uri`, a file of JSON lines (STORE), and `trigger.size`.

    The query should select what has not been handled yet (a status column, a watermark the flow advances…):
    rows that stay selected start the flow again at each poll, as in Kestra."""

    trigger_kind: ClassVar[str] = "polling"
    url_example: ClassVar[str] = ""

    url: Dynamic[str] = Field(description="The JDBC URL of the database.")
    username: Dynamic[str] | None = Field(default=None, description="The user to connect as.")
    password: Dynamic[str] | None = Field(default=None, description="Its password.")
    sql: Dynamic[str] = Field(description="The query.", examples=["SELECT * FROM orders WHERE status = 'NEW'"])
    fetch_type: FetchType = Field(default=FetchType.NONE, description="How the rows reach the execution.")
    interval: Duration = Field(default=timedelta(seconds=60), description="Time between two queries.")

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        url = sqlalchemy_url(
            str(ctx.render(self.url)),
            ctx.render(self.username) if self.username else None,
            ctx.render(self.password) if self.password else None,
        )
        rows = await asyncio.to_thread(run_query, url, str(ctx.render(self.sql)))
        if not rows:
            return []
        variables: dict[str, object] = {"size": len(rows)}
        if self.fetch_type == FetchType.FETCH:
            variables["rows"] = rows
        elif self.fetch_type == FetchType.FETCH_ONE:
            variables["row"] = rows[0]
        elif self.fetch_type == FetchType.STORE:
            variables["uri"] = await asyncio.to_thread(ctx.put_file, "rows.jsonl", as_jsonl(rows))
        return [TriggerEvent(variables)]
