"""io.kestra.plugin.jdbc.postgresql.Trigger"""

from __future__ import annotations

from typing import ClassVar

from choreo.plugins.jdbc._trigger import SqlTrigger


class Trigger(SqlTrigger):
    """Start the flow when a query on a PostgreSQL database returns rows.

    ```yaml
    triggers:
      - id: new_orders
        type: io.kestra.plugin.jdbc.postgresql.Trigger
        url: jdbc:postgresql://127.0.0.1:5432/shop
        username: shop
        password: "{{ secret('SHOP_DB_PASSWORD') }}"
        sql: SELECT * FROM orders WHERE status = 'NEW'
        fetchType: STORE
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.jdbc.postgresql.Trigger"
