"""Shell script tasks (`io.kestra.plugin.scripts.shell.*`)."""
