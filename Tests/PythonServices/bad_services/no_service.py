class NotAService:
    def infer(self, prompt: str) -> str:
        return prompt
