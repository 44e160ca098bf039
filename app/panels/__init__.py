"""The window's panels, one file each."""
