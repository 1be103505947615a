from octoai.service import Service


class WrongOutput(Service):
    def infer(self, n: int) -> int:
        return "not a number"
