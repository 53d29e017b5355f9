"""io.kestra.plugin.core.runner.Process"""

from __future__ import annotations

from typing import ClassVar

from choreo.model.task import TaskRunner


class Process(TaskRunner):
    """Run the script task's commands as a subprocess on the worker's host.

    The working directory (with input and namespace files) is `{{ workingDir }}` or `$WORKING_DIR`; files written
    to `{{ outputDir }}` (`$OUTPUT_DIR`) or matched by `outputFiles` are kept. Killing the task kills the process
    and its children.

    ```yaml
    - id: shell
      type: io.kestra.plugin.scripts.shell.Commands
      taskRunner:
        type: io.kestra.plugin.core.runner.Process
      commands:
        - echo "Hello World"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.runner.Process"
