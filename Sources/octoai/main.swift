import Examples
import OctoFCGI

// The built-in services; the first is what `octoai run` serves by default.
OctoAI.main(MiniLMService.self, EchoService.self, EchoServiceWithAssets.self, TypesService.self, BatchEchoService.self)
