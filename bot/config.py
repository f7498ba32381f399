"""Typed settings, read once at start-up from ``BRIEFBOT_*`` variables and an optional ``.env``.

Invalid settings raise :class:`SettingsError` with one line naming the setting and the
problem; the CLI prints that line and exits, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLATFORMS = ("telegram", "discord", "console")


def default_database_url() -> str:
    """A SQLite file in the user's data directory (computed on demand, never at import)."""
    from platformdirs import user_data_dir

    return f"sqlite+aiosqlite:///{Path(user_data_dir('briefbot')) / 'briefbot.db'}"


class SettingsError(Exception):
    """One clear line: which setting is wrong and why."""


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every setting of the bot. Environment names are the field names with ``BRIEFBOT_``."""

    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(default_factory=default_database_url)
    moderators: Annotated[list[str], NoDecode] = Field(default_factory=list)
    moderator_roles: Annotated[list[str], NoDecode] = Field(default_factory=list)
    auto_upgrade: bool = True
    max_article_chars: int = Field(default=100_000, ge=1_000, le=5_000_000)
    log_level: str = "INFO"

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_secret: SecretStr | None = None
    telegram_rate_global: float = Field(default=30.0, gt=0)
    telegram_rate_per_chat: float = Field(default=1.0, gt=0)
    telegram_rate_per_group_minute: int = Field(default=20, gt=0)

    discord_token: SecretStr | None = None
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str | None = None
    discord_guild_id: str | None = None
    discord_shards: int | None = Field(default=None, ge=1)
    discord_message_content: bool = False
    discord_rate_global: float = Field(default=40.0, gt=0)

    digest_grace_hours: float = Field(default=6.0, ge=0)
    # Finished deliveries older than this are deleted; at least the safe minimum for the grace
    # period (bot.delivery.minimum_retention: 9 days with the default 6 h grace).
    delivery_retention_days: int = Field(default=30, ge=1, validate_default=True)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value[len("sqlite:///") :]
        if not (value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST:PORT/DB")
        return value

    @field_validator("delivery_retention_days")
    @classmethod
    def _safe_retention(cls, value: int, info: ValidationInfo) -> int:
        grace_hours = info.data.get("digest_grace_hours")
        if grace_hours is None:  # invalid itself, and reported as such
            return value
        from bot.delivery import minimum_retention_days

        minimum = minimum_retention_days(grace_hours)
        if value < minimum:
            raise ValueError(
                f"{value} days is less than the safe minimum of {minimum} days for a "
                f"{grace_hours:g} h grace period (BRIEFBOT_DIGEST_GRACE_HOURS): a deleted digest "
                "could be queued again, or a story already sent come back as new"
            )
        return value

    @field_validator("moderators", "moderator_roles", mode="before")
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("moderators")
    @classmethod
    def _platform_user(cls, value: list[str]) -> list[str]:
        for entry in value:
            platform, _, user_id = entry.partition(":")
            if platform not in PLATFORMS or not user_id:
                raise ValueError(
                    f"{entry!r} is not platform:user_id (platform one of {', '.join(PLATFORMS)}),"
                    " e.g. telegram:123456789"
                )
        return value

    @field_validator("telegram_api_url", "discord_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    def is_moderator(self, sender_key: str) -> bool:
        return sender_key in self.moderators

    # Web ingestion (/add <url>, /feed). Private networks are refused unless this is set: for
    # tests and intranets only, since it lets moderators and feeds reach internal hosts.
    allow_private_networks: bool = False
    feed_poll_minutes: int = Field(default=15, ge=5, le=1440)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning pydantic's report into one line per the first problem."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "BRIEFBOT_" + "_".join(str(part) for part in error["loc"] if isinstance(part, str)).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name} is invalid: {message}") from None
