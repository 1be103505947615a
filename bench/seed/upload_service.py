"""The seed server (octoai-sdk 0.10.1) with a form-data endpoint, for bench/run.sh's
upload row: POST /upload with one file part answers the file's size, like EchoService's
/upload. Run in the seed's sync mode (its async mode hangs on 5 MiB bodies)."""
from octoai.service import Service, path
from octoai.types import File


class UploadService(Service):
    def infer(self, prompt: str) -> str:
        return prompt[::-1]

    @path("/upload")
    def infer_form_data(self, file: File) -> int:
        return len(file.file.read())
