"""Prefect flows: orchestration only; every task calls one service."""
