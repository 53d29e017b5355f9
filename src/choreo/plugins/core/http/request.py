"""io.kestra.plugin.core.http.Request"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.core.http.abstract_http import AbstractHttp


class Request(AbstractHttp):
    """Send an HTTP request; outputs `code`, `headers`, `body` (or `encryptedBody`) and `uri`.

    ```yaml
    - id: send
      type: io.kestra.plugin.core.http.Request
      uri: https://reqres.in/api/test-request
      method: POST
      contentType: application/json
      body: '{"title": "{{ inputs.title }}"}'
      options:
        timeout:
          connectTimeout: PT10S
        auth:
          type: BEARER
          token: "{{ secret('API_TOKEN') }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.http.Request"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.fs.http.Request",)

    encrypt_body: Dynamic[bool] = Field(
        default=False,
        description="Store the response body encrypted, as the `encryptedBody` output, instead of `body`.",
    )
