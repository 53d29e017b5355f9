"""Python script tasks (`io.kestra.plugin.scripts.python.*`)."""
