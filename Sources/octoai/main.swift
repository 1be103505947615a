import Examples
import OctoFCGI

print(EchoService.reversedPrefix("hello", maxTokens: 16))
