"""The rule files that ship with ccrules (package data; see ccrules.resources)."""
