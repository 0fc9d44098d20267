"""Telegram layer: handlers, rendering, the application, reminders, CLI."""
