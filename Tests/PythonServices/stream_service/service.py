"""A streaming octoai-sdk service for the tests: the EchoService's /infer, and
/stream, a generator (CONTRACT §6) that yields the characters of the /infer
answer one item each, delay_ms apart; prompt "boom" fails after the first.
"""
import time
from typing import Iterator

from octoai.service import Service, path
from pydantic import BaseModel


class Token(BaseModel):
    token: str


class StreamEchoService(Service):
    def setup(self) -> None:
        self.stopped = 0

    def infer(self, prompt: str, max_tokens: int = 16) -> str:
        if prompt == "boom":
            raise ValueError("boom requested")
        if prompt.startswith("sleep:"):
            time.sleep(float(prompt.split(":", 1)[1]))
        return prompt[:max_tokens][::-1]

    @path("/stream")
    def stream(self, prompt: str, max_tokens: int = 16, delay_ms: int = 0) -> Iterator[Token]:
        """The characters of the /infer answer, one event each."""
        answer = prompt[:max_tokens][::-1]
        try:
            for index, character in enumerate(answer):
                if index and delay_ms > 0:
                    time.sleep(min(delay_ms, 5000) / 1000)
                yield Token(token=character)
                if prompt == "boom":
                    raise ValueError("boom requested")
        except GeneratorExit:
            self.stopped += 1
            print(f"StreamEchoService.stream: stopped by its client ({self.stopped})", flush=True)
            raise
