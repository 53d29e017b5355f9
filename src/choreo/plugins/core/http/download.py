"""io.kestra.plugin.core.http.Download"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.core.http.abstract_http import AbstractHttp


class Download(AbstractHttp):
    """Download the response of an HTTP request to an internal-storage file; outputs `uri`, `code`, `length`,
    `headers`.

    ```yaml
    - id: download
      type: io.kestra.plugin.core.http.Download
      uri: https://huggingface.co/datasets/kestra/datasets/raw/main/csv/orders.csv
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.http.Download"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.fs.http.Download",)

    fail_on_empty_response: Dynamic[bool] = Field(default=True, description="Fail when the response body is empty.")
