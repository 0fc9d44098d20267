"""Update handlers, one module per feature; bot/app.py registers them all in one place."""
