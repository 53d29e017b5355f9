"""io.kestra.plugin.core.trigger.Webhook"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.trigger import Trigger
from choreo.model.types import Dynamic, is_template

KEY_MAX_LENGTH = 256


class FetchType(enum.StrEnum):
    FETCH = "FETCH"
    STORE = "STORE"
    NONE = "NONE"


class Webhook(Trigger):
    """Start the flow when `/api/v1/main/executions/webhook/{namespace}/{flowId}/{key}` is called.

    GET, POST and PUT are accepted. The execution gets `trigger.body` (JSON object or array when it parses, else the
    text), `trigger.headers` and `trigger.parameters` (query string), both maps of lists. The key is the only
    protection of the URL: treat it as a secret.

    ```yaml
    triggers:
      - id: webhook
        type: io.kestra.plugin.core.trigger.Webhook
        key: "{{ secret('WEBHOOK_KEY') }}"
        conditions:
          - type: io.kestra.plugin.core.condition.Expression
            expression: "{{ trigger.body.hello == 'world' }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.trigger.Webhook"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.models.triggers.types.Webhook",)
    trigger_kind: ClassVar[str] = "webhook"

    key: Dynamic[str] = Field(
        min_length=1,
        max_length=KEY_MAX_LENGTH,
        description="The secret last segment of the webhook URL (at most 256 characters); may be an expression "
        "such as a secret.",
        examples=["4wjtkzwVGBM9yKnjm3yv8r", "{{ secret('WEBHOOK_KEY') }}"],
    )
    inputs: dict[str, Any] | None = Field(
        default=None,
        description="Inputs of the execution it creates; values are rendered and may use `trigger.body`.",
        examples=[{"customer": "{{ trigger.body.customer }}"}],
    )
    wait: bool = Field(
        default=False,
        description="Answer the call only when the execution has ended, instead of as soon as it is created.",
    )
    return_outputs: bool = Field(
        default=False, description="Answer with the flow outputs instead of the execution (needs `wait`)."
    )
    response_content_type: str | None = Field(
        default=None,
        description="Content type of the answer, instead of application/json (needs `wait` and `returnOutputs`).",
        examples=["text/plain", "application/json"],
    )
    response_code: Dynamic[int] | None = Field(
        default=None,
        description="HTTP status of the answer, instead of 200 (500 when the execution failed); "
        "needs `wait` and `returnOutputs`.",
        examples=[202],
    )
    fetch_type: FetchType = Field(
        default=FetchType.FETCH,
        description="What happens to the request body: FETCH exposes it as `trigger.body`, STORE streams it to "
        "internal storage as `trigger.uri`, NONE drops it.",
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        if is_template(self.key) and len(self.key) > KEY_MAX_LENGTH:
            yield Problem(("key",), f"size must be between 0 and {KEY_MAX_LENGTH}")
        if self.return_outputs and not self.wait:
            yield Problem(("returnOutputs",), "`returnOutputs` has no effect unless `wait` is true", "warning")
        for key, value in (("responseContentType", self.response_content_type), ("responseCode", self.response_code)):
            if value is not None and not (self.wait and self.return_outputs):
                yield Problem((key,), f"`{key}` has no effect unless `wait` and `returnOutputs` are true", "warning")
