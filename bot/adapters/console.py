"""A console chat for trying the bot locally: stdin in, plain text out.

The local user is a moderator. ``/add`` alone on a line starts a paste that ends with a line
holding only ``.`` (or with the end of input), so that articles with blank lines between
paragraphs can be pasted whole.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TextIO

from bot.adapters.base import MessageHandler
from bot.messages import ChatKind, ChatRef, IncomingMessage, Reply, Sender
from bot.render.text import render_text

CONSOLE_USER = Sender(platform="console", user_id="local", display_name="you")
CONSOLE_CHAT = ChatRef(platform="console", chat_id="local", kind=ChatKind.PRIVATE)
PASTE_END = "."
QUIT_WORDS = frozenset({"/quit", "/exit"})
# Commands whose text may run over several lines when typed alone.
MULTILINE_COMMANDS = frozenset({"/add", "/correct", "/fact"})


class ConsoleAdapter:
    """Reads messages from a text stream and prints replies; also prints scheduled digests."""

    platform = "console"

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._task: asyncio.Task[None] | None = None
        self._done = asyncio.Event()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    @property
    def interactive(self) -> bool:
        return self._stdin.isatty()

    async def start(self, handler: MessageHandler) -> None:
        loop = asyncio.get_running_loop()

        def pump() -> None:  # a daemon thread, so that a blocked read never holds up exit
            for line in self._stdin:
                loop.call_soon_threadsafe(self._lines.put_nowait, line.rstrip("\r\n"))
            loop.call_soon_threadsafe(self._lines.put_nowait, None)

        threading.Thread(target=pump, name="console-stdin", daemon=True).start()
        self._task = asyncio.create_task(self._chat(handler), name="console-chat")

    async def wait_closed(self) -> None:
        """Return when the user quits or the input ends."""
        await self._done.wait()

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._done.set()

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        self._print(render_text(reply))

    def _print(self, text: str) -> None:
        self._stdout.write(text + "\n\n")
        self._stdout.flush()

    def _prompt(self, text: str = "you> ") -> None:
        if self.interactive:
            self._stdout.write(text)
            self._stdout.flush()

    async def _chat(self, handler: MessageHandler) -> None:
        try:
            self._print("Briefbot console. You are a moderator here. Type /help for commands, /quit to leave.")
            while True:
                self._prompt()
                line = await self._lines.get()
                if line is None or line.strip().lower() in QUIT_WORDS:
                    break
                text = line.strip()
                if text.lower() in MULTILINE_COMMANDS:
                    self._print(f"Paste the text, then a line with only '{PASTE_END}' to finish.")
                    body, ended = await self._read_paste()
                    text = f"{text}\n{body}"
                    if not ended:
                        line = None
                if text:
                    message = IncomingMessage(chat=CONSOLE_CHAT, sender=CONSOLE_USER, text=text, addressed=True)
                    for reply in await handler(message):
                        self._print(render_text(reply))
                if line is None:
                    break
        finally:
            self._done.set()

    async def _read_paste(self) -> tuple[str, bool]:
        lines: list[str] = []
        while True:
            self._prompt("... ")
            line = await self._lines.get()
            if line is None:
                return "\n".join(lines), False
            if line.strip() == PASTE_END:
                return "\n".join(lines), True
            lines.append(line)
