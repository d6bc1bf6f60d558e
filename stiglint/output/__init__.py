"""Reporters: each turns a list of reports into text for one output format."""
