"""The `nnplay` command line."""
