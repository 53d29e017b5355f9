"""Core task runners (`io.kestra.plugin.core.runner.*`); exported with the script tasks by `choreo.plugins.scripts`."""
