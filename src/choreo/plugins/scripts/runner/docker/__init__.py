"""The Docker task runner (`io.kestra.plugin.scripts.runner.docker.Docker`) and its option parts."""
