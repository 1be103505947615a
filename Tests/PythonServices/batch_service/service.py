"""A service that answers /infer calls in batches and declares itself safe for two calls at once."""
import time

from octoai.service import Service


class BatchService(Service):
    _max_concurrency = 2

    def infer(self, text: str) -> dict:
        if text == "sleep":
            time.sleep(0.3)
        return {"text": text, "batch": 1}

    def _infer_batch(self, inputs: list) -> list:
        return [{"text": i["text"], "batch": len(inputs)} for i in inputs]
