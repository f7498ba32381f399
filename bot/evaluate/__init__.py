"""Evaluation commands: quality figures for the newsroom on labelled data."""
