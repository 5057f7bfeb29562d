"""Recommendations: interaction signals, the strategies, hybrid ranking, and the evaluation harness."""
