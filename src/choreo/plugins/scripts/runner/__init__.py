"""Task runners of the scripts plugin (`io.kestra.plugin.scripts.runner.*`)."""
