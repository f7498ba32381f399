"""Platform adapters: translate native events to :mod:`bot.messages` and back."""
