"""io.kestra.plugin.jdbc.sqlite.Trigger"""

from __future__ import annotations

from typing import ClassVar

from choreo.plugins.jdbc._trigger import SqlTrigger


class Trigger(SqlTrigger):
    """Start the flow when a query on a SQLite database returns rows.

    ```yaml
    triggers:
      - id: new_orders
        type: io.kestra.plugin.jdbc.sqlite.Trigger
        url: jdbc:sqlite:/data/shop.db
        sql: SELECT * FROM orders WHERE status = 'NEW'
        fetchType: FETCH
        interval: PT30S
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.jdbc.sqlite.Trigger"
