"""Which components run in this process, with what configuration, and their lifecycle."""
