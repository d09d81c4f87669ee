"""The panel: what a funder's panel decided beside the screener's verdict (`decisions`)."""
