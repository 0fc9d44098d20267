"""Fault and hostile-input suite: what goes wrong must lose nothing and leak nothing."""
