"""Evaluation of corroborator models against labelled data."""
