"""A service that answers /infer calls in batches and declares itself safe for two calls at once."""
import time

from fastapi import HTTPException
from octoai.service import Service


class BatchService(Service):
    _max_concurrency = 2

    def infer(self, text: str) -> dict:
        if text == "sleep":
            time.sleep(0.3)
        return {"text": text, "batch": 1}

    def _infer_batch(self, inputs: list) -> list:
        texts = [i["text"] for i in inputs]
        if "teapot" in texts:
            raise HTTPException(status_code=418, detail="short and stout", headers={"X-Batch": str(len(texts))})
        if "boom" in texts:
            raise ValueError("batch failed")
        if "short" in texts:
            return []
        return [{"text": t, "batch": len(inputs)} for t in texts]
