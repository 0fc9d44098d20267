"""Typed configuration, read once from the environment and a `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]
# the Bot API client (bot/infra/transport.py): aiohttp with JSON bodies, or PTB's own httpx
ApiClient = Literal["aiohttp", "httpx"]

TOKEN_HELP = (
    "BOT_TOKEN is not set: in Telegram, message @BotFather, send /newbot, and put the "
    "token it gives you in the environment (BOT_TOKEN=123456:ABC...) or in a .env file."
)


class ConfigError(Exception):
    """The configuration cannot run the bot; the message is one line an operator can act on.

    `python -m bot` prints it and exits with EXIT_CODE.
    """

    EXIT_CODE = 2


class MissingTokenError(ConfigError):
    def __init__(self) -> None:
        super().__init__(TOKEN_HELP)


class Settings(BaseSettings):
    """Everything the bot reads from its environment (variables prefixed with BOT_)."""

    model_config = SettingsConfigDict(
        env_prefix="BOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    # optional at load so `ask`/`check` and tests work without one; running requires it
    token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    api_client: ApiClient = "aiohttp"
    # every Bot API call goes through this proxy: http:// or https:// (socks5:// only with
    # api_client httpx and python-telegram-bot's socks extra)
    proxy: str | None = None
    db: Path = Path("data/kefu.sqlite3")
    timezone: str = "Asia/Shanghai"
    admins: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # polling mode: serve /healthz and /metrics on this port (webhook mode: on webhook_port)
    http_port: int | None = Field(default=None, ge=1, le=65535)
    # the knowledge files /reload reads; None: the ones shipped in the package
    knowledge_dir: Path | None = None
    log_level: LogLevel = "INFO"
    # the libraries' loggers (telegram, aiosqlite, httpx, …); None: INFO (httpx WARNING),
    # or BOT_LOG_LEVEL if that is higher — their DEBUG lines hold what users typed
    log_level_libs: LogLevel | None = None
    log_format: LogFormat = "text"
    # the last `python -m bot sources verify --result` file, exposed on /metrics; None: none
    sources_result: Path | None = None

    @field_validator(
        "token", "webhook_secret", "webhook_url", "http_port", "knowledge_dir", "log_level_libs",
        "sources_result", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `BOT_TOKEN=` in a .env file means "not set", not an empty token
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Asia/Shanghai)") from exc
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
            try:
                return frozenset(int(p) for p in parts if p)
            except ValueError as exc:
                raise ValueError("must be comma-separated Telegram user ids, e.g. 123,456") from exc
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("log_level", "log_level_libs", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("proxy", mode="before")
    @classmethod
    def _proxy_url(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not value:
            return None  # `BOT_PROXY=` in a .env file: no proxy
        if not value.startswith(("http://", "https://", "socks5://")):
            raise ValueError("must be a URL: http://host:port (or https://, socks5://)")
        return value

    @field_validator("log_format", "api_client", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    def require_token(self) -> str:
        """The token, or MissingTokenError telling the operator how to get one."""
        if self.token is None:
            raise MissingTokenError()
        return self.token.get_secret_value()

    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log line."""
        values = (self.token, self.webhook_secret)
        found = [v.get_secret_value() for v in values if v is not None]
        proxy_password = urlsplit(self.proxy).password if self.proxy else None
        if proxy_password:
            found.append(proxy_password)
        return tuple(found)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`; a bad value raises a one-line ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "BOT_" + "_".join(str(p) for p in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from exc
