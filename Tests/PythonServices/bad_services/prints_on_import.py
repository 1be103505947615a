from octoai.service import Service

print("hello from import")


class Printer(Service):
    def infer(self, prompt: str) -> str:
        return prompt
