"""Lentera: a public library's staff-training programme, end to end."""
